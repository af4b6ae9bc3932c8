/**
 * Preprocessing as PyRadiomics does it: fixed bin count, normalization, resegmentation and the
 * minimum ROI checks, each on its own and wired into extractWithParams.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CorruptImageError, InvalidMaskError, InvalidSettingsError } from '../../activities/errors';
import type { Vec3, Volume } from '../../activities/imaging/volume';
import { extractWithParams, parseParams } from '../../activities/radiomics';
import { binCountEdges, discretize, histogram } from '../../activities/radiomics/discretize';
import { firstOrderFeatures } from '../../activities/radiomics/firstorder';
import {
  checkRoiSize,
  cropMaskToBox,
  imageStatistics,
  normalizeImage,
  preprocess,
  resegmentMask,
  resegmentThresholds,
} from '../../activities/radiomics/preprocess';
import { roiBoundingBox, roiIntensities } from '../../activities/radiomics/roi';
import { parseRadiomicsSettings } from '../../activities/radiomics/settings';
import { textureInput } from '../../activities/radiomics/texture-input';
import { readReferenceVolume } from '../support/pyradiomics-reference';

const IMAGE_URI = 's3://bucket/P01_image.nrrd';
const MASK_URI = 's3://bucket/P01_mask.nrrd';
const SOURCES = { imageUri: IMAGE_URI, maskUri: MASK_URI };
const DEFAULTS = parseRadiomicsSettings({});

/** A 4×2×2 grid (voxel volume 0.5 mm³): voxel index i = x + 4·(y + 2·z). */
function grid<T extends Volume['data']>(data: T): Volume<T> {
  return { data, size: [4, 2, 2], spacing: [0.5, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
}
/** Intensity 10·i at voxel i (0..150). */
const image = () => grid(Float64Array.from({ length: 16 }, (_, i) => 10 * i));
/** Label 1 everywhere. */
const fullMask = () => grid(new Uint8Array(16).fill(1));

function throwsTyped(run: () => unknown, type: Function, ...patterns: RegExp[]) {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    for (const pattern of patterns) assert.match((error as Error).message, pattern);
    return true;
  });
}

