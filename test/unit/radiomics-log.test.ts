/**
 * The LoG image type against SimpleITK and PyRadiomics. The expected values come from
 * test/fixtures/pyradiomics-log/make_fixtures.py (SimpleITK 2.5.7, pyradiomics 3.1.4); no Python runs here.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { InvalidSettingsError } from '../../activities/errors';
import { IDENTITY_DIRECTION, type Vec3, type Volume } from '../../activities/imaging/volume';
import * as cr from '../../activities/radiomics/filters/correctly-rounded';
import { cropToLabel } from '../../activities/radiomics/filters/crop';
import {
  filterLines,
  laplacianOfGaussian,
  logImageName,
  logImages,
  logSigmasFromOptions,
  pythonSigmaText,
  recursiveGaussianCoefficients,
  type LogSigma,
} from '../../activities/radiomics/filters/log';
import { firstOrderFeatures } from '../../activities/radiomics/firstorder';
import { roiIntensities } from '../../activities/radiomics/roi';
import { parseRadiomicsSettings } from '../../activities/radiomics/settings';
import { voxelVolumeMm3 } from '../../activities/radiomics/shape-basic';
import { readReferenceVolume } from '../support/pyradiomics-reference';

const FIXTURES = path.resolve(__dirname, '../fixtures/pyradiomics-log');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));

/** Voxel tolerance: 1e-9 of the value range of SimpleITK's filtered image. */
const VOXEL_TOLERANCE = 1e-9;

function grid(size: Vec3, spacing: Vec3, data: Volume['data'] = new Float64Array(size[0] * size[1] * size[2])): Volume {
  return { data, size, spacing, origin: [0, 0, 0], direction: [...IDENTITY_DIRECTION] };
}

/** Largest |actual − expected| over the listed voxels. */
function worstDifference(actual: ArrayLike<number>, expected: readonly number[], index: (i: number) => number = (i) => i) {
  let worst = 0;
  let at = -1;
  expected.forEach((v, i) => {
    const d = Math.abs(actual[index(i)] - v);
    if (d > worst || Number.isNaN(d)) [worst, at] = [d, i];
  });
  return { worst, at };
}

