/**
 * PyRadiomics' derived image types (Square, SquareRoot, Logarithm, Exponential, Gradient, Wavelet)
 * against PyRadiomics itself. The expected values come from
 * test/fixtures/pyradiomics-filters/make_fixtures.py (PyRadiomics, SimpleITK and pywt); these
 * tests only read its JSON output.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { InvalidSettingsError } from '../../activities/errors';
import { IDENTITY_DIRECTION, type Vec3, type Volume } from '../../activities/imaging/volume';
import {
  cropToLabel,
  cropVolume,
  derivedImages,
  labelBoundingBox,
  waveletDecompositions,
  WAVELETS,
  type DerivedImageType,
} from '../../activities/radiomics/filters';
import { highPassOf } from '../../activities/radiomics/filters/wavelet';
import { WAVELET_DEC_LO } from '../../activities/radiomics/filters/wavelet-coefficients';
import { firstOrderFeatures } from '../../activities/radiomics/firstorder';
import { roiIntensities } from '../../activities/radiomics/roi';
import { voxelVolumeMm3 } from '../../activities/radiomics/shape-basic';
import { readReferenceVolume } from '../support/pyradiomics-reference';

const FIXTURES = path.resolve(__dirname, '../fixtures/pyradiomics-filters');
const RELATIVE_TOLERANCE = 1e-6;
const ABSOLUTE_TOLERANCE_NEAR_ZERO = 1e-9;

type Setting = { binWidth: number; label: number; preCrop?: boolean; padDistance?: number; [key: string]: unknown };
type ImageTypes = Record<string, Record<string, unknown>>;

interface FeatureFixture {
  setting: Setting;
  imageType: ImageTypes;
  features: Record<string, number>;
}

interface VoxelFixture {
  images: {
    setting: Setting;
    imageType: ImageTypes;
    name: string;
    filterInputSize: Vec3;
    pixelType: string;
    size: Vec3;
    origin: Vec3;
    values: number[];
  }[];
}

interface SyntheticFixture {
  volumes: {
    name: string;
    pixelType: string;
    size: Vec3;
    spacing: Vec3;
    origin: Vec3;
    values: number[];
    outputs: { imageType: DerivedImageType; options: Record<string, unknown>; name: string; pixelType: string; values: number[] }[];
  }[];
}

interface WaveletFilterFixture {
  wavelets: Record<string, { dec_lo: number[]; dec_hi: number[]; dec_lo_float32: number[]; dec_hi_float32: number[] }>;
}

function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as T;
}

let breast1: { image: Volume; mask: Volume } | undefined;
function breast(): { image: Volume; mask: Volume } {
  breast1 ??= { image: readReferenceVolume('breast1_image').volume, mask: readReferenceVolume('breast1_label').volume };
  return breast1;
}

/**
 * What PyRadiomics' RadiomicsFeatureExtractor.execute does for a segment-based extraction:
 * pre-crop to the ROI box ± padDistance when preCrop is set, apply each image type's filter to
 * that image, crop each derived image (and the mask) to the ROI box without padding, compute.
 */
function filteredImages(image: Volume, mask: Volume, setting: Setting, imageTypes: ImageTypes) {
  let source = { image, mask };
  if (setting.preCrop) source = cropToLabel(image, mask, setting.label, setting.padDistance ?? 5);
  const out: { name: string; image: Volume; mask: Volume; filterInput: Volume }[] = [];
  for (const [imageType, custom] of Object.entries(imageTypes)) {
    for (const derived of derivedImages(imageType as DerivedImageType, source.image, { ...setting, ...custom })) {
      const cropped = cropToLabel(derived.image, source.mask, setting.label, 0);
      out.push({ name: derived.name, image: cropped.image, mask: cropped.mask, filterInput: source.image });
    }
  }
  return out;
}

function firstOrderOfDerived(setting: Setting, imageTypes: ImageTypes): Record<string, number> {
  const { image, mask } = breast();
  const out: Record<string, number> = {};
  for (const derived of filteredImages(image, mask, setting, imageTypes)) {
    const roi = roiIntensities(derived.image, derived.mask, setting.label);
    const values = firstOrderFeatures(roi, { binWidth: setting.binWidth, voxelArrayShift: 0 }, voxelVolumeMm3(derived.image.spacing));
    for (const [feature, value] of Object.entries(values)) out[`${derived.name}_firstorder_${feature}`] = value;
  }
  return out;
}

function relativeError(actual: number, expected: number): number {
  const error = Math.abs(actual - expected);
  return error === 0 ? 0 : error / Math.abs(expected);
}

