/**
 * Radiomics benchmark: brain1 (PyRadiomics test image), single thread, this engine against
 * PyRadiomics run on the same files with the same settings in the same script (when Python has
 * it: `pip install pyradiomics`, or `pip install pyradiomics-bhklab` on Python ≥ 3.11).
 * Prints wall time (median of repeats, after warm-up), peak memory, the speed ratio, and the
 * largest relative difference between the two engines' values.
 *
 *   npm run bench:radiomics -- [--repeats 10]
 * Peak RSS is the process's, so the second configuration's includes the first's.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeVolume } from '../../activities/imaging/read-volume';
import { extractWithParams, parseParams } from '../../activities/radiomics';
import { IMPLEMENTED_IMAGE_TYPES } from '../../activities/radiomics/params-file';

const { values: args } = parseArgs({ options: { repeats: { type: 'string', default: '10' } } });
const REPEATS = Number(args.repeats);
const DATA = join(__dirname, '..', '..', '..', 'shared', 'reference', 'pyradiomics', 'data');
const IMAGE = join(DATA, 'brain1_image.nrrd');
const MASK = join(DATA, 'brain1_label.nrrd');
const SETTINGS = { binWidth: 25, voxelArrayShift: 2000, label: 1 };
const CONFIGURATIONS: { label: string; imageTypes: Record<string, Record<string, unknown>>; repeats: number }[] = [
  { label: 'Original', imageTypes: { Original: {} }, repeats: REPEATS },
  {
    label: 'Original + LoG (1, 2, 3 mm) + Wavelet',
    imageTypes: { Original: {}, LoG: { sigma: [1.0, 2.0, 3.0] }, Wavelet: {} },
    repeats: Math.max(1, Math.ceil(REPEATS / 3)),
  },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function ours(imageTypes: Record<string, unknown>, repeats: number): { ms: number; features: Record<string, number>; peakMiB: number } {
  const image = decodeVolume(readFileSync(IMAGE), IMAGE);
  const mask = decodeVolume(readFileSync(MASK), MASK);
  const params = parseParams({ setting: SETTINGS, imageType: imageTypes });
  let features: Record<string, number> = {};
  for (let i = 0; i < 2; i++) features = extractWithParams(image, mask, params); // warm-up (JIT)
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    features = extractWithParams(image, mask, params);
    times.push(performance.now() - start);
  }
  return { ms: median(times), features, peakMiB: process.resourceUsage().maxRSS / 1024 };
}

function pyradiomics(imageTypes: Record<string, unknown>, repeats: number): { ms: number; features: Record<string, number> } | string {
  const script = join(__dirname, 'python', 'pyradiomics_time.py');
  const run = spawnSync('python3', [script, IMAGE, MASK, JSON.stringify(SETTINGS), JSON.stringify(imageTypes), String(repeats + 1)], {
    encoding: 'utf8',
  });
  if (run.status !== 0) return `PyRadiomics not available (${(run.stderr || run.error?.message || '').trim().split('\n').pop()})`;
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { seconds: number[]; features: Record<string, number> };
  return { ms: median(result.seconds.slice(1)) * 1000, features: result.features };
}

function largestRelativeDifference(a: Record<string, number>, b: Record<string, number>): { name: string; diff: number; compared: number } {
  let worst = { name: '', diff: 0, compared: 0 };
  for (const [name, value] of Object.entries(a)) {
    if (!(name in b)) continue;
    const expected = b[name];
    const diff = Math.abs(expected) < 1e-12 ? Math.abs(value) : Math.abs(value / expected - 1);
    worst.compared++;
    if (diff > worst.diff) worst = { ...worst, name, diff };
  }
  return worst;
}

for (const { label, imageTypes, repeats } of CONFIGURATIONS) {
  console.log(`\n== brain1, ${label}`);
  const missing = Object.keys(imageTypes).filter((t) => !IMPLEMENTED_IMAGE_TYPES.includes(t));
  if (missing.length) {
    console.log(`  this engine: image type(s) ${missing.join(', ')} not implemented yet; not timed`);
    continue;
  }
  const mine = ours(imageTypes, repeats);
  console.log(`  this engine:  ${mine.ms.toFixed(1)} ms (median of ${repeats}), ${Object.keys(mine.features).length} features, peak RSS ${mine.peakMiB.toFixed(0)} MiB`);
  const theirs = pyradiomics(imageTypes, repeats);
  if (typeof theirs === 'string') {
    console.log(`  ${theirs}`);
    continue;
  }
  console.log(`  PyRadiomics:  ${theirs.ms.toFixed(1)} ms (median of ${repeats}), ${Object.keys(theirs.features).length} features`);
  const target = label === 'Original' ? 10 : 5;
  console.log(`  speed-up:     ${(theirs.ms / mine.ms).toFixed(1)}× (target ≥ ${target}×)`);
  const worst = largestRelativeDifference(mine.features, theirs.features);
  console.log(`  values:       ${worst.compared} features compared, largest relative difference ${worst.diff.toExponential(2)} (${worst.name})`);
}
