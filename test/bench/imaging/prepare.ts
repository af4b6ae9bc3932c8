/**
 * The benchmark's input series, made once per size and seed and kept under
 * <tmp>/rg-bench-imaging/<size>-seed<seed>/: native/ (writeDicomSeries, explicit VR little endian,
 * uncompressed) and jp2k/ (the same files re-encoded JPEG 2000 lossless by python/jp2k_series.py).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeDicomSeries, dicomSeriesReference } from '../../../activities/imaging/dicom-write/series';
import { syntheticCt } from './synthetic-ct';
import { voxelDigest } from './steps';

export interface PreparedSeries {
  root: string;
  nativeDir: string;
  jp2kDir: string;
  patientId: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  /** File names in native/ and jp2k/, slice order. */
  names: string[];
  sopInstanceUids: string[];
  volumeBytes: number;
  nativeBytes: number;
  jp2kBytes: number;
  /** Digest of the synthetic voxels (as steps.voxelDigest computes it). */
  sum: number;
  sha256: string;
}

/** Make (or reuse) the native and JPEG 2000 series for this size and seed. */
export async function prepareSeries(size: [number, number, number], seed: number, fresh: boolean): Promise<PreparedSeries> {
  const root = path.join(os.tmpdir(), 'rg-bench-imaging', `${size.join('x')}-seed${seed}`);
  const infoPath = path.join(root, 'series.json');
  if (!fresh && existsSync(infoPath)) return JSON.parse(await fs.readFile(infoPath, 'utf8')) as PreparedSeries;
  await fs.rm(root, { recursive: true, force: true });
  const nativeDir = path.join(root, 'native');
  const jp2kDir = path.join(root, 'jp2k');
  await fs.mkdir(nativeDir, { recursive: true });

  console.log(`making a synthetic ${size.join('×')} CT series (seed ${seed}) in ${root} ...`);
  const volume = syntheticCt(size, seed);
  const options = { patientId: 'BENCH-CT-1', modality: 'CT' as const, seed: `bench-imaging-${seed}` };
  const reference = dicomSeriesReference(volume, options);
  const files = writeDicomSeries(volume, options);
  for (const file of files) await fs.writeFile(path.join(nativeDir, file.name), file.bytes);
  const digest = voxelDigest(volume);

  console.log('encoding the JPEG 2000 lossless copy (python/jp2k_series.py) ...');
  const encode = spawnSync('python3', [path.join(__dirname, '..', 'python', 'jp2k_series.py'), nativeDir, jp2kDir], { encoding: 'utf8' });
  if (encode.status !== 0) throw new Error(`jp2k_series.py failed: ${encode.stderr || encode.error?.message}`);
  console.log(`  ${encode.stdout.trim()}`);

  const info: PreparedSeries = {
    root,
    nativeDir,
    jp2kDir,
    patientId: reference.patientId,
    studyInstanceUid: reference.studyInstanceUid,
    seriesInstanceUid: reference.seriesInstanceUid,
    names: files.map((file) => file.name),
    sopInstanceUids: reference.sopInstanceUids,
    volumeBytes: volume.data.byteLength,
    nativeBytes: await folderBytes(nativeDir),
    jp2kBytes: await folderBytes(jp2kDir),
    ...digest,
  };
  await fs.writeFile(infoPath, JSON.stringify(info, null, 2));
  return info;
}

/** Total size of the files in a folder. */
async function folderBytes(folder: string): Promise<number> {
  let total = 0;
  for (const name of await fs.readdir(folder)) total += (await fs.stat(path.join(folder, name))).size;
  return total;
}
