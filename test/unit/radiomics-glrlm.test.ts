import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  glrlmCoefficients,
  glrlmDirectionWeight,
  glrlmFeatures,
  glrlmForFeatures,
  glrlmMatrices,
  GLRLM_FEATURE_NAMES,
  grayLevelNonUniformity,
  runLengthNonUniformity,
  runPercentage,
  shortRunEmphasis,
  type GlrlmMatrices,
} from '../../activities/radiomics/glrlm';
import { parseRadiomicsSettings, type RadiomicsSettingsInput } from '../../activities/radiomics/settings';
import {
  assertFeaturesMatch,
  caseInput,
  COMBINED_COLUMNS,
  IMAGE_CASES,
  MATRIX_TOLERANCE,
  readMatrixBaseline,
  sliceInput,
  TEXTURE_COLUMNS,
  textureCase,
  type TextureCase,
} from '../support/texture-baseline';
import { assertWithin } from '../support/assert-within';

const DEFAULTS = parseRadiomicsSettings({});

function settings(input: RadiomicsSettingsInput) {
  return parseRadiomicsSettings(input);
}

/** Matrix a of `m` as rows (gray levels) of run-length counts. */
function rows(m: GlrlmMatrices, a: number): number[][] {
  const nr = m.runLengths.length;
  return Array.from(m.grayLevels, (_, r) => Array.from(m.matrices[a].subarray(r * nr, (r + 1) * nr)));
}

/** The 5×5 example image of the PyRadiomics GLRLM documentation. */
const DOC_IMAGE = sliceInput([
  [5, 2, 5, 4, 4],
  [3, 3, 3, 1, 3],
  [2, 1, 1, 1, 3],
  [4, 2, 2, 2, 3],
  [3, 5, 3, 3, 2],
]);

describe('GLRLM matrices', () => {
  test('the documentation example: runs along the horizontal direction', () => {
    const m = glrlmMatrices(DOC_IMAGE, DEFAULTS);
    assert.deepEqual(m.angles, [[1, 1, 0], [0, 1, 0], [-1, 1, 0], [1, 0, 0]]);
    assert.deepEqual(Array.from(m.runLengths), [1, 2, 3, 4, 5]); // up to the largest box extent
    assert.deepEqual(rows(m, 3), [
      [1, 0, 1, 0, 0],
      [3, 0, 1, 0, 0],
      [4, 1, 1, 0, 0],
      [1, 1, 0, 0, 0],
      [3, 0, 0, 0, 0],
    ]);
  });

  test('voxels outside the ROI break runs; run lengths and gray levels that never occur are dropped', () => {
    const input = sliceInput([[2, 2, 0, 2, 9, 9, 9]]);
    const m = glrlmForFeatures(glrlmMatrices(input, DEFAULTS), DEFAULTS, input.spacing);
    assert.deepEqual(Array.from(m.grayLevels), [2, 9]);
    assert.deepEqual(Array.from(m.runLengths), [1, 2, 3]);
    assert.deepEqual(rows(m, 0), [
      [1, 1, 0],
      [0, 0, 1],
    ]);
  });

  test('a direction in which no line holds two ROI voxels counts no runs, and is dropped', () => {
    const input = sliceInput([[1, 0], [0, 1]]);
    const m = glrlmMatrices(input, DEFAULTS);
    // (1, 1) holds the diagonal run; (0, 1), (−1, 1) and (1, 0) meet one ROI voxel per line.
    assert.deepEqual(m.matrices.map((P) => Array.from(P)), [[0, 1], [0, 0], [0, 0], [0, 0]]);
    const kept = glrlmForFeatures(m, DEFAULTS, input.spacing);
    assert.deepEqual(kept.angles, [[1, 1, 0]]);
    assert.deepEqual(Array.from(kept.runLengths), [2]);
    // Two ROI voxels on one line count, even when not adjacent (runs of length 1).
    const gap = glrlmMatrices(sliceInput([[1, 0, 1]]), DEFAULTS);
    assert.deepEqual(Array.from(gap.matrices[0]), [2, 0, 0]);
  });

  test('force2D keeps the in-plane directions; distances do not apply', () => {
    const cube = { ...sliceInput([[1, 2, 2, 1, 2, 1, 1, 2]]), size: [2, 2, 2] as [number, number, number] };
    assert.equal(glrlmMatrices(cube, DEFAULTS).angles.length, 13);
    const flat = glrlmMatrices(cube, settings({ force2D: true }));
    assert.equal(flat.angles.length, 4);
    assert.ok(flat.angles.every(([, , dz]) => dz === 0));
    assert.equal(glrlmMatrices(cube, settings({ distances: [2] })).angles.length, 13);
  });

  test('weighting: the norm of the offset in mm; matrices summed into one', () => {
    const spacing = [0.5, 1, 2];
    assertWithin(glrlmDirectionWeight([1, 1, 1], spacing, 'infinity'), 2);
    assertWithin(glrlmDirectionWeight([1, -1, 1], spacing, 'euclidean'), Math.sqrt(5.25));
    assertWithin(glrlmDirectionWeight([-1, 1, 0], spacing, 'manhattan'), 1.5);
    assert.equal(glrlmDirectionWeight([1, 0, 0], spacing, 'no_weighting'), 1);

    const m = glrlmMatrices(DOC_IMAGE, DEFAULTS);
    const merged = glrlmForFeatures(m, settings({ weightingNorm: 'manhattan' }), [1, 1, 1]);
    assert.equal(merged.matrices.length, 1);
    const weights = [2, 1, 2, 1];
    assert.deepEqual(Array.from(merged.runLengths), [1, 2, 3]); // lengths 4 and 5 never occur
    for (let i = 0; i < 5; i++) {
      for (let r = 0; r < 3; r++) {
        const expected = m.matrices.reduce((s, P, a) => s + weights[a] * P[i * 5 + r], 0);
        assertWithin(merged.matrices[0][i * 3 + r], expected);
      }
    }
  });
});

