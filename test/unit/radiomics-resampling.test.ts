/**
 * Resampling (resampledPixelSpacing, interpolator, padDistance) against SimpleITK and PyRadiomics.
 * The expected values come from test/fixtures/pyradiomics-resampling/make_fixtures.py (SimpleITK 2.5.7,
 * pyradiomics 3.1.4); no Python runs here.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { InvalidMaskError, InvalidSettingsError } from '../../activities/errors';
import type { Mat3, Vec3, Volume, VoxelArray } from '../../activities/imaging/volume';
import { extractWithParams, parseParams } from '../../activities/radiomics';
import { parseParamsFile } from '../../activities/radiomics/params-file';
import { preprocess } from '../../activities/radiomics/preprocess';
import {
  bsplineCoefficients,
  bsplineSampler,
  interpolatorNamed,
  mirrorIndex,
  pixelCast,
  resampleImageAndMask,
  resampleVolume,
  resamplingGrid,
  targetSpacing,
  type Grid,
  type Interpolator,
} from '../../activities/radiomics/resample';
import { parseRadiomicsSettings } from '../../activities/radiomics/settings';
import { readReferenceVolume } from '../support/pyradiomics-reference';

const FIXTURES = path.resolve(__dirname, '../fixtures/pyradiomics-resampling');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));
const synthetic = fixture('synthetic.json');
const cases = fixture('cases.json');
const featureFixtures = fixture('features.json');

/** Voxel tolerance of float64 outputs: 1e-9 of the input image's value range. */
const VOXEL_TOLERANCE = 1e-9;
/** Feature tolerance against PyRadiomics run on the same SimpleITK (relative; absolute near 0). */
const FEATURE_TOLERANCE = 1e-9;
const INTERPOLATORS: Interpolator[] = ['sitkNearestNeighbor', 'sitkLinear', 'sitkBSpline'];

const PIXEL_TYPES: Record<string, { from(values: ArrayLike<number>): VoxelArray }> = {
  '64-bit float': Float64Array,
  '16-bit signed integer': Int16Array,
  '32-bit unsigned integer': Uint32Array,
};

interface GridFixture {
  size: Vec3;
  spacing: Vec3;
  origin: Vec3;
  direction: Mat3;
}

function volumeOf(grid: GridFixture, data: VoxelArray): Volume {
  return { data, size: grid.size, spacing: grid.spacing, origin: grid.origin, direction: grid.direction };
}

function fixtureVolume(v: GridFixture & { pixelType: string; data: number[] }): Volume {
  return volumeOf(v, PIXEL_TYPES[v.pixelType].from(v.data));
}

function range(values: ArrayLike<number>): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) [lo, hi] = [Math.min(lo, values[i]), Math.max(hi, values[i])];
  return hi - lo;
}

/** Largest |actual[index(i)] − expected[i]|, and where. */
function worstDifference(actual: ArrayLike<number>, expected: readonly number[], index: (i: number) => number = (i) => i) {
  let worst = 0;
  let at = -1;
  expected.forEach((v, i) => {
    const d = Math.abs(actual[index(i)] - v);
    if (d > worst || Number.isNaN(d)) [worst, at] = [d, i];
  });
  return { worst, at };
}

function assertGrid(actual: Grid, expected: GridFixture, what: string) {
  assert.deepEqual(actual.size, expected.size, `${what}: size`);
  assert.deepEqual(actual.direction, expected.direction, `${what}: direction`);
  for (const key of ['spacing', 'origin'] as const) {
    actual[key].forEach((v, a) => assert.ok(Math.abs(v - expected[key][a]) <= 1e-12 * Math.max(1, Math.abs(v)), `${what}: ${key} ${actual[key]} vs ${expected[key]}`));
  }
}

function throwsTyped(run: () => unknown, type: Function, ...patterns: RegExp[]) {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    for (const pattern of patterns) assert.match((error as Error).message, pattern);
    return true;
  });
}

