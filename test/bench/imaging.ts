/**
 * Imaging benchmark: a synthetic CT series (default 512×512×300, int16) read by this project's DICOM
 * reader (readDicomSeries), uncompressed and JPEG 2000 lossless, and downloaded through the local
 * TCIA (NBIA v4) server into a file:// store then read; against SimpleITK (ImageSeriesReader, GDCM)
 * and pydicom + numpy reading the same files, timed in Python from this script.
 *
 *   node --import tsx test/bench/imaging.ts [--size 512x512x300] [--repeats 3] [--seed 1] [--fresh]
 *
 * Prints, per step: median seconds, MB/s (volume bytes / s), the peak memory increase (RSS high-water
 * minus RSS before the step; each step runs in its own process), the ratio to SimpleITK's time and
 * whether our voxels hash equal to SimpleITK's. Targets: no slower than SimpleITK; peak increase
 * below 3× the volume. Input series are cached under <tmp>/rg-bench-imaging/ (--fresh remakes them).
 */
import { spawn, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decodeThreadCount } from '../../activities/imaging/dicom/decode-pool';
import { startLocalNbiaServer } from '../../activities/sources/tcia-server/server';
import { prepareSeries, type PreparedSeries } from './imaging/prepare';
import { runStep, STEP_NAMES } from './imaging/steps';
import type { StepResult } from './imaging/types';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '512x512x300' },
    repeats: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    fresh: { type: 'boolean', default: false },
    steps: { type: 'string', default: STEP_NAMES.join(',') },
    // Internal: set when the driver forks this script to run one step.
    step: { type: 'string' },
    folder: { type: 'string' },
    'base-url': { type: 'string' },
    'series-uid': { type: 'string' },
    scratch: { type: 'string' },
  },
});

/** What a Python reader reports (python/read_series.py). */
interface PythonResult {
  reader: string;
  version: string;
  seconds: number[];
  rssBeforeMiB: number;
  peakRssMiB: number;
  size: number[];
  dtype: string;
  sum: number;
  sha256: string;
}

const MiB = 2 ** 20;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Fork this script to run one step in a fresh process; resolves with its result. */
function forkStep(step: string, extra: string[]): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--step', step, '--repeats', args.repeats!, ...extra], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
    });
    let result: StepResult | undefined;
    child.on('message', (message) => (result = message as StepResult));
    child.on('error', reject);
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`step ${step} exited with ${code} and no result`))));
  });
}

/** Run python/read_series.py on a folder (asynchronously: the local server keeps answering). */
function runPython(folder: string, reader: 'simpleitk' | 'pydicom'): Promise<PythonResult | string> {
  return new Promise((resolve) => {
    const child = spawn('python3', [path.join(__dirname, 'python', 'read_series.py'), folder, reader, args.repeats!]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => resolve(`${reader} not run (${error.message})`));
    child.on('close', (code) => {
      if (code !== 0) return resolve(`${reader} not available (${stderr.trim().split('\n').pop()})`);
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as PythonResult);
    });
  });
}

/** One table row: time, throughput, memory, ratio to SimpleITK, voxel check. */
function row(label: string, seconds: number[], increaseMiB: number, volumeBytes: number, sitk: PythonResult | string, sha256: string, extra = ''): string {
  const s = median(seconds);
  const ratio = typeof sitk === 'string' ? '      n/a' : `${(median(sitk.seconds) / s).toFixed(2).padStart(8)}×`;
  const same = typeof sitk === 'string' ? '' : sha256 === sitk.sha256 ? '  voxels = SimpleITK' : '  VOXELS DIFFER FROM SimpleITK';
  const memory = `${increaseMiB.toFixed(0).padStart(5)} MiB (${(increaseMiB / (volumeBytes / MiB)).toFixed(2)}× volume)`;
  const fastest = `(min ${Math.min(...seconds).toFixed(3)})`;
  return `  ${label.padEnd(40)} ${s.toFixed(3).padStart(7)} s ${fastest.padEnd(13)} ${((volumeBytes / 1e6) / s).toFixed(0).padStart(5)} MB/s  ${memory}  ${ratio}${same}${extra}`;
}