describe('GLRLM features', () => {
  test('the documentation example, horizontal direction', () => {
    const m = glrlmMatrices(DOC_IMAGE, DEFAULTS);
    const c = glrlmCoefficients(m.matrices[3], m.grayLevels, m.runLengths);
    // 17 runs covering 25 voxels; runs per gray level 2, 4, 6, 2, 3; per run length 12, 2, 3, 0, 0.
    assert.equal(c.Nr, 17);
    assert.deepEqual(Array.from(c.pg), [2, 4, 6, 2, 3]);
    assert.deepEqual(Array.from(c.pr), [12, 2, 3, 0, 0]);
    assertWithin(shortRunEmphasis(c), (12 + 2 / 4 + 3 / 9) / 17);
    assertWithin(grayLevelNonUniformity(c), (4 + 16 + 36 + 4 + 9) / 17);
    assertWithin(runLengthNonUniformity(c), (144 + 4 + 9) / 17);
    assertWithin(runPercentage(c), 17 / 25);
  });

  test('a single direction: closed forms', () => {
    // Runs: level 1 of length 2, level 3 of length 1 (4 voxels, 1 line).
    const input = sliceInput([[1, 1, 0, 3]]);
    const f = glrlmFeatures(input, DEFAULTS);
    assert.deepEqual(Object.keys(f).sort(), [...GLRLM_FEATURE_NAMES].sort());
    assertWithin(f.ShortRunEmphasis, (1 / 4 + 1) / 2);
    assertWithin(f.LongRunEmphasis, (4 + 1) / 2);
    assertWithin(f.GrayLevelNonUniformity, 1);
    assertWithin(f.GrayLevelNonUniformityNormalized, 0.5);
    assertWithin(f.RunLengthNonUniformity, 1);
    assertWithin(f.RunPercentage, 2 / 3);
    assertWithin(f.GrayLevelVariance, 1); // levels 1 and 3, each half the runs
    assertWithin(f.RunVariance, 0.25);
    assertWithin(f.RunEntropy, 1, 1e-15);
    assertWithin(f.LowGrayLevelRunEmphasis, (1 + 1 / 9) / 2);
    assertWithin(f.HighGrayLevelRunEmphasis, (1 + 9) / 2);
    assertWithin(f.ShortRunLowGrayLevelEmphasis, (1 / 4 + 1 / 9) / 2);
    assertWithin(f.ShortRunHighGrayLevelEmphasis, (1 / 4 + 9) / 2);
    assertWithin(f.LongRunLowGrayLevelEmphasis, (4 + 1 / 9) / 2);
    assertWithin(f.LongRunHighGrayLevelEmphasis, (4 + 9) / 2);
  });

  test('no direction with runs (a single voxel): every feature is NaN', () => {
    for (const weightingNorm of [null, 'no_weighting'] as const) {
      const f = glrlmFeatures(sliceInput([[2]]), settings({ weightingNorm }));
      assert.ok(Object.values(f).every(Number.isNaN), JSON.stringify(f));
    }
  });

  test('weighted RunPercentage divides by the weighted voxel count', () => {
    const f = glrlmFeatures(DOC_IMAGE, settings({ weightingNorm: 'no_weighting' }));
    const m = glrlmMatrices(DOC_IMAGE, DEFAULTS);
    const runs = m.matrices.reduce((s, P) => s + P.reduce((a, b) => a + b), 0);
    assertWithin(f.RunPercentage, runs / (4 * 25));
  });
});

