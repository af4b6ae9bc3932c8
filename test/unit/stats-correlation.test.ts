import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { kendall, kendallTest, pearson, pearsonTest, spearman, spearmanTest } from '../../activities/stats/correlation';
import { averageRanks } from '../../activities/stats/ranks';
import { assertClose, assertPValue, fixture, report, type Json } from '../support/r-fixture';

describe('correlation vs R cor.test', () => {
  after(() => report('stats-correlation'));

  for (const c of fixture.correlation as Json[]) {
    it(c.name, () => {
      const p = pearsonTest(c.x, c.y);
      assertClose(p.estimate, c.pearson.estimate, `${c.name} pearson r`);
      assertClose(p.statistic, c.pearson.statistic, `${c.name} pearson t`);
      assertPValue(p.pValue, c.pearson.p, `${c.name} pearson p`);
      assertClose(p.confidenceInterval![0], c.pearson.ci[0], `${c.name} pearson CI low`);
      assertClose(p.confidenceInterval![1], c.pearson.ci[1], `${c.name} pearson CI high`);

      const s = spearmanTest(c.x, c.y);
      assertClose(s.estimate, c.spearman.estimate, `${c.name} spearman rho`);
      assertClose(s.statistic, c.spearman.statistic, `${c.name} spearman S`);
      assertPValue(s.pValue, c.spearman.p, `${c.name} spearman p (R default)`);
      const sa = spearmanTest(c.x, c.y, { exact: false });
      assertPValue(sa.pValue, c.spearman_asymptotic.p, `${c.name} spearman p (exact = FALSE)`);

      const k = kendallTest(c.x, c.y);
      assertClose(k.estimate, c.kendall.estimate, `${c.name} kendall tau-b`);
      assertClose(k.statistic, c.kendall.statistic, `${c.name} kendall statistic (R default)`);
      assertPValue(k.pValue, c.kendall.p, `${c.name} kendall p (R default)`);
      const ka = kendallTest(c.x, c.y, { exact: false });
      assertClose(ka.statistic, c.kendall_asymptotic.statistic, `${c.name} kendall z`);
      assertPValue(ka.pValue, c.kendall_asymptotic.p, `${c.name} kendall p (exact = FALSE)`);
    });
  }
});

describe('correlation basics', () => {
  it('average ranks share tied positions', () => {
    assert.deepEqual(Array.from(averageRanks([10, 20, 10, 30, 20, 20])), [1.5, 4, 1.5, 6, 4, 4], 'ranks with ties');
  });
  it('perfect monotone relations give ±1', () => {
    const x = [1, 2, 3, 4, 5];
    const y = [1, 4, 9, 16, 25];
    assert.equal(spearman(x, y), 1, 'spearman of a monotone relation');
    assert.equal(kendall(x, y), 1, 'kendall of a monotone relation');
    assert.ok(Math.abs(pearson(x, [-2, -4, -6, -8, -10]) + 1) < 1e-15, 'pearson of a negative line');
  });
  it('refuses unpaired data', () => {
    assert.throws(() => pearsonTest([1, 2, 3], [1, 2]), RangeError, 'different lengths');
  });
});

describe('correlation matrix (blocked product)', () => {
  it('equals pairwise spearman / pearson and their t p-values, incl. ragged tile edges', async () => {
    const { spearmanMatrix, pearsonMatrix, correlationPValues } = await import('../../activities/stats/correlation-matrix');
    const { Random } = await import('../../activities/sources/synthetic/random');
    const rng = new Random(5);
    const n = 37;
    const make = (rows: number) => ({ rows, columns: n, values: Float64Array.from({ length: rows * n }, () => Math.round(rng.normal() * 4) / 4) });
    const a = make(7);
    const b = make(133);
    const rowOf = (m: { columns: number; values: Float64Array }, i: number) => m.values.subarray(i * n, (i + 1) * n);
    const s = spearmanMatrix(a, b);
    const p = pearsonMatrix(a, b);
    const pv = correlationPValues(s, n);
    for (let i = 0; i < a.rows; i++) {
      for (let j = 0; j < b.rows; j++) {
        const k = i * b.rows + j;
        assert.ok(Math.abs(s[k] - spearman(rowOf(a, i), rowOf(b, j))) < 1e-13, `spearman ${i},${j}`);
        assert.ok(Math.abs(p[k] - pearson(rowOf(a, i), rowOf(b, j))) < 1e-13, `pearson ${i},${j}`);
        const expected = spearmanTest(rowOf(a, i), rowOf(b, j), { exact: false }).pValue;
        assert.ok(Math.abs(pv[k] - expected) <= 1e-10 * expected + 1e-15, `p ${i},${j}`);
      }
    }
  });
});
