/**
 * Test support for the first-order and texture families against the PyRadiomics baselines:
 * the settings and TextureInput of a baseline column, and the comparisons of features and matrices.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Volume } from '../../activities/imaging/volume';
import { parseParams } from '../../activities/radiomics/params-file';
import { preprocess } from '../../activities/radiomics/preprocess';
import type { RadiomicsSettings } from '../../activities/radiomics/settings';
import { textureInput, type TextureInput } from '../../activities/radiomics/texture-input';
import { readNpy, type NpyArray } from './npy';
import { caseOf, readBaselineColumn, readReferenceVolume, referenceDir } from './pyradiomics-reference';

export const RELATIVE_TOLERANCE = 1e-6;
/** Used instead of the relative error when the baseline is (practically) 0. */
export const ABSOLUTE_TOLERANCE_NEAR_ZERO = 1e-9;
export const MATRIX_TOLERANCE = 1e-9;

/**
 * The columns each texture family's own tests check: default configuration, force2D, and the flat
 * region (binWidth 5000 after resegmentation to voxels ≥ 0, which leaves one gray level).
 * PREPROCESSING_COLUMNS and RESAMPLING_COLUMNS are checked through extractWithParams
 * (radiomics-pyradiomics-baseline.test.ts). brain1 and breast1 come from shared/reference/pyradiomics,
 * brain2 from shared/reference/pyradiomics-more. lung1 and lung2 (pyradiomics-more) have baseline columns
 * for every class but no image, so only their masks can be checked (shape and shape2D tests).
 */
export const TEXTURE_COLUMNS = [
  'brain1',
  'brain1_2d',
  'brain1_flatRegion',
  'breast1',
  'breast1_2d',
  'breast1_flatRegion',
  'brain2',
  'brain2_2d',
  'brain2_flatRegion',
] as const;

/** Columns with weightingNorm "no_weighting" (directional matrices summed into one): glcm and glrlm only. */
export const COMBINED_COLUMNS = ['brain1_combined', 'breast1_combined', 'brain2_combined'] as const;

/**
 * The cases with an image: their feature columns and their default-configuration texture matrices
 * (baseline/<case>_<class>.npy) are checked. lung1_<class>.npy and lung2_<class>.npy (and the lung
 * columns of the first-order and texture CSVs) exist too but cannot be checked: the lung images are
 * missing from the reference data (see shared/reference/pyradiomics-more/README.md), and the matrices
 * need the image's gray levels.
 */
export const IMAGE_CASES = ['brain1', 'breast1', 'brain2'] as const;

/**
 * Columns whose configuration needs preprocessing: binCount 64 (_FBN, texture classes only),
 * normalize with normalizeScale 100 and binWidth 5 (_normalization), sigma resegmentation to
 * mean ± 3 SD (_resegmentation); the last two for first-order and texture classes.
 */
export const PREPROCESSING_COLUMNS = [
  'brain1_FBN',
  'brain1_normalization',
  'brain1_resegmentation',
  'breast1_FBN',
  'breast1_normalization',
  'breast1_resegmentation',
  'brain2_FBN',
  'brain2_normalization',
  'brain2_resegmentation',
] as const;

/**
 * Columns resampled to 2 × 2 × 2 mm before extraction (resampledPixelSpacing [2, 2, 2], sitkBSpline for the
 * image, nearest neighbour for the mask, grid cropped to the ROI's bounding box ± padDistance 5): first-order,
 * shape and texture classes.
 */
export const RESAMPLING_COLUMNS = ['brain1_resampling', 'breast1_resampling', 'brain2_resampling'] as const;

export interface TextureCase {
  column: string;
  /** brain1, breast1 or brain2. */
  testCase: string;
  settings: RadiomicsSettings;
  baseline: Map<string, string>;
}

/**
 * A column's diagnostics_Configuration_Settings (a Python dict literal) as the `setting` section of a
 * params file: True/False/None become true/false/null.
 */
