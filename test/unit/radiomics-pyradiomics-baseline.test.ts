/**
 * The radiomics engine against PyRadiomics' own regression baselines: the default configuration
 * (binWidth 25, label 1, no resampling; the settings are read from each column's settings row), the
 * columns that need preprocessing (_FBN, _normalization, _resegmentation) and the resampled ones (_resampling).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extractFeatures, extractWithParams, parseParams, type RadiomicsSettings } from '../../activities/radiomics';
import {
  baselineColumns,
  baselineSetting,
  readBaselineColumn,
  readReferenceVolume,
} from '../support/pyradiomics-reference';
import {
  assertFeaturesMatch,
  columnSettingSection,
  PREPROCESSING_COLUMNS,
  RESAMPLING_COLUMNS,
  textureCase,
} from '../support/texture-baseline';

const RELATIVE_TOLERANCE = 1e-6;
const ABSOLUTE_TOLERANCE_NEAR_ZERO = 1e-9;

/** Every feature of these classes that has a baseline must be computed and must match. */
const CHECKED_CLASSES = ['firstorder', 'shape'] as const;
/** Shape features implemented so far (the mesh-based ones come later). */
const IMPLEMENTED_SHAPE_FEATURES = new Set(['original_shape_VoxelVolume']);

for (const testCase of ['brain1', 'breast1']) {
  describe(`PyRadiomics baseline ${testCase}`, () => {
    const firstorder = readBaselineColumn('firstorder', testCase);
    const settings = {
      label: baselineSetting(firstorder, 'label'),
      binWidth: baselineSetting(firstorder, 'binWidth'),
      voxelArrayShift: baselineSetting(firstorder, 'voxelArrayShift'),
    };
    let computed: Record<string, number> | undefined;
    const features = () => {
      const image = readReferenceVolume(`${testCase}_image`);
      const mask = readReferenceVolume(`${testCase}_label`);
      computed ??= extractFeatures(image.volume, mask.volume, settings, mask.uri, image.uri);
      return computed;
    };

    test('uses the default configuration with voxelArrayShift 2000', () => {
      assert.deepEqual(settings, { label: 1, binWidth: 25, voxelArrayShift: 2000 });
    });

    for (const featureClass of CHECKED_CLASSES) {
      test(`${featureClass} features match to ${RELATIVE_TOLERANCE} relative error`, () => {
        const computed = features();
        const baseline = readBaselineColumn(featureClass, testCase);
        const names = [...baseline.keys()].filter(
          (name) => name.startsWith(`original_${featureClass}_`) && (featureClass !== 'shape' || IMPLEMENTED_SHAPE_FEATURES.has(name)),
        );
        assert.ok(names.length > 0);
        for (const name of names) {
          const expected = Number(baseline.get(name));
          const actual = computed[name];
          assert.equal(typeof actual, 'number', `${name} is computed`);
          const error = Math.abs(actual - expected);
          const ok = Math.abs(expected) < 1e-3 ? error <= ABSOLUTE_TOLERANCE_NEAR_ZERO : error / Math.abs(expected) <= RELATIVE_TOLERANCE;
          assert.ok(ok, `${testCase} ${name}: computed ${actual}, PyRadiomics ${expected}`);
        }
      });
    }

    test('every first-order baseline feature is computed', () => {
      const baseline = readBaselineColumn('firstorder', testCase);
      const expected = [...baseline.keys()].filter((name) => name.startsWith('original_firstorder_'));
      assert.equal(expected.length, 18);
      const computed = features();
      for (const name of expected) assert.ok(name in computed, name);
    });
  });
}

/**
 * The preprocessing columns (binCount, normalization, sigma resegmentation), each extracted once
 * through extractWithParams with the column's whole settings dict read as a params file, so the
 * settings, the preprocessing and its wiring into every family are all checked. firstorder has no
 * _FBN column; shape has none of these columns.
 */