function withinTolerance(actual: number, expected: number): boolean {
  return relativeError(actual, expected) <= RELATIVE_TOLERANCE || Math.abs(actual - expected) <= ABSOLUTE_TOLERANCE_NEAR_ZERO;
}

/** Image type prefixes of feature names, in order of first appearance. */
function prefixes(names: string[]): string[] {
  return [...new Set(names.map((name) => name.slice(0, name.indexOf('_firstorder_'))))];
}

describe('derived image types: first-order features match PyRadiomics on breast1', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.startsWith('features-') && f.endsWith('.json')).sort();

  test('every fixture case is present', () => {
    assert.ok(files.length >= 11, `found ${files.join(', ')}`);
  });

  for (const file of files) {
    test(file.replace(/^features-|\.json$/g, ''), (t) => {
      const fixture = readFixture<FeatureFixture>(file);
      const computed = firstOrderOfDerived(fixture.setting, fixture.imageType);
      const expectedNames = Object.keys(fixture.features);
      assert.deepEqual(prefixes(Object.keys(computed)), prefixes(expectedNames), 'derived image names, in PyRadiomics order');

      let worst = { name: '', error: 0 };
      const failures: string[] = [];
      for (const name of expectedNames) {
        const expected = fixture.features[name];
        const actual = computed[name];
        assert.equal(typeof actual, 'number', `${name} is computed`);
        const error = relativeError(actual, expected);
        if (error > worst.error) worst = { name, error };
        if (!withinTolerance(actual, expected)) failures.push(`${name}: computed ${actual}, PyRadiomics ${expected}`);
      }
      t.diagnostic(`${expectedNames.length} features, worst relative error ${worst.error.toExponential(2)} (${worst.name || 'none'})`);
      assert.deepEqual(failures, []);
    });
  }
});

describe('derived images voxel by voxel, as PyRadiomics hands them to the feature classes', () => {
  const fixture = readFixture<VoxelFixture>('voxels.json');
  for (const dump of fixture.images) {
    const label = `${dump.name}${dump.setting.preCrop ? ` (preCrop, padDistance ${dump.setting.padDistance ?? 5})` : ''} ${JSON.stringify(dump.imageType)}`;
    test(label, (t) => {
      const { image, mask } = breast();
      const derived = filteredImages(image, mask, dump.setting, dump.imageType).find((d) => d.name === dump.name);
      assert.ok(derived, `${dump.name} is produced`);
      assert.deepEqual(derived.filterInput.size, dump.filterInputSize, 'the filter sees the image PyRadiomics filters');
      assert.deepEqual(derived.image.size, dump.size, 'cropped to the ROI bounding box');
      derived.image.origin.forEach((o, a) => assert.ok(Math.abs(o - dump.origin[a]) < 1e-9, `origin ${derived.image.origin} vs ${dump.origin}`));
      assert.equal(derived.image.data instanceof Float32Array, dump.pixelType === '32-bit float', dump.pixelType);
      const worst = compareVoxels(Array.from(derived.image.data), dump.values, 1e-12);
      t.diagnostic(`${dump.values.length} voxels, worst error ${worst.toExponential(2)} relative to the largest |value|`);
    });
  }
});

/** Largest |actual − expected| over max |expected|; asserts it is at most `tolerance`. */
function compareVoxels(actual: number[], expected: number[], tolerance: number): number {
  assert.equal(actual.length, expected.length);
  const scale = Math.max(...expected.map(Math.abs)) || 1;
  let worst = 0;
  let at = -1;
  actual.forEach((v, i) => {
    const error = Math.abs(v - expected[i]) / scale;
    if (!(error <= worst)) [worst, at] = [error, i];
  });
  assert.ok(worst <= tolerance, `voxel ${at}: computed ${actual[at]}, PyRadiomics ${expected[at]}`);
  return worst;
}