export function columnSettingSection(baseline: Map<string, string>): Record<string, unknown> {
  const text = baseline.get('diagnostics_Configuration_Settings');
  if (!text) throw new Error('the column has no diagnostics_Configuration_Settings');
  const json = text
    .replace(/'/g, '"')
    .replace(/\bTrue\b/g, 'true')
    .replace(/\bFalse\b/g, 'false')
    .replace(/\bNone\b/g, 'null');
  return JSON.parse(json) as Record<string, unknown>;
}

/**
 * Settings of a column: its whole settings dict, read through the params-file parser as a
 * PyRadiomics params file would be (so a setting the engine lacks fails loudly here).
 */
export function textureCase(featureClass: string, column: string): TextureCase {
  const baseline = readBaselineColumn(featureClass, column);
  const { settings } = parseParams({ setting: columnSettingSection(baseline) }, `${featureClass}:${column}`);
  return { column, testCase: caseOf(column), settings, baseline };
}

const volumes = new Map<string, Volume>();
/** data/<name>.nrrd, read once per test file. */
export function referenceVolume(name: string): Volume {
  let v = volumes.get(name);
  if (!v) volumes.set(name, (v = readReferenceVolume(name).volume));
  return v;
}

/** The TextureInput of a column: the case's image and mask, preprocessed (preprocess.ts), then discretized. */
export function caseInput(c: TextureCase): TextureInput {
  const prepared = preprocess(referenceVolume(`${c.testCase}_image`), referenceVolume(`${c.testCase}_label`), c.settings);
  return textureInput(prepared.image, prepared.mask, c.settings.label, c.settings);
}

/**
 * Every `original_<class>_*` feature of the column must be computed and match. Returns how many
 * matched and the worst relative error (absolute error where the baseline is ~0).
 */
export function assertFeaturesMatch(
  featureClass: string,
  c: TextureCase,
  computed: Record<string, number>,
): { matched: number; worstRelative: number; worstAbsoluteNearZero: number } {
  const prefix = `original_${featureClass}_`;
  const names = [...c.baseline.keys()].filter((name) => name.startsWith(prefix));
  assert.ok(names.length > 0, `${c.column} has ${featureClass} baselines`);
  assert.deepEqual(Object.keys(computed).sort(), names.map((n) => n.slice(prefix.length)).sort(), 'feature names');
  let worstRelative = 0;
  let worstAbsoluteNearZero = 0;
  const failures: string[] = [];
  for (const name of names) {
    const expected = Number(c.baseline.get(name));
    const actual = computed[name.slice(prefix.length)];
    const error = Math.abs(actual - expected);
    if (Math.abs(expected) < 1e-12) {
      worstAbsoluteNearZero = Math.max(worstAbsoluteNearZero, error);
      if (!(error <= ABSOLUTE_TOLERANCE_NEAR_ZERO)) failures.push(`${name}: computed ${actual}, PyRadiomics ${expected}`);
    } else {
      const relative = error / Math.abs(expected);
      worstRelative = Math.max(worstRelative, relative);
      if (!(relative <= RELATIVE_TOLERANCE)) {
        failures.push(`${name}: computed ${actual}, PyRadiomics ${expected} (relative error ${relative.toExponential(2)})`);
      }
    }
  }
  assert.deepEqual(failures, [], `${c.column}: ${failures.length} of ${names.length} features differ`);
  return { matched: names.length, worstRelative, worstAbsoluteNearZero };
}

/** baseline/<testCase>_<class>.npy, in the case's reference folder */
export function readMatrixBaseline(testCase: string, featureClass: string): NpyArray {
  return readNpy(path.join(referenceDir(testCase), 'baseline', `${testCase}_${featureClass}.npy`));
}

/** A 2-D matrix (rows × columns, row-major) equals the .npy baseline in shape and every element. */
export function assertMatrixMatches(expected: NpyArray, rows: number, columns: number, at: (r: number, c: number) => number) {
  assert.deepEqual(expected.shape, [rows, columns], 'matrix shape');
  let worst = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const error = Math.abs(at(r, c) - expected.at(r, c));
      assert.ok(error <= MATRIX_TOLERANCE, `element (${r}, ${c}): computed ${at(r, c)}, PyRadiomics ${expected.at(r, c)}`);
      worst = Math.max(worst, error);
    }
  }
  return worst;
}

/** A one-slice TextureInput from rows of gray levels (row = y, column = x; 0 = outside the ROI). */
export function sliceInput(rows: number[][]): TextureInput {
  const levels = Int32Array.from(rows.flat());
  return {
    size: [rows[0].length, rows.length, 1],
    spacing: [1, 1, 1],
    levels,
    maxLevel: Math.max(...levels),
    voxelCount: levels.filter((v) => v > 0).length,
  };
}
