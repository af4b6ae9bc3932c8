import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ngtdm from '../../activities/radiomics/ngtdm';
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

describe('NGTDM on small hand-checked images', () => {
  test('the 4×4 example of the PyRadiomics documentation (no voxel of gray level 4)', () => {
    const m = ngtdm.ngtdmMatrix(
      sliceInput([
        [1, 2, 5, 2],
        [3, 5, 1, 3],
        [1, 3, 5, 5],
        [3, 1, 1, 1],
      ]),
      DEFAULTS,
    );
    assert.deepEqual(Array.from(m.grayLevels), [1, 2, 3, 5]);
    assert.deepEqual(Array.from(m.counts), [6, 2, 4, 4]);
    // s_i worked out with exact fractions: 267/20, 2, 91/30, 403/40.
    [13.35, 2, 91 / 30, 10.075].forEach((s, r) => assertWithin(m.differences[r], s));

    const p = [6 / 16, 2 / 16, 4 / 16, 4 / 16];
    const s = [13.35, 2, 91 / 30, 10.075];
    const i = [1, 2, 3, 5];
    const pairs = (f: (a: number, b: number) => number) => [0, 1, 2, 3].reduce((sum, a) => sum + [0, 1, 2, 3].reduce((t, b) => t + f(a, b), 0), 0);
    const psSum = p.reduce((sum, pa, a) => sum + pa * s[a], 0);
    const f = ngtdm.ngtdmFeatures(m);
    assertWithin(f.Coarseness, 1 / psSum);
    assertWithin(f.Contrast, (pairs((a, b) => p[a] * p[b] * (i[a] - i[b]) ** 2) / 12) * (s.reduce((x, y) => x + y) / 16));
    assertWithin(f.Busyness, psSum / pairs((a, b) => Math.abs(i[a] * p[a] - i[b] * p[b])));
    assertWithin(f.Complexity, pairs((a, b) => (Math.abs(i[a] - i[b]) * (p[a] * s[a] + p[b] * s[b])) / (p[a] + p[b])) / 16);
    assertWithin(f.Strength, pairs((a, b) => (p[a] + p[b]) * (i[a] - i[b]) ** 2) / s.reduce((x, y) => x + y));
  });

  test('a voxel without ROI neighbours counts in n_i and adds nothing to s_i', () => {
    const m = ngtdm.ngtdmMatrix(sliceInput([[1, 0, 2, 2]]), DEFAULTS);
    assert.deepEqual(Array.from(m.grayLevels), [1, 2]);
    assert.deepEqual(Array.from(m.counts), [1, 2]);
    assert.deepEqual(Array.from(m.differences), [0, 0]);
  });

  test('a flat region: Coarseness 10⁶, Busyness, Contrast, Complexity and Strength 0', () => {
    const f = ngtdm.ngtdmFeatures(ngtdm.ngtdmMatrix(sliceInput([[3, 3], [3, 3]]), DEFAULTS));
    assert.deepEqual(f, { Busyness: 0, Coarseness: 1e6, Complexity: 0, Contrast: 0, Strength: 0 });
  });
});

describe('NGTDM against the PyRadiomics baselines', () => {
  for (const column of TEXTURE_COLUMNS) {
    test(`${column}: every feature matches`, (t) => {
      const c = textureCase('ngtdm', column);
      assert.equal(c.settings.force2D, column.endsWith('_2d'));
      const result = assertFeaturesMatch('ngtdm', c, ngtdm.ngtdmFeatures(ngtdm.ngtdmMatrix(caseInput(c), c.settings)));
      t.diagnostic(`${result.matched} features, worst relative error ${result.worstRelative.toExponential(2)}`);
    });
  }

  for (const testCase of IMAGE_CASES) {
    test(`${testCase}: the matrix equals ${testCase}_ngtdm.npy (columns n_i, s_i, i)`, () => {
      const c = textureCase('ngtdm', testCase);
      const m = ngtdm.ngtdmMatrix(caseInput(c), c.settings);
      const columns = [m.counts, m.differences, m.grayLevels];
      assertMatrixMatches(readMatrixBaseline(testCase, 'ngtdm'), m.grayLevels.length, 3, (r, k) => columns[k][r]);
    });
  }
});