describe('filters on tiny volumes (odd sizes, negative values, float32), every voxel', () => {
  const fixture = readFixture<SyntheticFixture>('synthetic.json');
  for (const volume of fixture.volumes) {
    const input: Volume = {
      data: volume.pixelType === '32-bit float' ? Float32Array.from(volume.values) : Int16Array.from(volume.values),
      size: volume.size,
      spacing: volume.spacing,
      origin: volume.origin,
      direction: [...IDENTITY_DIRECTION],
    };
    assert.ok(['32-bit float', '16-bit signed integer'].includes(volume.pixelType));
    const calls = new Map<string, SyntheticFixture['volumes'][number]['outputs']>();
    for (const output of volume.outputs) {
      const key = JSON.stringify([output.imageType, output.options]);
      calls.set(key, [...(calls.get(key) ?? []), output]);
    }
    for (const [key, outputs] of calls) {
      test(`${volume.name} ${key}`, (t) => {
        const [imageType, options] = JSON.parse(key) as [DerivedImageType, Record<string, unknown>];
        const derived = derivedImages(imageType, input, options);
        assert.deepEqual(
          derived.map((d) => d.name),
          outputs.map((o) => o.name),
        );
        let worst = 0;
        derived.forEach((d, i) => {
          assert.deepEqual(d.image.size, volume.size);
          assert.deepEqual(d.image.spacing, volume.spacing);
          assert.deepEqual(d.image.origin, volume.origin);
          const pixelType = d.image.data instanceof Float32Array ? '32-bit float' : d.image.data instanceof Float64Array ? '64-bit float' : '?';
          assert.equal(pixelType, outputs[i].pixelType, `${d.name} pixel type`);
          worst = Math.max(worst, compareVoxels(Array.from(d.image.data), outputs[i].values, 1e-12));
        });
        t.diagnostic(`worst error ${worst.toExponential(2)} relative to the largest |value|`);
      });
    }
  }
});

describe('wavelet filter coefficients', () => {
  const fixture = readFixture<WaveletFilterFixture>('wavelet-filters.json');

  test('are pywt’s, bit for bit, in float64 and float32', () => {
    assert.deepEqual(Object.keys(fixture.wavelets).sort(), [...WAVELETS].sort());
    for (const name of WAVELETS) {
      const expected = fixture.wavelets[name];
      const low = [...WAVELET_DEC_LO[name].float64];
      const low32 = WAVELET_DEC_LO[name].float32.map(Math.fround);
      assert.deepEqual(low, expected.dec_lo, `${name} dec_lo`);
      assert.deepEqual(highPassOf(low), expected.dec_hi, `${name} dec_hi`);
      assert.deepEqual(low32, expected.dec_lo_float32, `${name} dec_lo float32`);
      assert.deepEqual(highPassOf(low32), expected.dec_hi_float32, `${name} dec_hi float32`);
    }
  });

  test('an unknown wavelet or a bad level is an InvalidSettingsError', () => {
    const image: Volume = { data: new Float64Array(8), size: [2, 2, 2], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [...IDENTITY_DIRECTION] };
    assert.throws(() => waveletDecompositions(image, { wavelet: 'bior1.3' }), InvalidSettingsError);
    assert.throws(() => waveletDecompositions(image, { level: 0 }), InvalidSettingsError);
    assert.throws(() => derivedImages('Wavelet', image, { level: '2' }), InvalidSettingsError);
  });
});

describe('cropping to the ROI bounding box', () => {
  test('box ± padDistance, clipped to the image, with the origin moved to the first kept voxel', () => {
    const mask: Volume = {
      data: new Uint8Array(4 * 3 * 2),
      size: [4, 3, 2],
      spacing: [2, 3, 4],
      origin: [10, 20, 30],
      direction: [0, 1, 0, -1, 0, 0, 0, 0, 1],
    };
    mask.data[1 + 4 * (1 + 3 * 1)] = 1; // voxel (1, 1, 1)
    mask.data[2 + 4 * (2 + 3 * 1)] = 1; // voxel (2, 2, 1)
    assert.deepEqual(labelBoundingBox(mask, 1), { lower: [1, 1, 1], upper: [2, 2, 1] });
    assert.equal(labelBoundingBox(mask, 2), undefined);
    const image = { ...mask, data: Int16Array.from(mask.data, (_, i) => i) };
    const { image: cropped, mask: croppedMask } = cropToLabel(image, mask, 1, 1);
    assert.deepEqual(cropped.size, [4, 3, 2]); // x 1..2 ± 1 = 0..3, y 1..2 ± 1 clipped to 0..2, z 1 ± 1 clipped to 0..1
    assert.ok(cropped.data instanceof Int16Array);
    assert.deepEqual(Array.from(cropped.data), Array.from(image.data));
    const inner = cropToLabel(image, mask, 1, 0).image;
    assert.deepEqual(inner.size, [2, 2, 1]);
    assert.deepEqual(Array.from(inner.data), [17, 18, 21, 22]);
    assert.deepEqual(Array.from(croppedMask.data).filter((v) => v === 1).length, 2);
    // lower = (0, 0, 0): no move; a crop from (1, 1, 1) moves by direction · (2, 3, 4)
    assert.deepEqual(cropped.origin, [10, 20, 30]);
    assert.deepEqual(cropVolume(image, { lower: [1, 1, 1], upper: [1, 1, 1] }).origin, [10 + 3, 20 - 2, 30 + 4]);
  });
});
