import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CorruptImageError,
  GeometryMismatchError,
  InvalidMaskError,
  InvalidSettingsError,
} from '../../activities/errors';
import type { Volume } from '../../activities/imaging/volume';
import { extractFeatures, extractWithParams, parseParams, parseRadiomicsSettings } from '../../activities/radiomics';

const IMAGE_URI = 's3://bucket/C01-P0001_image.nrrd';
const MASK_URI = 's3://bucket/C01-P0001_mask.nrrd';

function grid<T extends Volume['data']>(data: T): Volume<T> {
  return { data, size: [3, 2, 2], spacing: [0.5, 0.5, 2], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
}
const image = () => grid(new Int16Array([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]));
const mask = () => grid(new Uint8Array([0, 1, 1, 1, 0, 0, 2, 2, 0, 0, 0, 0]));

function throwsTyped(run: () => unknown, type: Function, ...patterns: RegExp[]) {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    for (const pattern of patterns) assert.match((error as Error).message, pattern);
    return true;
  });
}

const PYRADIOMICS_DEFAULTS = {
  label: 1,
  binWidth: 25,
  voxelArrayShift: 0,
  distances: [1],
  force2D: false,
  force2Ddimension: 0,
  symmetricalGLCM: true,
  weightingNorm: null,
  gldm_a: 0,
  binCount: null,
  normalize: false,
  normalizeScale: 1,
  removeOutliers: null,
  resegmentRange: null,
  resegmentMode: 'absolute',
  resegmentShape: false,
  minimumROIDimensions: 2,
  minimumROISize: null,
  resampledPixelSpacing: null,
  interpolator: 'sitkBSpline',
  preCrop: false,
  padDistance: 5,
  gradientUseSpacing: true,
  wavelet: 'coif1',
  start_level: 0,
  level: 1,
  sigma: [],
};

describe('parseRadiomicsSettings', () => {
  test('applies the PyRadiomics defaults', () => {
    assert.deepEqual(parseRadiomicsSettings({}), PYRADIOMICS_DEFAULTS);
    assert.deepEqual(parseRadiomicsSettings(undefined), PYRADIOMICS_DEFAULTS);
    assert.deepEqual(parseRadiomicsSettings({ label: 2, binWidth: 5, voxelArrayShift: 1000 }), {
      ...PYRADIOMICS_DEFAULTS,
      label: 2,
      binWidth: 5,
      voxelArrayShift: 1000,
    });
  });

  test('unknown keys are refused by name', () => {
    throwsTyped(() => parseRadiomicsSettings({ binwidth: 10 }), InvalidSettingsError, /unknown key "binwidth"/);
    throwsTyped(
      () => parseRadiomicsSettings({ voxelSpacing: [2, 2, 2] }, 'file:///runs/params.json'),
      InvalidSettingsError,
      /file:\/\/\/runs\/params\.json/,
      /unknown key "voxelSpacing"/,
    );
  });

  test('bad values name the key', () => {
    throwsTyped(() => parseRadiomicsSettings({ binWidth: 0 }), InvalidSettingsError, /"binWidth"/);
    throwsTyped(() => parseRadiomicsSettings({ binWidth: '25' }), InvalidSettingsError, /"binWidth"/);
    throwsTyped(() => parseRadiomicsSettings({ label: 1.5 }), InvalidSettingsError, /"label"/);
    throwsTyped(() => parseRadiomicsSettings({ voxelArrayShift: Infinity }), InvalidSettingsError, /"voxelArrayShift"/);
    throwsTyped(() => parseRadiomicsSettings('binWidth=25'), InvalidSettingsError, /invalid radiomics settings/);
  });
});

