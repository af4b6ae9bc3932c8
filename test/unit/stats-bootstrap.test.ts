import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrapCi, quantileType7 } from '../../activities/stats/bootstrap';
import { Random } from '../../activities/sources/synthetic/random';

const rng = new Random(7);
const sample = Float64Array.from({ length: 80 }, () => rng.normal(10, 2));
const meanOf = (indices: Uint32Array) => {
  let s = 0;
  for (const i of indices) s += sample[i];
  return s / indices.length;
};

describe('bootstrap confidence intervals', () => {
  it('type-7 quantiles equal R quantile()', () => {
    // quantile(c(1, 2, 4, 7, 11), c(0.1, 0.5, 0.95)) = 1.4, 4, 10.2
    const sorted = Float64Array.from([1, 2, 4, 7, 11]);
    assert.ok(Math.abs(quantileType7(sorted, 0.1) - 1.4) < 1e-12, 'q10');
    assert.equal(quantileType7(sorted, 0.5), 4, 'median');
    assert.ok(Math.abs(quantileType7(sorted, 0.95) - 10.2) < 1e-12, 'q95');
  });

  it('the same seed gives the same interval; another seed another one', () => {
    const a = bootstrapCi(sample.length, meanOf, { seed: 3, replicates: 500 });
    const b = bootstrapCi(sample.length, meanOf, { seed: 3, replicates: 500 });
    const c = bootstrapCi(sample.length, meanOf, { seed: 4, replicates: 500 });
    assert.deepEqual(a, b, 'same seed');
    assert.notEqual(a.lower, c.lower, 'different seed');
  });

  it('percentile and BCa intervals of a mean agree with the normal-theory interval', () => {
    const n = sample.length;
    const mean = meanOf(Uint32Array.from({ length: n }, (_, i) => i));
    let ss = 0;
    for (const v of sample) ss += (v - mean) ** 2;
    const se = Math.sqrt(ss / (n - 1) / n);
    for (const method of ['percentile', 'bca'] as const) {
      const ci = bootstrapCi(n, meanOf, { seed: 11, replicates: 4000, method });
      assert.equal(ci.estimate, mean, `${method} estimate`);
      assert.ok(ci.lower < mean && mean < ci.upper, `${method} interval contains the estimate`);
      assert.ok(Math.abs(ci.lower - (mean - 1.96 * se)) < 0.25 * se, `${method} lower ${ci.lower} vs ${mean - 1.96 * se}`);
      assert.ok(Math.abs(ci.upper - (mean + 1.96 * se)) < 0.25 * se, `${method} upper ${ci.upper} vs ${mean + 1.96 * se}`);
      assert.ok(Math.abs(ci.standardError - se) < 0.1 * se, `${method} bootstrap SE ${ci.standardError} vs ${se}`);
    }
  });

  it('BCa shifts the interval of a skewed statistic (variance) upwards relative to percentile', () => {
    const varianceOf = (indices: Uint32Array) => {
      const m = meanOf(indices);
      let s = 0;
      for (const i of indices) s += (sample[i] - m) ** 2;
      return s / (indices.length - 1);
    };
    const p = bootstrapCi(sample.length, varianceOf, { seed: 5, replicates: 4000, method: 'percentile' });
    const b = bootstrapCi(sample.length, varianceOf, { seed: 5, replicates: 4000, method: 'bca' });
    assert.ok(b.upper > p.upper, `BCa upper ${b.upper} above percentile upper ${p.upper}`);
  });
});