function close(actual: number, expected: number, tolerance = 1e-12) {
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${actual} vs ${expected}`);
}

describe('fixed bin count (binCount)', () => {
  test('edges are numpy.histogram(values, binCount) edges, the last one + 1', () => {
    // numpy: np.histogram([0.1, 0.35, 0.7, 0.45], 7)[1], last edge + 1
    assert.deepEqual(Array.from(binCountEdges(0.1, 0.7, 7)), [
      0.1, 0.18571428571428572, 0.27142857142857146, 0.3571428571428571, 0.44285714285714284, 0.5285714285714286,
      0.6142857142857142, 1.7,
    ]);
    assert.deepEqual(Array.from(binCountEdges(0, 10, 5)), [0, 2, 4, 6, 8, 11]);
  });

  test('gray levels are ⌊N(x − min)/(max − min)⌋ + 1, and N for the maximum; binWidth is ignored', () => {
    const binning = { binWidth: 25, binCount: 5 };
    assert.deepEqual(Array.from(discretize(new Float64Array([0, 1, 2, 3, 10]), binning)), [1, 1, 2, 2, 5]);
    assert.deepEqual(Array.from(discretize(new Float64Array([0.1, 0.35, 0.7, 0.45]), { binWidth: 1, binCount: 7 })), [1, 3, 7, 5]);
    assert.deepEqual(Array.from(histogram(new Float64Array([0, 1, 2, 3, 10]), binning)), [2, 2, 0, 0, 1]);
    // binCount null: binWidth as before.
    assert.deepEqual(Array.from(discretize(new Float64Array([0, 1, 2, 3, 10]), { binWidth: 5, binCount: null })), [1, 1, 1, 1, 3]);
  });

  test('a flat region lands in the middle bin, as numpy.histogram widens it by ±0.5', () => {
    assert.deepEqual(Array.from(binCountEdges(5, 5, 4)), [4.5, 4.75, 5, 5.25, 6.5]);
    assert.deepEqual(Array.from(discretize(new Float64Array([5, 5]), { binWidth: 25, binCount: 4 })), [3, 3]);
  });

  test('first-order Entropy and Uniformity and the texture input use the bin count', () => {
    const x = new Float64Array([0, 1, 2, 3, 10]);
    const f = firstOrderFeatures(x, { binWidth: 25, binCount: 5, voxelArrayShift: 0 }, 1);
    close(f.Uniformity, (2 / 5) ** 2 * 2 + (1 / 5) ** 2);
    close(f.Entropy, -(2 * (2 / 5) * Math.log2(2 / 5) + (1 / 5) * Math.log2(1 / 5)));
    const input = textureInput(image(), fullMask(), 1, { binWidth: 1000, binCount: 4 });
    assert.equal(input.maxLevel, 4);
    assert.deepEqual(Array.from(input.levels), [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]);
  });

  test('a bad binCount names the key', () => {
    throwsTyped(() => parseRadiomicsSettings({ binCount: 0 }), InvalidSettingsError, /"binCount"/);
    throwsTyped(() => parseRadiomicsSettings({ binCount: 2.5 }), InvalidSettingsError, /"binCount"/);
    throwsTyped(() => binCountEdges(0, 1, 0), InvalidSettingsError, /binCount/);
  });
});

describe('normalizeImage', () => {
  const values = [1, 2, 3, 4, 5, 6, 7, 8];
  const small = (data: Volume['data']) => ({ ...grid(data), size: [2, 2, 2] as Vec3 });

  test('whole-image z-score with the sample SD (n − 1, as ITK), times normalizeScale', () => {
    const sd = Math.sqrt(42 / 7); // Σ(x − 4.5)² = 42
    const out = normalizeImage(small(Int16Array.from(values)), { normalizeScale: 100, removeOutliers: null });
    assert.ok(out.data instanceof Float64Array);
    values.forEach((x, i) => close(out.data[i], ((x - 4.5) / sd) * 100));
    const stats = imageStatistics(Int16Array.from(values));
    assert.equal(stats.mean, 4.5);
    close(stats.sigma, sd);
  });

  test('removeOutliers clamps z-scores to ±n before the scale is applied', () => {
    const sd = Math.sqrt(6);
    const out = normalizeImage(small(Int16Array.from(values)), { normalizeScale: 10, removeOutliers: 1 });
    assert.equal(out.data[0], -10); // z = −1.43 → −1
    assert.equal(out.data[7], 10); // z = +1.43 → +1
    close(out.data[3], ((4 - 4.5) / sd) * 10);
  });

  test('NaN anywhere in the image is a CorruptImageError; a constant image an InvalidSettingsError', () => {
    const withNan = small(Float32Array.from(values));
    withNan.data[0] = NaN;
    throwsTyped(() => normalizeImage(withNan, DEFAULTS, SOURCES), CorruptImageError, /P01_image\.nrrd/, /1 are NaN or infinite/);
    throwsTyped(() => normalizeImage(small(new Int16Array(8).fill(3)), DEFAULTS, SOURCES), InvalidSettingsError, /P01_image\.nrrd/, /constant/);
  });
});

describe('resegmentation', () => {
  test('thresholds: absolute as given (sorted), relative × the ROI maximum, sigma = mean + t·SD (population)', () => {
    const roi = new Float64Array([2, 4, 4, 4, 5, 5, 7, 9]); // mean 5, population SD 2
    assert.deepEqual(resegmentThresholds(roi, [10, -1], 'absolute'), [-1, 10]);
    assert.deepEqual(resegmentThresholds(roi, [0.5], 'relative'), [4.5]);
    assert.deepEqual(resegmentThresholds(roi, [1, -1.5], 'sigma'), [2, 7]);
  });

  test('keeps the voxels of the label within the closed range (one threshold: ≥ it); other labels go', () => {
    const mask = fullMask();
    mask.data[15] = 2;
    const two = resegmentMask(image(), mask, { label: 1, resegmentRange: [60, 30], resegmentMode: 'absolute' });
    assert.deepEqual(Array.from(two.data), [0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.ok(two.data instanceof Uint8Array);
    const one = resegmentMask(image(), mask, { label: 1, resegmentRange: [120], resegmentMode: 'absolute' });
    assert.deepEqual(Array.from(one.data), [...Array(12).fill(0), 1, 1, 1, 0]);
  });

  test('fewer than 2 voxels left is an InvalidMaskError naming the mask', () => {
    const run = (range: number[]) => () => resegmentMask(image(), fullMask(), { label: 1, resegmentRange: range, resegmentMode: 'absolute' }, SOURCES);
    throwsTyped(run([0, 5]), InvalidMaskError, /P01_mask\.nrrd/, /kept 1 of the 16 voxels of label 1/);
    throwsTyped(run([1000]), InvalidMaskError, /kept 0 of the 16/);
  });
});

describe('minimum ROI checks (checkRoiSize)', () => {
  const settings = (over: Partial<typeof DEFAULTS> = {}) => ({ ...DEFAULTS, ...over });
  const maskOf = (voxels: number[]) => {
    const m = grid(new Uint8Array(16));
    for (const v of voxels) m.data[v] = 1;
    return m;
  };

  test('returns the bounding box of an ROI that passes', () => {
    assert.deepEqual(checkRoiSize(fullMask(), settings()), { lower: [0, 0, 0], upper: [3, 1, 1], count: 16 });
  });

  test('a single voxel is always refused', () => {
    throwsTyped(() => checkRoiSize(maskOf([5]), settings({ minimumROIDimensions: 1 }), SOURCES), InvalidMaskError, /P01_mask\.nrrd/, /single voxel/);
  });

  test('minimumROIDimensions counts the axes along which the bounding box is wider than 1 voxel', () => {
    const line = maskOf([0, 1, 2]);
    throwsTyped(() => checkRoiSize(line, settings(), SOURCES), InvalidMaskError, /spans 1 dimension\(s\) \(bounding box 3×1×1 voxels\); minimumROIDimensions is 2/);
    assert.equal(checkRoiSize(line, settings({ minimumROIDimensions: 1 })).count, 3);
    const plane = maskOf([0, 1, 4, 5]);
    assert.equal(checkRoiSize(plane, settings()).count, 4);
    throwsTyped(() => checkRoiSize(plane, settings({ minimumROIDimensions: 3 })), InvalidMaskError, /spans 2 dimension/);
    assert.equal(checkRoiSize(fullMask(), settings({ minimumROIDimensions: 3 })).count, 16);
  });

  test('minimumROISize: an ROI of exactly that many voxels is refused, as PyRadiomics does', () => {
    throwsTyped(() => checkRoiSize(fullMask(), settings({ minimumROISize: 16 }), SOURCES), InvalidMaskError, /holds 16 voxels; minimumROISize 16/);
    assert.equal(checkRoiSize(fullMask(), settings({ minimumROISize: 15 })).count, 16);
  });

  test('cropMaskToBox keeps only the voxels inside the box', () => {
    const cropped = cropMaskToBox(fullMask(), { lower: [1, 0, 0], upper: [2, 1, 0], count: 4 });
    assert.deepEqual(Array.from(cropped.data), [0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('preprocess: PyRadiomics order', () => {
  test('normalization comes before resegmentation: absolute thresholds apply to the normalized image', () => {
    // z ≥ 0 ⇔ intensity ≥ the whole-image mean (75): voxels 8..15.
    const settings = { ...DEFAULTS, normalize: true, resegmentRange: [0] };
    const prepared = preprocess(image(), fullMask(), settings);
    assert.deepEqual(Array.from(prepared.mask.data), [...Array(8).fill(0), ...Array(8).fill(1)]);
    assert.equal(prepared.image.data[8] > 0, true);
  });

  test('without normalize or resegmentRange, image and masks are the inputs themselves', () => {
    const img = image();
    const mask = fullMask();
    const prepared = preprocess(img, mask, DEFAULTS);
    assert.equal(prepared.image, img);
    assert.equal(prepared.mask, mask);
    assert.equal(prepared.shapeMask, mask);
  });

  test('shape keeps the original mask, cropped to the resegmented bounding box; resegmentShape uses the resegmented one', () => {
    // Intensities 0..60 = voxels 0..6, all in slice z = 0: the box shrinks to that slice (8 voxels).
    const settings = { ...DEFAULTS, resegmentRange: [0, 65] };
    const prepared = preprocess(image(), fullMask(), settings);
    assert.equal(roiBoundingBox(prepared.mask, 1).count, 7);
    assert.equal(roiBoundingBox(prepared.shapeMask, 1).count, 8);
    const withShape = preprocess(image(), fullMask(), { ...settings, resegmentShape: true });
    assert.equal(withShape.shapeMask, withShape.mask);
  });

  test('the ROI checks run before and after resegmentation', () => {
    const line = grid(new Uint8Array(16));
    line.data.set([1, 1, 1], 0);
    throwsTyped(() => preprocess(image(), line, DEFAULTS, SOURCES), InvalidMaskError, /P01_mask\.nrrd: label 1 spans 1 dimension/);
    // Intensities 0..25 = voxels 0..2, a line: refused after resegmentation.
    throwsTyped(
      () => preprocess(image(), fullMask(), { ...DEFAULTS, resegmentRange: [0, 25] }, SOURCES),
      InvalidMaskError,
      /label 1 after resegmentation spans 1 dimension/,
    );
    throwsTyped(() => preprocess(image(), fullMask(), { ...DEFAULTS, resegmentRange: [0, 100], minimumROISize: 11 }), InvalidMaskError, /after resegmentation holds 11 voxels/);
  });

  test('NaN inside the ROI is reported as such, before normalization', () => {
    const withNan = image();
    withNan.data[3] = NaN;
    throwsTyped(() => preprocess(withNan, fullMask(), { ...DEFAULTS, normalize: true }, SOURCES), CorruptImageError, /1 of the 16 voxels inside label 1/);
    const mask = fullMask();
    mask.data[3] = 0;
    throwsTyped(() => preprocess(withNan, mask, { ...DEFAULTS, normalize: true }, SOURCES), CorruptImageError, /normalize needs every voxel finite/);
    assert.equal(preprocess(withNan, mask, DEFAULTS).image, withNan, 'NaN outside the ROI is fine without normalize');
  });
});

describe('extractWithParams runs the preprocessing', () => {
  const params = (setting: Record<string, unknown>) =>
    parseParams({ setting, featureClass: { firstorder: ['Minimum', 'Maximum', 'Mean'], shape: ['VoxelVolume'], glszm: ['ZonePercentage'] } });

  test('first-order and texture see the resegmented ROI, shape the original mask in the resegmented box', () => {
    const plain = extractWithParams(image(), fullMask(), params({}));
    assert.equal(plain.original_shape_VoxelVolume, 16 * 0.5);
    const reseg = extractWithParams(image(), fullMask(), params({ resegmentRange: [0, 65] }));
    assert.equal(reseg.original_firstorder_Minimum, 0);
    assert.equal(reseg.original_firstorder_Maximum, 60);
    assert.equal(reseg.original_shape_VoxelVolume, 8 * 0.5);
    // Gray levels (binWidth 25) of voxels 0..6: 1 1 1 2 / 2 3 3 in rows y = 0 / 1: zones {0,1,2} {3} {4} {5,6}.
    assert.equal(reseg.original_glszm_ZonePercentage, 4 / 7);
    const shaped = extractWithParams(image(), fullMask(), params({ resegmentRange: [0, 65], resegmentShape: true }));
    assert.equal(shaped.original_shape_VoxelVolume, 7 * 0.5);
  });

  test('first-order sees the normalized image', () => {
    const features = extractWithParams(image(), fullMask(), params({ normalize: true, normalizeScale: 100 }));
    close(features.original_firstorder_Mean, 0, 1e-12);
    close(features.original_firstorder_Maximum, ((150 - 75) / imageStatistics(image().data).sigma) * 100);
  });

  test('a params file that sets the preprocessing keys is read, bad values are refused by key', () => {
    const p = parseParams({
      setting: {
        binCount: 32, normalize: true, normalizeScale: 50, removeOutliers: 3, resegmentRange: [-2, 2], resegmentMode: 'sigma',
        resegmentShape: true, minimumROIDimensions: 3, minimumROISize: 10,
      },
    });
    assert.deepEqual(
      [p.settings.binCount, p.settings.normalize, p.settings.normalizeScale, p.settings.removeOutliers, p.settings.resegmentRange,
        p.settings.resegmentMode, p.settings.resegmentShape, p.settings.minimumROIDimensions, p.settings.minimumROISize],
      [32, true, 50, 3, [-2, 2], 'sigma', true, 3, 10],
    );
    const nulls = parseParams({ setting: { binCount: null, removeOutliers: null, resegmentRange: null, minimumROISize: null } });
    assert.deepEqual([nulls.settings.binCount, nulls.settings.resegmentRange], [null, null]);
    const fails = (setting: Record<string, unknown>, key: string) =>
      throwsTyped(() => parseParams({ setting }, 'file:///p.yaml'), InvalidSettingsError, /file:\/\/\/p\.yaml/, new RegExp(`"${key}"`));
    fails({ resegmentMode: 'percent' }, 'resegmentMode');
    fails({ resegmentRange: [1, 2, 3] }, 'resegmentRange');
    fails({ resegmentRange: [] }, 'resegmentRange');
    fails({ minimumROIDimensions: 4 }, 'minimumROIDimensions');
    fails({ minimumROISize: 0 }, 'minimumROISize');
    fails({ normalizeScale: 0 }, 'normalizeScale');
    fails({ removeOutliers: -1 }, 'removeOutliers');
    fails({ normalize: 'yes' }, 'normalize');
  });

  test('sigma resegmentation of brain1 to mean ± 2 SD equals extraction from a mask cut by hand', () => {
    const img = readReferenceVolume('brain1_image').volume;
    const mask = readReferenceVolume('brain1_label').volume;
    const roi = roiIntensities(img, mask, 1);
    let mean = 0;
    for (const v of roi) mean += v / roi.length;
    let variance = 0;
    for (const v of roi) variance += (v - mean) ** 2 / roi.length;
    const [lo, hi] = [mean - 2 * Math.sqrt(variance), mean + 2 * Math.sqrt(variance)];
    const cut = { ...mask, data: Int32Array.from(mask.data, (l, i) => (l === 1 && img.data[i] >= lo && img.data[i] <= hi ? 1 : 0)) };
    const kept = cut.data.reduce((n, l) => n + l, 0);
    assert.ok(kept < roi.length - 50, `±2 SD drops voxels (${kept} of ${roi.length} kept)`);
    const classes = { featureClass: { firstorder: [], glcm: [], glszm: [], ngtdm: [] } };
    const resegmented = extractWithParams(img, mask, parseParams({ ...classes, setting: { resegmentRange: [-2, 2], resegmentMode: 'sigma' } }));
    const byHand = extractWithParams(img, cut, parseParams(classes));
    assert.deepEqual(resegmented, byHand);
  });
});
