import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { aucDeLong, delongPairedTest, rocAuc, rocCurve } from '../../activities/stats/roc';
import { assertClose, assertPValue, fixture, num, report, type Json } from '../support/r-fixture';

describe('ROC / DeLong vs pROC', () => {
  after(() => report('stats-roc'));
  for (const c of fixture.roc as Json[]) {
    it(c.name, () => {
      const a = aucDeLong(c.scores1, c.labels);
      assertClose(a.auc, c.auc1, `${c.name} auc`);
      assertClose(rocAuc(c.scores2, c.labels), c.auc2, `${c.name} auc of the second score`);
      assertClose(a.variance, c.var1, `${c.name} DeLong variance`);
      assertClose(a.confidenceInterval[0], c.ci1[0], `${c.name} CI low`);
      assertClose(a.confidenceInterval[1], c.ci1[1], `${c.name} CI high`);
      const t = delongPairedTest(c.scores1, c.scores2, c.labels);
      assertClose(t.z, c.z, `${c.name} paired z`);
      assertPValue(t.pValue, c.p, `${c.name} paired p`);
      const curve = rocCurve(c.scores1, c.labels);
      const thresholds = (c.thresholds as unknown[]).map((v, i, all) => (v === null ? (i === 0 ? -Infinity : Infinity) : num(v)));
      assert.equal(curve.thresholds.length, thresholds.length, `${c.name} threshold count`);
      curve.thresholds.forEach((t, i) => assertClose(t, thresholds[i], `${c.name} threshold ${i}`));
      curve.sensitivities.forEach((s, i) => assertClose(s, c.sensitivities[i], `${c.name} sensitivity ${i}`, 1e-12, 1e-15));
      curve.specificities.forEach((s, i) => assertClose(s, c.specificities[i], `${c.name} specificity ${i}`, 1e-12, 1e-15));
    });
  }
  it('refuses labels other than 0/1', () => {
    assert.throws(() => rocAuc([1, 2, 3], [0, 1, 2]), RangeError, 'label 2');
  });
});