describe('ITK interpolators, against SimpleITK ResampleImageFilter', () => {
  for (const c of synthetic.resampleImageFilter) {
    for (const interpolator of INTERPOLATORS) {
      test(`${c.name}, ${interpolator}: every voxel`, (t) => {
        const input = fixtureVolume(c.input);
        const output = resampleVolume(input, c.grid, interpolator);
        assert.equal(output.data.constructor, input.data.constructor, 'keeps the pixel type');
        const expected: number[] = c.output[interpolator];
        assert.equal(output.data.length, expected.length);
        const { worst, at } = worstDifference(output.data, expected);
        const tolerance = input.data instanceof Float64Array ? VOXEL_TOLERANCE * range(input.data) : 0;
        t.diagnostic(`worst difference ${worst.toExponential(2)} (tolerance ${tolerance.toExponential(2)})`);
        assert.ok(worst <= tolerance, `voxel ${at}: ${output.data[at]} vs SimpleITK ${expected[at]}`);
        assert.ok(expected.some((v) => v === 0) && expected.some((v) => v !== 0), 'the grid reaches outside the image (value 0) and inside');
      });
    }
  }

  test('B-spline coefficients interpolate the image exactly at voxel centres', () => {
    const input = fixtureVolume(synthetic.resampleImageFilter[0].input);
    const sample = bsplineSampler(input);
    const [nx, ny] = input.size;
    for (const [i, j, k] of [[0, 0, 0], [3, 4, 2], [8, 6, 5], [8, 0, 5]]) {
      const expected = input.data[i + nx * (j + ny * k)];
      assert.ok(Math.abs(sample(i, j, k) - expected) <= 1e-10 * range(input.data), `(${i}, ${j}, ${k})`);
    }
    const whole = bsplineCoefficients(input);
    const box = { lower: [2, 1, 3] as Vec3, upper: [6, 4, 5] as Vec3 };
    const part = bsplineCoefficients(input, box);
    let n = 0;
    for (let k = 3; k <= 5; k++) for (let j = 1; j <= 4; j++) for (let i = 2; i <= 6; i++) assert.equal(part[n++], whole[i + nx * (j + ny * k)]);
    assert.equal(n, part.length, 'coefficients kept in a box are the whole image\'s');
    const constant = { ...input, data: new Float64Array(input.data.length).fill(7.25) };
    assert.ok(bsplineCoefficients(constant).every((c) => Math.abs(c - 7.25) < 1e-12), 'a constant image is its own coefficients');
  });

  test('mirror boundaries and pixel casts', () => {
    assert.deepEqual([-2, -1, 0, 4, 5, 6].map((i) => mirrorIndex(i, 5)), [2, 1, 0, 4, 3, 2]);
    assert.deepEqual([-1, 0, 1].map((i) => mirrorIndex(i, 1)), [0, 0, 0]);
    assert.deepEqual([-2, -1, 2, 3].map((i) => mirrorIndex(i, 2)), [0, 1, 0, 1], 'ITK reads outside its buffer for 3 (see mirrorIndex)');
    const toInt16 = pixelCast(new Int16Array(1));
    assert.deepEqual([-3.7, -0.2, 2.9, 40000, -40000].map(toInt16), [-3, -0, 2, 32767, -32768]);
    assert.equal(pixelCast(new Uint8Array(1))(-5), 0);
    assert.equal(pixelCast(new Float32Array(1))(0.1), Math.fround(0.1));
    assert.equal(pixelCast(new Float64Array(1))(0.1), 0.1);
  });
});