describe('PyRadiomics baseline preprocessing columns, through extractWithParams', () => {
  const CLASSES = ['firstorder', 'glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm'] as const;
  const EXPECTED_SETTINGS: Record<string, Partial<RadiomicsSettings>> = {
    FBN: { binCount: 64, normalize: false, resegmentRange: null },
    normalization: { binCount: null, binWidth: 5, normalize: true, normalizeScale: 100, removeOutliers: null, resegmentRange: null },
    resegmentation: { binCount: null, binWidth: 25, normalize: false, resegmentRange: [-3, 3], resegmentMode: 'sigma' },
  };

  for (const column of PREPROCESSING_COLUMNS) {
    const testCase = /^[a-z]+\d+/.exec(column)![0];
    const classes = CLASSES.filter((featureClass) => baselineColumns(featureClass).includes(column));
    let computed: Record<string, number> | undefined;
    const features = () => {
      const setting = columnSettingSection(readBaselineColumn(classes[0], column));
      const params = parseParams({ setting, featureClass: Object.fromEntries(classes.map((c) => [c, []])) }, column);
      const image = readReferenceVolume(`${testCase}_image`);
      const mask = readReferenceVolume(`${testCase}_label`);
      return (computed ??= extractWithParams(image.volume, mask.volume, params, { imageUri: image.uri, maskUri: mask.uri }));
    };

    test(`${column}: the column's settings are read as PyRadiomics ran them`, () => {
      assert.deepEqual(classes, column.endsWith('_FBN') ? CLASSES.slice(1) : CLASSES);
      const { settings } = textureCase(classes[0], column);
      const expected = EXPECTED_SETTINGS[column.slice(testCase.length + 1)];
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(settings[key as keyof RadiomicsSettings], value, key);
      assert.equal(settings.minimumROIDimensions, 2);
    });

    for (const featureClass of classes) {
      test(`${column}: every ${featureClass} feature matches`, (t) => {
        const prefix = `original_${featureClass}_`;
        const values = Object.fromEntries(
          Object.entries(features())
            .filter(([name]) => name.startsWith(prefix))
            .map(([name, value]) => [name.slice(prefix.length), value]),
        );
        const result = assertFeaturesMatch(featureClass, textureCase(featureClass, column), values);
        t.diagnostic(`${result.matched} features, worst relative error ${result.worstRelative.toExponential(2)}`);
      });
    }
  }
});

/**
 * The resampled columns (resampledPixelSpacing [2, 2, 2], sitkBSpline, padDistance 5), each extracted
 * once through extractWithParams with the column's whole settings dict read as a params file: shape on
 * the resampled mask, first-order and texture classes on the resampled image. The issue asks for 1e-3
 * relative; assertFeaturesMatch checks RELATIVE_TOLERANCE (1e-6), like every other column.
 */
describe('PyRadiomics baseline resampling columns, through extractWithParams', () => {
  const CLASSES = ['firstorder', 'shape', 'glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm'] as const;

  for (const column of RESAMPLING_COLUMNS) {
    const testCase = /^[a-z]+\d+/.exec(column)![0];
    let computed: Record<string, number> | undefined;
    const features = () => {
      const setting = columnSettingSection(readBaselineColumn('firstorder', column));
      const params = parseParams({ setting, featureClass: Object.fromEntries(CLASSES.map((c) => [c, []])) }, column);
      const image = readReferenceVolume(`${testCase}_image`);
      const mask = readReferenceVolume(`${testCase}_label`);
      return (computed ??= extractWithParams(image.volume, mask.volume, params, { imageUri: image.uri, maskUri: mask.uri }));
    };

    test(`${column}: every class has the column, and its settings are read as PyRadiomics ran them`, () => {
      for (const featureClass of CLASSES) assert.ok(baselineColumns(featureClass).includes(column), featureClass);
      const { settings } = textureCase('firstorder', column);
      assert.deepEqual(settings.resampledPixelSpacing, [2, 2, 2]);
      assert.equal(settings.interpolator, 'sitkBSpline');
      assert.equal(settings.padDistance, 5);
      assert.equal(settings.binWidth, 25);
      assert.equal(settings.preCrop, false);
      assert.equal(settings.normalize, false);
    });

    for (const featureClass of CLASSES) {
      test(`${column}: every ${featureClass} feature matches`, (t) => {
        const prefix = `original_${featureClass}_`;
        const values = Object.fromEntries(
          Object.entries(features())
            .filter(([name]) => name.startsWith(prefix))
            .map(([name, value]) => [name.slice(prefix.length), value]),
        );
        const result = assertFeaturesMatch(featureClass, textureCase(featureClass, column), values);
        t.diagnostic(`${result.matched} features, worst relative error ${result.worstRelative.toExponential(2)}`);
      });
    }
  }
});
