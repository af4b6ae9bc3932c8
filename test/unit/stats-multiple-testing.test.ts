import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { benjaminiHochberg, bonferroni, holm } from '../../activities/stats/multiple-testing';
import { assertClose, fixture, num, report } from '../support/r-fixture';

describe('p.adjust', () => {
  after(() => report('stats-multiple-testing'));
  const p = (fixture.p_adjust.p as unknown[]).map(num);
  const methods = { BH: benjaminiHochberg, bonferroni, holm } as const;
  for (const [name, adjust] of Object.entries(methods)) {
    it(`${name} equals R, NA kept as NaN`, () => {
      const adjusted = adjust(p);
      (fixture.p_adjust[name] as unknown[]).forEach((expected, i) => assertClose(adjusted[i], expected, `${name}[${i}]`, 1e-12));
    });
  }
  it('BH of an empty list is empty', () => {
    assert.equal(benjaminiHochberg([]).length, 0, 'empty input');
  });
});
