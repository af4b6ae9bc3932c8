import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gldmFeatures, gldmMatrix } from '../../activities/radiomics/gldm';
import { parseRadiomicsSettings } from '../../activities/radiomics/settings';
import {
  assertFeaturesMatch,
  assertMatrixMatches,
  caseInput,
  IMAGE_CASES,
  readMatrixBaseline,
  sliceInput,
  TEXTURE_COLUMNS,
  textureCase,
} from '../support/texture-baseline';
import { assertWithin } from '../support/assert-within';

const DEFAULTS = parseRadiomicsSettings({});

/** Rows of a matrix as plain arrays. */
function rows(m: { grayLevels: Float64Array; sizes: Float64Array; counts: Float64Array }): number[][] {
  const ns = m.sizes.length;
  return Array.from(m.grayLevels, (_, r) => Array.from(m.counts.subarray(r * ns, (r + 1) * ns)));
}

const EXAMPLE = [
  [5, 2, 5, 4, 4],
  [3, 3, 3, 1, 3],
  [2, 1, 1, 1, 3],
  [4, 2, 2, 2, 3],
  [3, 5, 3, 3, 2],
];

describe('GLDM on small hand-checked images', () => {
  test('the 5×5 example of the PyRadiomics documentation (α = 0, δ = 1)', () => {
    const m = gldmMatrix(sliceInput(EXAMPLE), DEFAULTS);
    assert.deepEqual(Array.from(m.grayLevels), [1, 2, 3, 4, 5]);
    assert.deepEqual(Array.from(m.sizes), [1, 2, 3, 4]); // dependence = dependent neighbours + 1
    assert.deepEqual(rows(m), [
      [0, 1, 2, 1],
      [1, 2, 3, 0],
      [1, 4, 4, 0],
      [1, 2, 0, 0],
      [3, 0, 0, 0],
    ]);
    // Nz = Np = 25; voxels per dependence 6, 9, 9, 1.
    const f = gldmFeatures(m);
    assertWithin(f.DependenceNonUniformity, (36 + 81 + 81 + 1) / 25);
    assertWithin(f.DependenceNonUniformityNormalized, (36 + 81 + 81 + 1) / 625);
    assertWithin(f.LargeDependenceEmphasis, (6 * 1 + 9 * 4 + 9 * 9 + 1 * 16) / 25);
    assertWithin(f.GrayLevelNonUniformity, (16 + 36 + 81 + 9 + 9) / 25);
  });

  test('gldm_a widens dependence to neighbours within α gray levels', () => {
    const m = gldmMatrix(sliceInput([[1, 2, 4]]), { ...DEFAULTS, gldm_a: 1 });
    // 1 ↔ 2 depend (|1 − 2| ≤ 1), 2 ↔ 4 do not.
    assert.deepEqual(Array.from(m.sizes), [1, 2]);
    assert.deepEqual(rows(m), [
      [0, 1],
      [0, 1],
      [1, 0],
    ]);
  });

  test('distances select the neighbour ring: distance 2 skips the direct neighbours', () => {
    const m = gldmMatrix(sliceInput([[1, 1, 1, 1, 1]]), { ...DEFAULTS, distances: [2] });
    // x = 0, 1, 3, 4 have one voxel two steps away, x = 2 has two.
    assert.deepEqual(Array.from(m.sizes), [2, 3]);
    assert.deepEqual(rows(m), [[4, 1]]);
  });

  test('voxels outside the ROI are never dependent', () => {
    const m = gldmMatrix(sliceInput([[2, 0, 2]]), DEFAULTS);
    assert.deepEqual(rows(m), [[2]]);
    assert.deepEqual(Array.from(m.sizes), [1]);
  });
});

describe('GLDM against the PyRadiomics baselines', () => {
  for (const column of TEXTURE_COLUMNS) {
    test(`${column}: every feature matches`, (t) => {
      const c = textureCase('gldm', column);
      assert.equal(c.settings.force2D, column.endsWith('_2d'));
      assert.equal(c.settings.gldm_a, 0);
      const result = assertFeaturesMatch('gldm', c, gldmFeatures(gldmMatrix(caseInput(c), c.settings)));
      t.diagnostic(`${result.matched} features, worst relative error ${result.worstRelative.toExponential(2)}`);
    });
  }

  for (const testCase of IMAGE_CASES) {
    test(`${testCase}: the matrix equals ${testCase}_gldm.npy`, () => {
      const c = textureCase('gldm', testCase);
      const m = gldmMatrix(caseInput(c), c.settings);
      const ns = m.sizes.length;
      assertMatrixMatches(readMatrixBaseline(testCase, 'gldm'), m.grayLevels.length, ns, (r, s) => m.counts[r * ns + s]);
    });
  }
});
