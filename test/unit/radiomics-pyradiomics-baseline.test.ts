/**
 * The radiomics engine against PyRadiomics' own regression baselines (brain1, breast1 and brain2): the
 * default configuration (binWidth 25, label 1, no resampling; the settings are read from each column's
 * settings row), the columns that need preprocessing (_FBN, _normalization, _resegmentation) and the
 * resampled ones (_resampling); for brain2 also every other column through extractWithParams.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { extractFeatures, extractWithParams, parseParams, type RadiomicsSettings } from '../../activities/radiomics';
import {
  baselineColumns,
  baselineSetting,
  caseOf,
  readBaselineColumn,
  readReferenceVolume,
} from '../support/pyradiomics-reference';
import {
  assertFeaturesMatch,
  columnSettingSection,
  IMAGE_CASES,
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

for (const testCase of IMAGE_CASES) {
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
 * A column extracted once through extractWithParams: the column's whole settings dict (read from
 * `classes[0]`'s CSV) as the params file's `setting` section, and every one of `classes` enabled.
 */
function columnExtraction(column: string, classes: readonly string[]): () => Record<string, number> {
  let computed: Record<string, number> | undefined;
  return () => {
    if (computed) return computed;
    const testCase = caseOf(column);
    const setting = columnSettingSection(readBaselineColumn(classes[0], column));
    const params = parseParams({ setting, featureClass: Object.fromEntries(classes.map((c) => [c, []])) }, column);
    const image = readReferenceVolume(`${testCase}_image`);
    const mask = readReferenceVolume(`${testCase}_label`);
    return (computed = extractWithParams(image.volume, mask.volume, params, { imageUri: image.uri, maskUri: mask.uri }));
  };
}

/** Every `original_<featureClass>_*` baseline of the column matches the extracted value (assertFeaturesMatch). */
function assertClassMatches(t: TestContext, column: string, featureClass: string, features: Record<string, number>): void {
  const prefix = `original_${featureClass}_`;
  const values = Object.fromEntries(
    Object.entries(features)
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, value]) => [name.slice(prefix.length), value]),
  );
  const result = assertFeaturesMatch(featureClass, textureCase(featureClass, column), values);
  t.diagnostic(
    `${result.matched} features, worst relative error ${result.worstRelative.toExponential(2)}, ` +
      `worst absolute error near 0 ${result.worstAbsoluteNearZero.toExponential(2)}`,
  );
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
    const testCase = caseOf(column);
    const classes = CLASSES.filter((featureClass) => baselineColumns(featureClass, testCase).includes(column));
    const features = columnExtraction(column, classes);

    test(`${column}: the column's settings are read as PyRadiomics ran them`, () => {
      assert.deepEqual(classes, column.endsWith('_FBN') ? CLASSES.slice(1) : CLASSES);
      const { settings } = textureCase(classes[0], column);
      const expected = EXPECTED_SETTINGS[column.slice(testCase.length + 1)];
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(settings[key as keyof RadiomicsSettings], value, key);
      assert.equal(settings.minimumROIDimensions, 2);
    });

    for (const featureClass of classes) {
      test(`${column}: every ${featureClass} feature matches`, (t) => assertClassMatches(t, column, featureClass, features()));
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
    const testCase = caseOf(column);
    const features = columnExtraction(column, CLASSES);

    test(`${column}: every class has the column, and its settings are read as PyRadiomics ran them`, () => {
      for (const featureClass of CLASSES) assert.ok(baselineColumns(featureClass, testCase).includes(column), featureClass);
      const { settings } = textureCase('firstorder', column);
      assert.deepEqual(settings.resampledPixelSpacing, [2, 2, 2]);
      assert.equal(settings.interpolator, 'sitkBSpline');
      assert.equal(settings.padDistance, 5);
      assert.equal(settings.binWidth, 25);
      assert.equal(settings.preCrop, false);
      assert.equal(settings.normalize, false);
    });

    for (const featureClass of CLASSES) {
      test(`${column}: every ${featureClass} feature matches`, (t) => assertClassMatches(t, column, featureClass, features()));
    }
  }
});

/**
 * brain2 (shared/reference/pyradiomics-more): every baseline column of every class, each extracted once
 * through extractWithParams with the column's whole settings dict read as a params file. The _FBN,
 * _normalization, _resegmentation and _resampling columns are checked above; this covers the rest: the
 * default configuration (every class, shape included), _2d (force2D), _combined (weightingNorm
 * "no_weighting", glcm and glrlm) and _flatRegion. brain1 and breast1 check these columns through each
 * family's own functions (radiomics-<class>.test.ts), as brain2 does too.
 */
describe('PyRadiomics baseline brain2: every other column, through extractWithParams', () => {
  const testCase = 'brain2';
  const CLASSES = ['firstorder', 'shape', 'glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm'] as const;
  const checkedAbove = new Set<string>([...PREPROCESSING_COLUMNS, ...RESAMPLING_COLUMNS]);
  const allColumns = [...new Set(CLASSES.flatMap((featureClass) => baselineColumns(featureClass, testCase)))];
  const columns = allColumns.filter((column) => !checkedAbove.has(column));

  test('brain2 has the same columns as brain1, and each is checked', () => {
    assert.deepEqual(allColumns.sort(), [
      'brain2',
      'brain2_2d',
      'brain2_FBN',
      'brain2_combined',
      'brain2_flatRegion',
      'brain2_normalization',
      'brain2_resampling',
      'brain2_resegmentation',
    ]);
    for (const column of allColumns) {
      const like = column.replace(/^brain2/, 'brain1');
      for (const featureClass of CLASSES) {
        assert.equal(
          baselineColumns(featureClass, testCase).includes(column),
          baselineColumns(featureClass, 'brain1').includes(like),
          `${featureClass} ${column}`,
        );
      }
    }
  });

  for (const column of columns) {
    const classes = CLASSES.filter((featureClass) => baselineColumns(featureClass, testCase).includes(column));
    const features = columnExtraction(column, classes);

    test(`${column}: the column's settings are read as PyRadiomics ran them`, () => {
      const { settings } = textureCase(classes[0], column);
      assert.equal(settings.force2D, column.endsWith('_2d'));
      assert.equal(settings.weightingNorm, column.endsWith('_combined') ? 'no_weighting' : null);
      assert.equal(settings.binWidth, column.endsWith('_flatRegion') ? 5000 : 25);
      assert.deepEqual(settings.resegmentRange, column.endsWith('_flatRegion') ? [0] : null);
      assert.equal(settings.voxelArrayShift, column === testCase ? 2000 : 0);
      assert.equal(settings.minimumROIDimensions, column === testCase ? 1 : 2);
    });

    for (const featureClass of classes) {
      test(`${column}: every ${featureClass} feature matches`, (t) => assertClassMatches(t, column, featureClass, features()));
    }
  }
});