/** Σ values with Neumaier's compensation (≈ math.fsum for these sizes). */
function accurateSum(values: Iterable<number>): number {
  let sum = 0;
  let compensation = 0;
  for (const v of values) {
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + compensation;
}

function float32Sha256(values: Float64Array): string {
  return createHash('sha256').update(Buffer.from(Float32Array.from(values).buffer)).digest('hex');
}

/** A Python-typed sigma from the fixtures: ints become bigints (see LogSigma). */
function sigmaOf(s: { value: number | string; int: boolean }): LogSigma {
  if (typeof s.value === 'string') return Number(s.value); // 'nan', 'inf'
  return s.int ? BigInt(s.value) : s.value;
}

describe('recursive Gaussian (ITK RecursiveGaussianImageFilter)', () => {
  /** Impulse response of one pass over a line of n samples, impulse at the middle. */
  function impulseResponse(sigma: number, spacing: number, order: 0 | 2, normalize: boolean, n = 401) {
    const x = new Float64Array(n);
    x[(n - 1) / 2] = 1;
    const out = new Float64Array(n);
    filterLines(out, x, new Float64Array(n), n, 1, recursiveGaussianCoefficients(sigma, spacing, order, normalize));
    return out;
  }
  const moment = (h: Float64Array, k: number) => h.reduce((s, v, i) => s + v * (i - (h.length - 1) / 2) ** k, 0);

  test('the Gaussian kernel sums to 1; its variance is 0.938 (σ/spacing)² (ITK\'s fit, not a bug here)', () => {
    for (const [sigma, spacing] of [[1, 1], [3, 0.7], [2, 2.5], [8, 1]]) {
      const h = impulseResponse(sigma, spacing, 0, true);
      assert.ok(Math.abs(moment(h, 0) - 1) < 1e-12, `sum ${moment(h, 0)}`);
      // The variance of ITK's recursive Gaussian is about 6 % under σ² (effective σ about 3 % narrower),
      // the same for every σ ≥ 0.8 voxel; the voxel tests below show SimpleITK's output is this.
      const ratio = moment(h, 2) / (sigma / spacing) ** 2;
      assert.ok(Math.abs(ratio - 0.938) < 0.001, `variance / σ² = ${ratio}`);
    }
  });

  test('the second-derivative kernel sums to 0, and half its second moment is 1 (σ² with scale normalization)', () => {
    for (const [sigma, spacing] of [[1, 1], [3, 0.7], [2, 2.5]]) {
      const plain = impulseResponse(sigma, spacing, 2, false);
      assert.ok(Math.abs(moment(plain, 0)) < 1e-12);
      assert.ok(Math.abs(moment(plain, 2) / 2 - 1) < 1e-9, `half second moment ${moment(plain, 2) / 2}`);
      const normalized = impulseResponse(sigma, spacing, 2, true);
      assert.ok(Math.abs(moment(normalized, 2) / 2 - sigma * sigma) < 1e-9 * sigma * sigma);
    }
  });

  test('a quadratic keeps its second derivative away from the borders', () => {
    const n = 200;
    const x = Float64Array.from({ length: n }, (_, i) => 0.5 * 3 * i * i); // f'' = 3 per voxel²
    const out = new Float64Array(n);
    filterLines(out, x, new Float64Array(n), n, 1, recursiveGaussianCoefficients(2, 1, 2, false));
    for (let i = 60; i < 140; i++) assert.ok(Math.abs(out[i] - 3) < 1e-6, `${i}: ${out[i]}`);
  });

  test('interleaved lines are filtered exactly as one line at a time', () => {
    const n = 9;
    const w = 3;
    const lines = [0, 1, 2].map((t) => Float64Array.from({ length: n }, (_, i) => Math.sin(7 * i + t) * 100));
    const c = recursiveGaussianCoefficients(1.5, 0.8, 2, true);
    const x = new Float64Array(n * w);
    lines.forEach((line, t) => line.forEach((v, i) => (x[i * w + t] = v)));
    const together = new Float64Array(n * w);
    filterLines(together, x, new Float64Array(n * w), n, w, c);
    lines.forEach((line, t) => {
      const alone = new Float64Array(n);
      filterLines(alone, line, new Float64Array(n), n, 1, c);
      alone.forEach((v, i) => assert.equal(together[i * w + t], v));
    });
  });
});

describe('correctly rounded exp, sin, cos (glibc, not fdlibm, in the last bit)', () => {
  test('arguments of the breast1/brain1 coefficients where V8 and glibc differ', () => {
    // Values from Python's math module (glibc 2.36), checked against 200-bit mpmath.
    assert.equal(cr.exp(-0.5442187499999999), 0.5802949617328407);
    assert.equal(cr.exp(-0.30396331280000005), 0.737887936996339);
    assert.equal(cr.sin(0.6901928397), 0.6366858972357027);
  });

  test('within one ulp of Math on a sweep, exact at 0', () => {
    assert.equal(cr.exp(0), 1);
    assert.equal(cr.sin(0), 0);
    assert.equal(cr.cos(0), 1);
    for (let x = -20; x < 20; x += 0.0137) {
      for (const f of ['exp', 'sin', 'cos'] as const) {
        const a = cr[f](x);
        const b = Math[f](x);
        assert.ok(Math.abs(a - b) <= 2.3e-16 * Math.abs(b), `${f}(${x}): ${a} vs ${b}`);
      }
    }
  });
});

describe('LoG voxels against SimpleITK LaplacianRecursiveGaussianImageFilter', () => {
  const synthetic = fixture('synthetic.json');

  for (const c of synthetic.cases) {
    test(`synthetic ${c.name} (${c.size.join('×')}, ${c.pixelType}), every voxel`, () => {
      const image = grid(c.size, c.spacing, Float64Array.from(c.input));
      for (const o of c.outputs) {
        const expected: number[] = o.values;
        const range = Math.max(...expected) - Math.min(...expected);
        const { worst, at } = worstDifference(laplacianOfGaussian(image, o.sigma).data, expected);
        assert.ok(worst <= VOXEL_TOLERANCE * range, `sigma ${o.sigma}: voxel ${at} off by ${worst} (range ${range})`);
      }
    });
  }

  const cases = [fixture('breast1.json'), fixture('brain1.json')];
  for (const fx of cases) {
    for (const config of fx.configs) {
      test(`${fx.case} ${config.config === 'full' ? 'whole image' : 'preCrop (ROI box ± 5)'}, sigma 1, 2, 3 mm`, () => {
        let image = readReferenceVolume(`${fx.case}_image`).volume;
        let mask = readReferenceVolume(`${fx.case}_label`).volume;
        if (config.crop) {
          const cropped = cropToLabel(image, mask, 1, config.crop.padDistance);
          ({ image, mask } = cropped);
          assert.deepEqual(image.size, config.crop.size);
          image.origin.forEach((v, a) => assert.ok(Math.abs(v - config.crop.origin[a]) < 1e-9));
        }
        assert.deepEqual(image.size, config.size);
        assert.deepEqual(image.spacing, config.spacing);
        for (const s of config.sigmas) {
          const log = laplacianOfGaussian(image, s.sigma).data;
          const range = s.max - s.min;
          const tolerance = VOXEL_TOLERANCE * range;
          const strided = worstDifference(log, s.strided, (i) => i * s.stride);
          assert.ok(strided.worst <= tolerance, `sigma ${s.sigma}: voxel ${strided.at * s.stride} off by ${strided.worst}`);
          if (s.roi) {
            const roi = roiIntensities({ ...image, data: log }, mask, 1);
            const inRoi = worstDifference(roi, s.roi);
            assert.ok(inRoi.worst <= tolerance, `sigma ${s.sigma}: ROI voxel ${inRoi.at} off by ${inRoi.worst}`);
          }
          let min = Infinity;
          let max = -Infinity;
          for (const v of log) [min, max] = [Math.min(min, v), Math.max(max, v)];
          assert.ok(Math.abs(min - s.min) <= tolerance && Math.abs(max - s.max) <= tolerance, `min/max ${min}, ${max}`);
          const sum = accurateSum(log);
          const sumOfSquares = accurateSum(Array.from(log, (v) => v * v));
          assert.ok(Math.abs(sum - s.sum) <= 1e-12 * s.sumOfSquares ** 0.5 * log.length ** 0.5, `sum ${sum} vs ${s.sum}`);
          assert.ok(Math.abs(sumOfSquares - s.sumOfSquares) <= 1e-12 * s.sumOfSquares, `Σx² ${sumOfSquares} vs ${s.sumOfSquares}`);
          // Every float32 voxel identical to SimpleITK's (on the machine that wrote the fixture).
          assert.equal(float32Sha256(log), s.float32Sha256, `sigma ${s.sigma}: not bit-identical to SimpleITK`);
        }
      });
    }
  }
});

describe('LoG first-order features against PyRadiomics RadiomicsFeatureExtractor', () => {
  const features = fixture('features.json');
  const settings = parseRadiomicsSettings(features.settings);

  for (const c of features.cases) {
    test(`${c.case}${c.preCrop ? ' with preCrop' : ''}: LoG sigma [1, 2, 3], firstorder`, () => {
      let image = readReferenceVolume(`${c.case}_image`).volume;
      let mask = readReferenceVolume(`${c.case}_label`).volume;
      // PyRadiomics filters the whole image, unless preCrop crops it to the ROI box ± padDistance (5) first.
      if (c.preCrop) ({ image, mask } = cropToLabel(image, mask, settings.label, 5));
      const sigmas = (features.sigma as number[]).map((s) => BigInt(s)); // Python ints: log-sigma-1-mm-3D
      const images = logImages(image, sigmas);
      const expectedNames = Object.keys(c.features).map((k) => k.split('_')[0]);
      assert.deepEqual(images.map((i) => i.name), [...new Set(expectedNames)]);
      let checked = 0;
      for (const derived of images) {
        const roi = roiIntensities(derived.image, mask, settings.label);
        const values = firstOrderFeatures(roi, settings, voxelVolumeMm3(derived.image.spacing));
        for (const [key, expected] of Object.entries(c.features as Record<string, number>)) {
          const [name, , feature] = key.split('_');
          if (name !== derived.name) continue;
          const actual = values[feature];
          const tolerance = Math.max(1e-6 * Math.abs(expected), 1e-9);
          assert.ok(Math.abs(actual - expected) <= tolerance, `${key}: ${actual} vs ${expected}`);
          checked++;
        }
      }
      assert.equal(checked, Object.keys(c.features).length);
    });
  }
});

describe('LoG sigma checks and names, as getLoGImage and the params schema', () => {
  const validation = fixture('validation.json');

  for (const c of validation.getLoGImage) {
    test(`size ${c.size.join('×')}, spacing ${c.spacing.join('×')}: the images PyRadiomics yields`, () => {
      const sigmas = (c.sigmas as { value: number | string; int: boolean }[]).map(sigmaOf);
      // Sigmas ≤ 0 never get this far from a params file (the schema refuses them); getLoGImage skips them.
      const allowed = sigmas.filter((s) => !(Number(s) <= 0));
      const skipped: string[] = [];
      const names = logImages(grid(c.size, c.spacing), allowed, { onSkip: (m) => skipped.push(m) }).map((i) => i.name);
      assert.deepEqual(names, c.names);
      assert.equal(skipped.length, Math.min(...c.size) < 4 ? 1 : allowed.length - names.length);
    });
  }

  test('the params schema: a list of numbers > 0 (empty allowed); PyRadiomics then fails on sigma: null', () => {
    for (const { sigma, accepted } of validation.schema) {
      if (sigma === null) {
        // The schema lets `sigma: null` through, and getLoGImage then raises TypeError
        // ('NoneType' object is not iterable): refused here, up front.
        assert.equal(accepted, true);
        assert.throws(() => logSigmasFromOptions({ sigma }), InvalidSettingsError);
        continue;
      }
      if (accepted) assert.deepEqual(logSigmasFromOptions({ sigma }), sigma);
      else assert.throws(() => logSigmasFromOptions({ sigma }), InvalidSettingsError, JSON.stringify(sigma));
    }
    assert.deepEqual(logSigmasFromOptions({}), []);
  });

  test('logImages refuses sigma ≤ 0 and non-numbers with InvalidSettingsError', () => {
    const image = grid([5, 5, 5], [1, 1, 1]);
    for (const bad of [0, -1, 0n, -2n, '1', true, null] as unknown as LogSigma[]) {
      assert.throws(() => logImages(image, [bad]), InvalidSettingsError);
    }
    assert.throws(() => laplacianOfGaussian(grid([3, 5, 5], [1, 1, 1]), 1), InvalidSettingsError);
    assert.throws(() => logSigmasFromOptions({ sigma: 1n }), InvalidSettingsError);
    assert.throws(() => logSigmasFromOptions({ sigma: [1n, -1n] }), InvalidSettingsError);
    assert.deepEqual(logSigmasFromOptions({ sigma: [1n, 2.5] }), [1n, 2.5]);
  });

  test("names use Python's str(sigma): floats as repr, ints as digits", () => {
    const cases: [LogSigma, string][] = [
      [1n, '1'], [12n, '12'], [1, '1.0'], [2.5, '2.5'], [0.5, '0.5'], [0.0001, '0.0001'], [0.00012, '0.00012'],
      [1e-5, '1e-05'], [1.5e-7, '1.5e-07'], [1e15, '1000000000000000.0'], [1e16, '1e+16'], [2.5e100, '2.5e+100'],
      [123456789.123, '123456789.123'], [0.30000000000000004, '0.30000000000000004'], [NaN, 'nan'], [Infinity, 'inf'],
    ];
    for (const [sigma, text] of cases) assert.equal(pythonSigmaText(sigma), text, String(sigma));
    assert.equal(logImageName(2), 'log-sigma-2-0-mm-3D');
    assert.equal(logImageName(2n), 'log-sigma-2-mm-3D');
    assert.equal(logImageName(1e-5), 'log-sigma-1e-05-mm-3D');
  });

  test('a LoG image keeps the grid of its input', () => {
    const image: Volume = { ...grid([6, 5, 4], [0.5, 0.7, 2]), origin: [1, 2, 3], direction: [0, 1, 0, 1, 0, 0, 0, 0, -1] };
    const [out] = logImages(image, [1]);
    assert.equal(out.name, 'log-sigma-1-0-mm-3D');
    assert.deepEqual([out.image.size, out.image.spacing, out.image.origin, out.image.direction], [image.size, image.spacing, image.origin, image.direction]);
    assert.ok(out.image.data instanceof Float64Array);
  });
});
