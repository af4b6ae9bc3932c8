import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { chiSquareTest, fisherExact2x2, mannWhitneyU } from '../../activities/stats/tests';
import { assertClose, assertPValue, fixture, num, report, type Json } from '../support/r-fixture';

after(() => report('stats-tests'));

describe('Mann–Whitney vs R wilcox.test', () => {
  for (const c of fixture.wilcox as Json[]) {
    it(c.name, () => {
      const d = mannWhitneyU(c.x, c.y);
      assertClose(d.statistic, c.statistic, `${c.name} W`);
      assertPValue(d.pValue, c.p_default, `${c.name} p (R default)`);
      assertPValue(mannWhitneyU(c.x, c.y, { exact: false }).pValue, c.p_normal_corrected, `${c.name} p (normal, corrected)`);
      assertPValue(
        mannWhitneyU(c.x, c.y, { exact: false, correct: false }).pValue,
        c.p_normal_uncorrected,
        `${c.name} p (normal, uncorrected)`,
      );
    });
  }
});

describe('Fisher exact vs R fisher.test', () => {
  for (const c of fixture.fisher as Json[]) {
    it(c.name, () => {
      const f = fisherExact2x2(c.table);
      assertPValue(f.pValue, c.p, `${c.name} p`);
      assertClose(f.oddsRatio, num(c.odds_ratio), `${c.name} conditional MLE odds ratio`, 1e-6);
      if (Number.isFinite(f.oddsRatio)) {
        // fisher.test's own estimate comes from uniroot at tolerance 1.2e-4
        assertClose(f.oddsRatio, c.odds_ratio_fisher_test, `${c.name} odds ratio vs fisher.test`, 1e-3);
      }
    });
  }
  it('refuses non-integer cells', () => {
    assert.throws(() => fisherExact2x2([[1.5, 2], [3, 4]]), RangeError, 'non-integer cell');
  });
});

describe('chi-square vs R chisq.test', () => {
  for (const c of fixture.chisq as Json[]) {
    it(c.name, () => {
      const corrected = chiSquareTest(c.table, { correct: true });
      assertClose(corrected.statistic, c.corrected.statistic, `${c.name} X² (correct = TRUE)`);
      assert.equal(corrected.df, c.corrected.df, `${c.name} df`);
      assertPValue(corrected.pValue, c.corrected.p, `${c.name} p (correct = TRUE)`);
      const plain = chiSquareTest(c.table, { correct: false });
      assertClose(plain.statistic, c.uncorrected.statistic, `${c.name} X² (correct = FALSE)`);
      assertPValue(plain.pValue, c.uncorrected.p, `${c.name} p (correct = FALSE)`);
    });
  }
});
