/**
 * The measured steps of the imaging benchmark. Each runs in its own child process (the driver forks
 * test/bench/imaging.ts with --step), so the peak memory of one step is not masked by another's:
 * the increase is the RSS high-water mark after the repeats minus the RSS before the first.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadWasmCodecs } from '../../../activities/imaging/dicom/codecs';
import { readDicomSeries, type DicomVolume } from '../../../activities/imaging/dicom/series';
import { TciaClient } from '../../../activities/sources/tcia/client';
import { downloadSeriesToStore } from '../../../activities/sources/tcia/download';
import { FileStore } from '../../../activities/storage/file-store';
import { formatFileUri, parseFileUri } from '../../../activities/storage/uri';
import type { StepResult } from './types';

export interface StepOptions {
  step: string;
  /** The series folder to read (read steps). */
  folder: string;
  repeats: number;
  /** TCIA step: the local server, the series to download and a scratch folder for the store. */
  baseUrl?: string;
  seriesInstanceUid?: string;
  scratch?: string;
}

/** Steps the driver can ask for. */
export const STEP_NAMES = ['native', 'native-lazy', 'jp2k', 'jp2k-lazy', 'tcia'] as const;

/** Run one step with its repeats and report times, memory and a voxel hash. */
export async function runStep(options: StepOptions): Promise<StepResult> {
  await loadWasmCodecs(); // loaded before the baseline: the codecs are not part of a read's memory
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  gc();
  const rssBeforeMiB = process.memoryUsage().rss / 2 ** 20;
  const seconds: number[] = [];
  const downloadSeconds: number[] = [];
  let volume: DicomVolume | undefined;
  for (let repeat = 0; repeat < options.repeats; repeat++) {
    volume = undefined;
    gc();
    const start = performance.now();
    if (options.step === 'tcia') {
      const { prefixUri, downloadMs } = await downloadSeries(options, repeat);
      downloadSeconds.push(downloadMs / 1000);
      volume = await readFromStore(prefixUri);
      await fs.rm(parseFileUri(prefixUri), { recursive: true, force: true });
    } else {
      volume = await readFolder(options.folder, options.step.endsWith('-lazy'));
    }
    seconds.push((performance.now() - start) / 1000);
  }
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const { sum, sha256 } = voxelDigest(volume!);
  return {
    step: options.step,
    seconds,
    ...(downloadSeconds.length ? { downloadSeconds } : {}),
    rssBeforeMiB,
    peakRssMiB,
    volumeBytes: volume!.data.byteLength,
    size: volume!.size,
    arrayType: volume!.data.constructor.name,
    sum,
    sha256,
  };
}

/** Read every .dcm of a folder: all bytes first (eager), or each file when the reader asks (lazy). */
async function readFolder(folder: string, lazy: boolean): Promise<DicomVolume> {
  const names = (await fs.readdir(folder)).filter((name) => name.endsWith('.dcm')).sort();
  const paths = names.map((name) => path.join(folder, name));
  if (lazy) {
    return readDicomSeries(paths.map((file) => ({ uri: file, read: () => fs.readFile(file) })));
  }
  const files = await Promise.all(paths.map(async (file) => ({ uri: file, bytes: await fs.readFile(file) })));
  return readDicomSeries(files);
}

/** Read the downloaded .dcm objects under a store prefix, each when the reader asks for it. */
async function readFromStore(prefixUri: string): Promise<DicomVolume> {
  const store = new FileStore();
  const uris = (await store.list(prefixUri)).filter((uri) => uri.endsWith('.dcm'));
  return readDicomSeries(uris.map((uri) => ({ uri, read: () => store.get(uri) })));
}

/** Download the series from the local server into a fresh file:// store prefix. */
async function downloadSeries(options: StepOptions, repeat: number): Promise<{ prefixUri: string; downloadMs: number }> {
  const prefixUri = formatFileUri(path.join(options.scratch!, `store-${process.pid}-${repeat}`));
  const client = new TciaClient({ baseUrl: options.baseUrl, tempDir: options.scratch, retry: { attempts: 1 } });
  const start = performance.now();
  await downloadSeriesToStore(client, new FileStore(), { seriesInstanceUid: options.seriesInstanceUid!, prefixUri });
  return { prefixUri, downloadMs: performance.now() - start };
}

/** Sum and sha256 of the voxels as little-endian int32, x fastest (as read_series.py hashes them). */
export function voxelDigest(volume: { data: ArrayLike<number> & { length: number; subarray(a: number, b: number): ArrayLike<number> } }): { sum: number; sha256: string } {
  const hash = createHash('sha256');
  const chunk = 1 << 20;
  const scratch = new Int32Array(chunk);
  let sum = 0;
  for (let start = 0; start < volume.data.length; start += chunk) {
    const part = volume.data.subarray(start, Math.min(start + chunk, volume.data.length));
    for (let i = 0; i < part.length; i++) {
      scratch[i] = part[i];
      sum += part[i];
    }
    hash.update(new Uint8Array(scratch.buffer, 0, part.length * 4));
  }
  return { sum, sha256: hash.digest('hex') };
}
