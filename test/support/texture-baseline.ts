/**
 * Test support for the texture families (GLSZM, GLDM, NGTDM) against the PyRadiomics baselines:
 * the settings and TextureInput of a baseline column, and the comparisons of features and matrices.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Volume } from '../../activities/imaging/volume';
import { parseRadiomicsSettings, type RadiomicsSettings } from '../../activities/radiomics/settings';
import { textureInput, type TextureInput } from '../../activities/radiomics/texture-input';
import { readNpy, type NpyArray } from './npy';
import { baselineSetting, readBaselineColumn, readReferenceVolume, REFERENCE_DIR } from './pyradiomics-reference';

export const RELATIVE_TOLERANCE = 1e-6;
/** Used instead of the relative error when the baseline is (practically) 0. */
export const ABSOLUTE_TOLERANCE_NEAR_ZERO = 1e-9;
export const MATRIX_TOLERANCE = 1e-9;

/**
 * The columns checked: default configuration, force2D, and the flat region (binWidth 5000 after
 * resegmentation to voxels ≥ 0, which leaves one gray level). _FBN, _normalization, _resampling
 * and _resegmentation need preprocessing the engine does not have yet.
 */
export const TEXTURE_COLUMNS = [
  'brain1',
  'brain1_2d',
  'brain1_flatRegion',
  'breast1',
  'breast1_2d',
  'breast1_flatRegion',
] as const;

export interface TextureCase {
  column: string;
  /** brain1 or breast1. */
  testCase: string;
  settings: RadiomicsSettings;
  /** Absolute resegmentation range of the column, if any: keep ROI voxels with lo ≤ value (≤ hi). */
  resegmentRange?: number[];
  baseline: Map<string, string>;
}

/** Settings of a column, from its diagnostics_Configuration_Settings Python dict. */
export function textureCase(featureClass: string, column: string): TextureCase {
  const baseline = readBaselineColumn(featureClass, column);
  const text = baseline.get('diagnostics_Configuration_Settings') ?? '';
  const list = (key: string) => {
    const match = new RegExp(`'${key}': \\[([^\\]]*)\\]`).exec(text);
    return match ? match[1].split(',').map((v) => Number(v.trim())) : undefined;
  };
  const resegmentMode = /'resegmentMode': '(\w+)'/.exec(text)?.[1] ?? 'absolute';
  const resegmentRange = list('resegmentRange');
  if (resegmentRange && resegmentMode !== 'absolute') throw new Error(`${column}: resegmentMode ${resegmentMode} not supported here`);
  for (const unsupported of ['binCount', 'resampledPixelSpacing']) {
    if (new RegExp(`'${unsupported}': [^N]`).test(text)) throw new Error(`${column}: ${unsupported} is not supported here`);
  }
  if (/'normalize': True/.test(text)) throw new Error(`${column}: normalize is not supported here`);
  const settings = parseRadiomicsSettings({
    label: baselineSetting(baseline, 'label'),
    binWidth: baselineSetting(baseline, 'binWidth'),
    distances: list('distances'),
    force2D: /'force2D': True/.test(text),
    force2Ddimension: baselineSetting(baseline, 'force2Ddimension'),
    gldm_a: baselineSetting(baseline, 'gldm_a'),
  });
  return { column, testCase: /^[a-z]+\d+/.exec(column)![0], settings, resegmentRange, baseline };
}

const volumes = new Map<string, Volume>();
function volume(name: string): Volume {
  let v = volumes.get(name);
  if (!v) volumes.set(name, (v = readReferenceVolume(name).volume));
  return v;
}

/** The TextureInput of a column: the case's image and mask, resegmented, then discretized. */
export function caseInput(c: TextureCase): TextureInput {
  const image = volume(`${c.testCase}_image`);
  let mask = volume(`${c.testCase}_label`);
  if (c.resegmentRange) {
    const [lo, hi = Infinity] = [...c.resegmentRange].sort((a, b) => a - b);
    const data = Int32Array.from(mask.data, (label, i) =>
      label === c.settings.label && image.data[i] >= lo && image.data[i] <= hi ? label : 0,
    );
    mask = { ...mask, data };
  }
  return textureInput(image, mask, c.settings.label, c.settings.binWidth);
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

/** baseline/<testCase>_<class>.npy */
export function readMatrixBaseline(testCase: string, featureClass: string): NpyArray {
  return readNpy(path.join(REFERENCE_DIR, 'baseline', `${testCase}_${featureClass}.npy`));
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