/** A column's case, with the weightingNorm textureCase does not read. */
function glrlmCase(column: string): TextureCase {
  const c = textureCase('glrlm', column);
  const text = c.baseline.get('diagnostics_Configuration_Settings') ?? '';
  const weightingNorm = /'weightingNorm': '(\w+)'/.exec(text)?.[1] ?? null;
  return { ...c, settings: parseRadiomicsSettings({ ...c.settings, weightingNorm }) };
}

describe('GLRLM against the PyRadiomics baselines', () => {
  const columns = [...TEXTURE_COLUMNS, ...COMBINED_COLUMNS];
  for (const column of columns) {
    test(`${column}: every feature matches`, (t) => {
      const c = glrlmCase(column);
      assert.equal(c.settings.force2D, column.endsWith('_2d'));
      assert.equal(c.settings.weightingNorm, column.endsWith('_combined') ? 'no_weighting' : null);
      const result = assertFeaturesMatch('glrlm', c, glrlmFeatures(caseInput(c), c.settings));
      t.diagnostic(`${result.matched} features, worst relative error ${result.worstRelative.toExponential(2)}`);
    });
  }

  for (const testCase of IMAGE_CASES) {
    test(`${testCase}: the matrices equal ${testCase}_glrlm.npy`, () => {
      const c = glrlmCase(testCase);
      const input = caseInput(c);
      const m = glrlmForFeatures(glrlmMatrices(input, c.settings), c.settings, input.spacing);
      const ng = m.grayLevels.length;
      const nr = m.runLengths.length;
      const expected = readMatrixBaseline(testCase, 'glrlm');
      assert.deepEqual(expected.shape, [ng, nr, 13]);
      assert.equal(m.matrices.length, 13);
      for (let a = 0; a < 13; a++) {
        for (let i = 0; i < ng; i++) {
          for (let r = 0; r < nr; r++) {
            const error = Math.abs(m.matrices[a][i * nr + r] - expected.at(i, r, a));
            assert.ok(error <= MATRIX_TOLERANCE, `(${i}, ${r}, ${a}): ${m.matrices[a][i * nr + r]} vs ${expected.at(i, r, a)}`);
          }
        }
      }
    });
  }
});