describe('PyRadiomics resampleImage, on synthetic volumes', () => {
  const input = fixtureVolume(synthetic.pyradiomicsInput);
  for (const c of synthetic.resampleImage) {
    test(`${c.name}: grid, image and mask as PyRadiomics has them`, () => {
      const mask = volumeOf(input, Int16Array.from(synthetic.pyradiomicsMasks[c.mask]));
      const settings = parseRadiomicsSettings(c.settings);
      const resampled = resampleImageAndMask(input, mask, {
        label: settings.label,
        resampledPixelSpacing: settings.resampledPixelSpacing!,
        interpolator: settings.interpolator!,
        padDistance: settings.padDistance,
      });
      assertGrid(resampled.image, c.grid, 'image');
      assertGrid(resampled.mask, c.grid, 'mask');
      assert.equal(resampled.image.data.constructor, Int16Array, 'the image keeps its pixel type');
      assert.deepEqual(Array.from(resampled.image.data), c.image, 'image voxels');
      assert.deepEqual(Array.from(resampled.mask.data), c.resampledMask, 'mask voxels');
    });
  }

  test('the target spacing keeps the mask spacing where asked (0) and along one-voxel-wide ROI axes', () => {
    const box = { lower: [2, 3, 4] as Vec3, upper: [5, 3, 9] as Vec3 };
    assert.deepEqual(targetSpacing([2, 2, 0], [0.5, 0.6, 3], box), [2, 0.6, 3]);
    throwsTyped(() => targetSpacing([2, 2], [1, 1, 1], box), InvalidSettingsError, /resampledPixelSpacing needs 3 values/);
  });

  test('the grid is corner-aligned: its first voxel corner is an original voxel corner', () => {
    const mask: Grid = { size: [10, 10, 10], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
    const grid = resamplingGrid(mask, { lower: [0, 0, 0], upper: [9, 9, 9] }, [2, 2, 2], 0);
    assert.deepEqual(grid.size, [5, 5, 5]);
    assert.deepEqual(grid.origin, [0.5, 0.5, 0.5], 'corner at −0.5 in both grids');
  });

  test('an absent label is an InvalidMaskError naming the mask', () => {
    const mask = volumeOf(input, new Int16Array(input.data.length));
    const settings = { label: 1, resampledPixelSpacing: [2, 2, 2], interpolator: 'sitkBSpline' as const, padDistance: 5 };
    throwsTyped(() => resampleImageAndMask(input, mask, settings, { maskUri: 's3://b/m.nrrd' }), InvalidMaskError, /s3:\/\/b\/m\.nrrd: label 1 is absent/);
  });
});

for (const name of ['breast1', 'brain1'] as const) {
  describe(`${name} resampled to 2 mm (sitkBSpline, padDistance 5), against PyRadiomics and SimpleITK`, () => {
    const c = cases[name];
    const load = () => ({ image: readReferenceVolume(`${name}_image`).volume, mask: readReferenceVolume(`${name}_label`).volume });
    let prepared: ReturnType<typeof preprocess> | undefined;
    const resampled = () => {
      const { image, mask } = load();
      return (prepared ??= preprocess(image, mask, parseRadiomicsSettings(c.settings)));
    };

    test('the grid, the int16 image (SHA-256 of every voxel) and the mask are PyRadiomics\'', () => {
      const { image, mask } = resampled();
      assert.equal(resampled().resampled, true);
      assertGrid(image, c.grid, 'image');
      assertGrid(mask, c.grid, 'mask');
      assert.equal(c.pixelType, '16-bit signed integer');
      assert.equal(image.data.constructor, Int16Array);
      const roi = Array.from(mask.data.keys()).filter((i) => mask.data[i] === 1);
      assert.deepEqual(roi, c.roiIndices, 'ROI voxels of the mask');
      assert.deepEqual(roi.map((i) => image.data[i]), c.roiValues, 'ROI voxels of the image');
      const bytes = Buffer.from(Int16Array.from(image.data).buffer);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), c.imageSha256, 'every voxel of the image');
    });

    for (const interpolator of INTERPOLATORS.filter((i) => i in c)) {
      test(`${interpolator} in float64 matches SimpleITK to ${VOXEL_TOLERANCE} of the image range`, (t) => {
        const { image } = load();
        const expected = c[interpolator];
        const output = resampleVolume(image, c.grid, interpolator, Float64Array);
        const { worst, at } = worstDifference(output.data, expected.float64, (i) => i * expected.float64Step);
        const tolerance = VOXEL_TOLERANCE * range(image.data);
        t.diagnostic(`worst difference ${worst.toExponential(2)} over ${expected.float64.length} voxels (tolerance ${tolerance.toExponential(2)})`);
        assert.ok(worst <= tolerance, `voxel ${at * expected.float64Step}: ${output.data[at * expected.float64Step]} vs ${expected.float64[at]}`);
        let sum = 0;
        let sumOfSquares = 0;
        for (const v of output.data) [sum, sumOfSquares] = [sum + v, sumOfSquares + v * v];
        assert.ok(Math.abs(sum - expected.sum) <= 1e-9 * Math.abs(expected.sum), `sum ${sum} vs ${expected.sum}`);
        assert.ok(Math.abs(sumOfSquares - expected.sumOfSquares) <= 1e-9 * expected.sumOfSquares, 'sum of squares');
        assert.ok(Math.abs(Math.min(...output.data) - expected.min) <= tolerance, 'min');
        assert.ok(Math.abs(Math.max(...output.data) - expected.max) <= tolerance, 'max');
      });
    }
  });
}