/** Driver: prepare the series, run each step in a child, run the Python readers, print the table. */
async function main(): Promise<void> {
  const size = args.size!.split('x').map(Number) as [number, number, number];
  if (size.length !== 3 || size.some((n) => !(n > 0))) throw new Error(`--size must look like 512x512x300, not ${args.size}`);
  const series = await prepareSeries(size, Number(args.seed), args.fresh!);
  const steps = args.steps!.split(',');
  const volumeMiB = series.volumeBytes / MiB;
  console.log(`\n${size.join('×')} int16 CT, ${volumeMiB.toFixed(0)} MiB volume; files: native ${(series.nativeBytes / MiB).toFixed(0)} MiB, JPEG 2000 lossless ${(series.jp2kBytes / MiB).toFixed(0)} MiB; ${args.repeats} repeats, median; node ${process.version}, ${os.cpus().length} cores; JPEG 2000 frames decoded on ${decodeThreadCount()} worker thread(s) (RG_DECODE_THREADS=1: on the reading thread)`);

  const scratch = mkdtempSync(path.join(os.tmpdir(), 'rg-bench-imaging-run-'));
  const server = await startLocalNbiaServer(collectionSpec(series), { compressZip: true });
  const results = new Map<string, StepResult>();
  try {
    for (const step of steps) {
      const folder = step.startsWith('jp2k') ? series.jp2kDir : series.nativeDir;
      results.set(step, await forkStep(step, ['--folder', folder, '--base-url', server.baseUrl, '--series-uid', series.seriesInstanceUid, '--scratch', scratch]));
    }
  } finally {
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  const wanted = (encoding: string) => steps.some((step) => step.startsWith(encoding) || (encoding === 'native' && step === 'tcia'));
  const notRun = 'not run (no step of ours needs it)';
  const python = {
    native: wanted('native') ? { simpleitk: await runPython(series.nativeDir, 'simpleitk'), pydicom: await runPython(series.nativeDir, 'pydicom') } : { simpleitk: notRun, pydicom: notRun },
    jp2k: wanted('jp2k') ? { simpleitk: await runPython(series.jp2kDir, 'simpleitk'), pydicom: await runPython(series.jp2kDir, 'pydicom') } : { simpleitk: notRun, pydicom: notRun },
  };

  console.log(`\n  ${'step'.padEnd(40)} ${'median'.padStart(9)} ${''.padEnd(13)} ${'MB/s'.padStart(10)}  peak increase             vs SimpleITK (>1: faster)`);
  for (const [label, encoding] of [['uncompressed', 'native'], ['JPEG 2000 lossless', 'jp2k']] as const) {
    const sitk = python[encoding].simpleitk;
    for (const variant of ['', '-lazy']) {
      const result = results.get(`${encoding}${variant}`);
      if (!result) continue;
      const name = `ours, ${label}${variant ? ' (lazy files)' : ''}`;
      console.log(row(name, result.seconds, result.peakRssMiB - result.rssBeforeMiB, result.volumeBytes, sitk, result.sha256, result.sha256 === series.sha256 ? '' : '  (differs from the written volume!)'));
    }
    for (const reader of ['simpleitk', 'pydicom'] as const) {
      const theirs = python[encoding][reader];
      if (typeof theirs === 'string') {
        if (theirs !== notRun) console.log(`  ${reader}: ${theirs}`);
        continue;
      }
      console.log(row(`${reader === 'simpleitk' ? `SimpleITK ${theirs.version}` : `pydicom ${theirs.version} + numpy`}, ${label}`, theirs.seconds, theirs.peakRssMiB - theirs.rssBeforeMiB, series.volumeBytes, sitk, theirs.sha256));
    }
  }
  const tcia = results.get('tcia');
  if (tcia) {
    const download = median(tcia.downloadSeconds ?? [0]);
    const read = median(tcia.seconds.map((total, i) => total - (tcia.downloadSeconds?.[i] ?? 0)));
    const sitk = python.native.simpleitk;
    const readRatio = typeof sitk === 'string' ? '' : `, ${(median(sitk.seconds) / read).toFixed(2)}× SimpleITK's read`;
    const note = `  (download ${download.toFixed(2)} s = ${((series.nativeBytes / 1e6) / download).toFixed(0)} MB/s of files; read from the store ${read.toFixed(2)} s${readRatio})`;
    console.log(row('ours, TCIA download + read', tcia.seconds, tcia.peakRssMiB - tcia.rssBeforeMiB, tcia.volumeBytes, 'n/a', tcia.sha256, tcia.sha256 === series.sha256 ? note : `${note} (differs from the written volume!)`));
  }
  console.log(`\n  targets: no slower than SimpleITK (ratio ≥ 1); peak increase < 3× volume (${(3 * volumeMiB).toFixed(0)} MiB)`);
  console.log(`  load average when done: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (the timings are only meaningful on an otherwise idle machine)`);
}

/** The prepared native series as a one-patient collection for the local NBIA server. */
function collectionSpec(series: PreparedSeries) {
  return {
    collection: 'BENCH',
    patients: [{
      patientId: series.patientId,
      studies: [{
        studyInstanceUid: series.studyInstanceUid,
        series: [{
          seriesInstanceUid: series.seriesInstanceUid,
          modality: 'CT',
          files: series.names.map((name, k) => ({ sopInstanceUid: series.sopInstanceUids[k], path: path.join(series.nativeDir, name) })),
        }],
      }],
    }],
  };
}

if (args.step) {
  runStep({
    step: args.step,
    folder: args.folder!,
    repeats: Number(args.repeats),
    baseUrl: args['base-url'],
    seriesInstanceUid: args['series-uid'],
    scratch: args.scratch,
  }).then((result) => process.send!(result, undefined, undefined, () => process.exit(0)), (error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