describe('extractFeatures', () => {
  test('returns every PyRadiomics class by default, named original_<class>_<Feature>, of the chosen label', () => {
    const features = extractFeatures(image(), mask(), {}, MASK_URI);
    assert.equal(features.original_firstorder_Mean, 30);
    assert.equal(features.original_firstorder_Minimum, 20);
    assert.equal(features.original_firstorder_Maximum, 40);
    assert.equal(features.original_firstorder_Energy, 400 + 900 + 1600);
    assert.equal(features.original_shape_VoxelVolume, 3 * 0.5);
    const perClass = (c: string) => Object.keys(features).filter((n) => n.startsWith(`original_${c}_`)).length;
    assert.deepEqual(
      ['firstorder', 'shape', 'glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm'].map(perClass),
      [18, 14, 24, 16, 16, 14, 5],
      'deprecated StandardDeviation, Compactness1/2 and SphericalDisproportion are left out, as in PyRadiomics',
    );
    assert.ok(Object.keys(features).every((name) => /^original_(firstorder|shape|glcm|glrlm|glszm|gldm|ngtdm)_\w+$/.test(name)));

    // Label 2 is a line of two voxels: PyRadiomics' default minimumROIDimensions (2) refuses it.
    throwsTyped(() => extractFeatures(image(), mask(), { label: 2 }, MASK_URI), InvalidMaskError, /C01-P0001_mask\.nrrd/, /minimumROIDimensions is 2/);
    const label2 = extractFeatures(image(), mask(), { label: 2, voxelArrayShift: 10, minimumROIDimensions: 1 }, MASK_URI);
    assert.equal(label2.original_firstorder_Mean, 75);
    assert.equal(label2.original_firstorder_Energy, 80 ** 2 + 90 ** 2);
    assert.equal(label2.original_firstorder_TotalEnergy, (80 ** 2 + 90 ** 2) * 0.5);
  });

  test('a params file selects classes and features, deprecated ones by name only', () => {
    const params = parseParams({ featureClass: { firstorder: ['Mean', 'StandardDeviation'], glcm: [] } });
    const features = extractWithParams(image(), mask(), params);
    assert.equal(features.original_firstorder_Mean, 30);
    assert.ok('original_firstorder_StandardDeviation' in features);
    assert.equal(Object.keys(features).length, 2 + 24);
    assert.throws(
      () => extractWithParams(image(), mask(), parseParams({ featureClass: { glcm: ['Contrst'] } })),
      (e: Error) => e instanceof InvalidSettingsError && /featureClass\.glcm: no feature named "Contrst"/.test(e.message),
    );
  });

  test('shape2D through the engine: needs force2D, deprecated SphericalDisproportion left out', () => {
    // Label 1 lies in slice z = 0 only: (1,0), (2,0), (0,1).
    const params = parseParams({ setting: { force2D: true }, featureClass: { shape2D: [] } });
    const features = extractWithParams(image(), mask(), params);
    assert.equal(features.original_shape2D_PixelSurface, 3 * 0.25);
    assert.equal(Object.keys(features).length, 9);
    throwsTyped(
      () => extractWithParams(image(), mask(), parseParams({ featureClass: { shape2D: [] } })),
      InvalidSettingsError,
      /shape2D needs setting force2D: true/,
    );
  });

  test('float images and masks work the same', () => {
    const floatImage = { ...image(), data: Float32Array.from(image().data) };
    const floatMask = { ...mask(), data: Float64Array.from(mask().data) };
    assert.deepEqual(extractFeatures(floatImage, floatMask, {}), extractFeatures(image(), mask(), {}));
  });

  test('a mask on another grid is a GeometryMismatchError naming the mask and what differs', () => {
    const shifted = { ...mask(), origin: [0, 0, 1] as [number, number, number] };
    throwsTyped(() => extractFeatures(image(), shifted, {}, MASK_URI), GeometryMismatchError, /C01-P0001_mask\.nrrd/, /origin \(0, 0, 1\) in the mask vs \(0, 0, 0\)/);
    const coarser = { ...mask(), spacing: [1, 1, 2] as [number, number, number] };
    throwsTyped(() => extractFeatures(image(), coarser, {}, MASK_URI), GeometryMismatchError, /spacing/);
    const smaller = { ...grid(new Uint8Array(6).fill(1)), size: [3, 2, 1] as [number, number, number] };
    throwsTyped(() => extractFeatures(image(), smaller, {}, MASK_URI), GeometryMismatchError, /size \(3, 2, 1\)/);
  });

  test('an absent label or empty mask is an InvalidMaskError', () => {
    throwsTyped(() => extractFeatures(image(), mask(), { label: 3 }, MASK_URI), InvalidMaskError, /C01-P0001_mask\.nrrd/, /label 3 is absent/, /labels present: 0, 1, 2/);
    const empty = grid(new Uint8Array(12));
    throwsTyped(() => extractFeatures(image(), empty, {}, MASK_URI), InvalidMaskError, /label 1 is absent/);
  });

  test('NaN inside the ROI is a CorruptImageError; NaN outside it is ignored', () => {
    const withNan = grid(Float32Array.from(image().data));
    withNan.data[2] = NaN;
    throwsTyped(() => extractFeatures(withNan, mask(), {}, MASK_URI, IMAGE_URI), CorruptImageError, /C01-P0001_image\.nrrd/, /1 of the 3 voxels/);
    const nanOutside = grid(Float32Array.from(image().data));
    nanOutside.data[0] = NaN;
    assert.equal(extractFeatures(nanOutside, mask(), {}).original_firstorder_Mean, 30);
  });

  test('bad settings are an InvalidSettingsError', () => {
    throwsTyped(() => extractFeatures(image(), mask(), { bin_width: 3 } as never), InvalidSettingsError, /"bin_width"/);
  });
});