describe('breast1 features with resampling, through extractWithParams, against PyRadiomics', () => {
  const { volume: image, uri: imageUri } = readReferenceVolume('breast1_image');
  const { volume: mask, uri: maskUri } = readReferenceVolume('breast1_label');
  for (const [variant, { settings, features }] of Object.entries<{ settings: object; features: Record<string, number> }>(featureFixtures.breast1)) {
    test(`${variant}: every feature of every class`, (t) => {
      const classes = ['firstorder', 'shape', 'glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm'];
      const params = parseParams({ setting: settings, featureClass: Object.fromEntries(classes.map((c) => [c, []])) }, variant);
      const computed = extractWithParams(image, mask, params, { imageUri, maskUri });
      assert.deepEqual(Object.keys(computed).sort(), Object.keys(features).sort(), 'feature names');
      let worst = 0;
      const failures: string[] = [];
      for (const [name, expected] of Object.entries(features)) {
        const error = Math.abs(computed[name] - expected);
        const relative = Math.abs(expected) < 1e-12 ? error : error / Math.abs(expected);
        worst = Math.max(worst, relative);
        if (!(relative <= FEATURE_TOLERANCE)) failures.push(`${name}: ${computed[name]} vs PyRadiomics ${expected}`);
      }
      t.diagnostic(`${Object.keys(features).length} features, worst relative error ${worst.toExponential(2)}`);
      assert.deepEqual(failures, []);
    });
  }
});

describe('resampling settings', () => {
  test('interpolator: the SimpleITK names and numbers PyRadiomics accepts; others are refused by name', () => {
    assert.equal(parseRadiomicsSettings({}).interpolator, 'sitkBSpline');
    assert.equal(parseRadiomicsSettings({}).resampledPixelSpacing, null);
    assert.equal(parseRadiomicsSettings({ interpolator: null }).interpolator, null);
    assert.equal(parseRadiomicsSettings({ interpolator: 'sitkLinear' }).interpolator, 'sitkLinear');
    assert.equal(parseRadiomicsSettings({ interpolator: 1 }).interpolator, 'sitkNearestNeighbor');
    assert.equal(parseRadiomicsSettings({ interpolator: 2 }).interpolator, 'sitkLinear');
    assert.equal(interpolatorNamed('sitkBSpline'), 'sitkBSpline');
    throwsTyped(() => parseRadiomicsSettings({ interpolator: 'sitkGaussian' }), InvalidSettingsError, /"interpolator"/, /"sitkGaussian" is not implemented yet/);
    throwsTyped(() => parseRadiomicsSettings({ interpolator: 'cubic' }), InvalidSettingsError, /"cubic" is not an interpolator PyRadiomics accepts/);
    throwsTyped(() => parseRadiomicsSettings({ interpolator: 7 }), InvalidSettingsError, /interpolator 7 is not implemented yet/);
    throwsTyped(() => parseRadiomicsSettings({ resampledPixelSpacing: [2, 2] }), InvalidSettingsError, /"resampledPixelSpacing"/);
    throwsTyped(() => parseRadiomicsSettings({ resampledPixelSpacing: [2, -1, 2] }), InvalidSettingsError, /"resampledPixelSpacing/);
  });

  test('a params file with resampling loads, and a bad interpolator names the file and the interpolator', () => {
    const params = parseParamsFile('setting:\n  resampledPixelSpacing: [2, 2, 0]\n  interpolator: sitkLinear\n', 'file:///p.yaml');
    assert.deepEqual(params.settings.resampledPixelSpacing, [2, 2, 0]);
    assert.equal(params.settings.interpolator, 'sitkLinear');
    throwsTyped(
      () => parseParamsFile("setting:\n  interpolator: 'sitkLanczosWindowedSinc'\n", 'file:///p.yaml'),
      InvalidSettingsError,
      /^file:\/\/\/p\.yaml: /,
      /sitkLanczosWindowedSinc/,
    );
  });

  test('no interpolator means no resampling, as in PyRadiomics; a ROI lost by resampling is an InvalidMaskError', () => {
    const { volume: image } = readReferenceVolume('breast1_image');
    const { volume: mask } = readReferenceVolume('breast1_label');
    const kept = preprocess(image, mask, parseRadiomicsSettings({ resampledPixelSpacing: [2, 2, 2], interpolator: null }));
    assert.equal(kept.image, image);
    assert.equal(kept.resampled, undefined);
    const coarse = parseRadiomicsSettings({ resampledPixelSpacing: [40, 40, 40] });
    throwsTyped(() => preprocess(image, mask, coarse, { maskUri: 's3://b/m.nrrd' }), InvalidMaskError, /s3:\/\/b\/m\.nrrd: label 1 after resampling/);
  });
});
