/**
 * Voxel-based extraction benchmark: brain1 (PyRadiomics test image, 4137 ROI voxels), kernelRadius 1,
 * binWidth 25, firstorder + glcm, one thread: this engine (voxelFeatureMaps) against PyRadiomics'
 * execute(..., voxelBased=True) run on the same files in the same script (when Python has it:
 * `pip install pyradiomics`, or `pip install pyradiomics-bhklab` on Python ≥ 3.11).
 * Prints both wall times (ours: median of repeats after warm-up; PyRadiomics: one run, it takes
 * tens of seconds), the speed ratio, and the largest difference between the two engines' maps.
 *
 *   node --import tsx test/bench/voxel-maps.ts [--repeats 10] [--classes firstorder,glcm] [--kernel-radius 1]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeVolume } from '../../activities/imaging/read-volume';
import { labelBoundingBox, padBox } from '../../activities/radiomics/filters';
import { parseParams } from '../../activities/radiomics/params-file';
import { voxelFeatureMaps, type FeatureMaps } from '../../activities/radiomics/voxel-maps';

const { values: args } = parseArgs({
  options: {
    repeats: { type: 'string', default: '10' },
    classes: { type: 'string', default: 'firstorder,glcm' },
    'kernel-radius': { type: 'string', default: '1' },
  },
});
const REPEATS = Number(args.repeats);
const CLASSES = Object.fromEntries(args.classes.split(',').map((c) => [c, [] as string[]]));
const DATA = join(__dirname, '..', '..', '..', 'shared', 'reference', 'pyradiomics', 'data');
const IMAGE = join(DATA, 'brain1_image.nrrd');
const MASK = join(DATA, 'brain1_label.nrrd');
const SETTINGS = { binWidth: 25, label: 1 };
const KERNEL_RADIUS = Number(args['kernel-radius']);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const image = decodeVolume(readFileSync(IMAGE), IMAGE);
const mask = decodeVolume(readFileSync(MASK), MASK);
const params = parseParams({ setting: SETTINGS, featureClass: CLASSES });
const run = () => voxelFeatureMaps(image, mask, params, { kernelRadius: KERNEL_RADIUS });

let maps: FeatureMaps = run(); // warm-up (JIT)
const times: number[] = [];
for (let i = 0; i < REPEATS; i++) {
  const start = performance.now();
  maps = run();
  times.push(performance.now() - start);
}
const ours = median(times);
const names = Object.keys(maps);
const grid = maps[names[0]];
// The ROI voxels of the maps' grid (the label's bounding box ± kernelRadius), in x-fastest order.
const roi: number[] = [];
const kept = padBox(labelBoundingBox(mask, SETTINGS.label)!, KERNEL_RADIUS, mask.size);
for (let z = kept.lower[2], v = 0; z <= kept.upper[2]; z++) {
  for (let y = kept.lower[1]; y <= kept.upper[1]; y++) {
    for (let x = kept.lower[0]; x <= kept.upper[0]; x++, v++) {
      if (mask.data[x + mask.size[0] * (y + mask.size[1] * z)] === SETTINGS.label) roi.push(v);
    }
  }
}
console.log(`brain1 ${image.size.join('×')}, ${roi.length} ROI voxels, kernelRadius ${KERNEL_RADIUS}, classes ${args.classes}`);
console.log(`  this engine:  ${ours.toFixed(1)} ms (median of ${REPEATS}, min ${Math.min(...times).toFixed(1)}), ${names.length} maps ${grid.size.join('×')}`);

const python = spawnSync(
  'python3',
  [join(__dirname, 'python', 'pyradiomics_voxel_time.py'), IMAGE, MASK, JSON.stringify({ ...SETTINGS, kernelRadius: KERNEL_RADIUS }), JSON.stringify(CLASSES)],
  { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
);
if (python.status !== 0) {
  console.log(`  PyRadiomics not available (${(python.stderr || python.error?.message || '').trim().split('\n').pop()})`);
} else {
  const theirs = JSON.parse(python.stdout.trim().split('\n').pop()!) as {
    seconds: number;
    pyradiomics: string;
    maps: Record<string, (number | null)[]>;
  };
  const theirMs = theirs.seconds * 1000;
  console.log(`  PyRadiomics:  ${theirMs.toFixed(0)} ms (one run, pyradiomics ${theirs.pyradiomics})`);
  console.log(`  speed-up:     ${(theirMs / ours).toFixed(0)}×`);
  let worst = { name: '', diff: 0 };
  let compared = 0;
  let nanMismatches = 0;
  for (const [name, expected] of Object.entries(theirs.maps)) {
    const map = maps[name];
    if (!map) continue;
    expected.forEach((e, i) => {
      const a = map.data[roi[i]];
      compared++;
      if (e === null || Number.isNaN(a)) {
        if ((e === null) !== Number.isNaN(a)) nanMismatches++;
        return;
      }
      const diff = Math.abs(a - e) / Math.max(Math.abs(e), 1e-3);
      if (diff > worst.diff) worst = { name, diff };
    });
  }
  const missing = Object.keys(theirs.maps).filter((n) => !maps[n]);
  console.log(
    `  values:       ${compared} map voxels compared, largest difference ${worst.diff.toExponential(2)} (${worst.name || '-'}; ` +
      `relative, absolute below 1e-3), ${nanMismatches} NaN mismatches${missing.length ? `, maps missing here: ${missing.join(', ')}` : ''}`,
  );
}
