/**
 * LoG benchmark: brain1 (256×256×25), sigma 1, 2, 3 mm, one thread, this engine against SimpleITK's
 * LaplacianRecursiveGaussianImageFilter (PyRadiomics' LoG) timed in Python on the same file.
 * Prints the median and minimum time per sigma and whether the float32 voxels are bit-identical.
 *
 *   node --import tsx test/bench/log.ts [--repeats 10]
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeVolume } from '../../activities/imaging/read-volume';
import { laplacianOfGaussian } from '../../activities/radiomics/filters/log';

const { values: args } = parseArgs({ options: { repeats: { type: 'string', default: '10' } } });
const REPEATS = Number(args.repeats);
const IMAGE = join(__dirname, '..', '..', '..', 'shared', 'reference', 'pyradiomics', 'data', 'brain1_image.nrrd');
const SIGMAS = [1, 2, 3];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const image = decodeVolume(readFileSync(IMAGE), IMAGE);

const python = spawnSync('python3', [join(__dirname, 'python', 'log_time.py'), IMAGE, JSON.stringify(SIGMAS), String(REPEATS)], {
  encoding: 'utf8',
});
const sitk = python.status === 0 ? JSON.parse(python.stdout.trim().split('\n').pop() ?? '{}') : undefined;
if (!sitk) console.log(`SimpleITK not timed: ${python.stderr?.trim().split('\n').pop() ?? python.error}`);

console.log(`brain1 ${image.size.join('×')}, ${REPEATS} repeats, one thread${sitk ? `; SimpleITK ${sitk.simpleitk}` : ''}`);
for (const sigma of SIGMAS) {
  let out = laplacianOfGaussian(image, sigma); // warm-up (JIT)
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    out = laplacianOfGaussian(image, sigma);
    times.push(performance.now() - start);
  }
  const sha = createHash('sha256').update(Buffer.from(Float32Array.from(out.data).buffer)).digest('hex');
  const line = [`sigma ${sigma} mm: ours ${median(times).toFixed(0)} ms (min ${Math.min(...times).toFixed(0)})`];
  if (sitk) {
    const theirs: number[] = sitk.ms[String(sigma)];
    line.push(`SimpleITK ${median(theirs).toFixed(0)} ms (min ${Math.min(...theirs).toFixed(0)})`);
    line.push(sha === sitk.sha256[String(sigma)] ? 'bit-identical' : 'NOT bit-identical');
  }
  console.log(line.join(', '));
}
