import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { glszmFeatures, glszmMatrix } from '../../activities/radiomics/glszm';
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

describe('GLSZM on small hand-checked images', () => {
  test('the 5×5 example of the PyRadiomics documentation (8-connected zones)', () => {
    const input = sliceInput([
      [5, 2, 5, 4, 4],
      [3, 3, 3, 1, 3],
      [2, 1, 1, 1, 3],
      [4, 2, 2, 2, 3],
      [3, 5, 3, 3, 2],
    ]);
    const m = glszmMatrix(input, DEFAULTS);
    assert.deepEqual(Array.from(m.grayLevels), [1, 2, 3, 4, 5]);
    assert.deepEqual(Array.from(m.sizes), [1, 2, 3, 4, 5]);
    assert.deepEqual(rows(m), [
      [0, 0, 0, 1, 0],
      [1, 0, 0, 0, 1],
      [1, 0, 1, 0, 1],
      [1, 1, 0, 0, 0],
      [3, 0, 0, 0, 0],
    ]);
    // 11 zones of 25 voxels; zone counts per level 1, 2, 3, 2, 3; per size 6, 1, 1, 1, 2.
    const f = glszmFeatures(m);
    assertWithin(f.ZonePercentage, 11 / 25);
    assertWithin(f.GrayLevelNonUniformity, (1 + 4 + 9 + 4 + 9) / 11);
    assertWithin(f.SizeZoneNonUniformity, (36 + 1 + 1 + 1 + 4) / 11);
    assertWithin(f.LargeAreaEmphasis, (6 * 1 + 1 * 4 + 1 * 9 + 1 * 16 + 2 * 25) / 11);
    assertWithin(f.SmallAreaEmphasis, (6 / 1 + 1 / 4 + 1 / 9 + 1 / 16 + 2 / 25) / 11);
    assertWithin(f.HighGrayLevelZoneEmphasis, (1 * 1 + 2 * 4 + 3 * 9 + 2 * 16 + 3 * 25) / 11);
  });

  test('empty gray levels and zone sizes that never occur are dropped', () => {
    // Levels 1 and 4 only; zone sizes 1 and 3 only; 0 = outside the ROI splits the 4s.
    const m = glszmMatrix(sliceInput([[4, 4, 4, 0, 4, 0, 1]]), DEFAULTS);
    assert.deepEqual(Array.from(m.grayLevels), [1, 4]);
    assert.deepEqual(Array.from(m.sizes), [1, 3]);
    assert.deepEqual(rows(m), [
      [1, 0],
      [1, 1],
    ]);
  });

  test('zones connect across slices in 3D (26-connectivity) but not with force2D', () => {
    // Two slices of 2×1: level 1 at (0,0,0) and (1,0,1) touch only diagonally through z.
    const input = { size: [2, 1, 2] as [number, number, number], spacing: [1, 1, 1] as [number, number, number], levels: Int32Array.from([1, 2, 2, 1]), maxLevel: 2, voxelCount: 4 };
    assert.deepEqual(rows(glszmMatrix(input, DEFAULTS)), [[1], [1]]);
    assert.deepEqual(rows(glszmMatrix(input, { force2D: true, force2Ddimension: 0 })), [[2], [2]]);
  });

  test('a single zone: flat-region values', () => {
    const f = glszmFeatures(glszmMatrix(sliceInput([[3, 3], [3, 3]]), DEFAULTS));
    assert.equal(f.ZoneVariance, 0);
    assert.equal(f.GrayLevelVariance, 0);
    assert.equal(f.ZonePercentage, 1 / 4);
    assert.ok(Math.abs(f.ZoneEntropy) < 1e-15);
  });
});

describe('GLSZM against the PyRadiomics baselines', () => {
  for (const column of TEXTURE_COLUMNS) {
    test(`${column}: every feature matches`, (t) => {
      const c = textureCase('glszm', column);
      assert.equal(c.settings.force2D, column.endsWith('_2d'));
      const result = assertFeaturesMatch('glszm', c, glszmFeatures(glszmMatrix(caseInput(c), c.settings)));
      t.diagnostic(`${result.matched} features, worst relative error ${result.worstRelative.toExponential(2)}`);
    });
  }

  for (const testCase of IMAGE_CASES) {
    test(`${testCase}: the matrix equals ${testCase}_glszm.npy`, () => {
      const c = textureCase('glszm', testCase);
      const m = glszmMatrix(caseInput(c), c.settings);
      const ns = m.sizes.length;
      assertMatrixMatches(readMatrixBaseline(testCase, 'glszm'), m.grayLevels.length, ns, (r, s) => m.counts[r * ns + s]);
    });
  }
});
