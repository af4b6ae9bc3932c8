import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { pearson, spearman } from '../../activities/stats/correlation';
import {
  closeCorrelationWorkers,
  correlationPValues,
  correlationPValuesParallel,
  multiplyTransposed,
  pearsonMatrix,
  pearsonMatrixParallel,
  rankRows,
  spearmanMatrix,
  spearmanMatrixParallel,
  type RowMatrix,
} from '../../activities/stats/correlation-matrix';
import { correlationTwoSidedPValue, studentTSf } from '../../activities/stats/distributions';
import { benjaminiHochberg } from '../../activities/stats/multiple-testing';
import { averageRanks } from '../../activities/stats/ranks';
import { Random } from '../../activities/sources/synthetic/random';

const rng = new Random(11);
/** rows × n values; `step` > 0 rounds them to a grid (ties). */
function make(rows: number, n: number, step = 0): RowMatrix {
  const values = Float64Array.from({ length: rows * n }, () => (step > 0 ? Math.round(rng.normal() / step) * step : rng.normal()));
  return { rows, columns: n, values };
}
const rowOf = (m: RowMatrix, i: number) => m.values.subarray(i * m.columns, (i + 1) * m.columns);
const identical = (x: Float64Array, y: Float64Array) => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));

describe('correlation matrix: threads, SIMD path, ranks', () => {
  after(() => closeCorrelationWorkers());

  it('threaded Spearman and Pearson are bit-identical to the single-threaded ones (ragged edges, ties, a constant row)', async () => {
    const a = make(9, 61, 0.25);
    const b = make(203, 61);
    b.values.fill(3, 5 * 61, 6 * 61); // constant row: NaN correlations
    const s1 = spearmanMatrix(a, b);
    const s2 = await spearmanMatrixParallel(a, b, { threads: 2, minWork: 0 });
    assert.ok(s2.buffer instanceof SharedArrayBuffer, 'threaded result in shared memory');
    assert.ok(identical(s1, s2), 'spearman: threaded = single-threaded');
    const p1 = pearsonMatrix(a, b);
    const p2 = await pearsonMatrixParallel(a, b, { threads: 2, minWork: 0 });
    assert.ok(identical(p1, p2), 'pearson: threaded = single-threaded');
    for (let i = 0; i < a.rows; i++) {
      assert.ok(Number.isNaN(s1[i * b.rows + 5]), 'constant row gives NaN');
      for (let j = 0; j < b.rows; j++) {
        if (j === 5) continue;
        const k = i * b.rows + j;
        assert.ok(Math.abs(s1[k] - spearman(rowOf(a, i), rowOf(b, j))) < 1e-14, `spearman ${i},${j}`);
        assert.ok(Math.abs(p1[k] - pearson(rowOf(a, i), rowOf(b, j))) < 1e-14, `pearson ${i},${j}`);
      }
    }
  });

  it('Spearman beyond the SIMD limit (double kernel) equals pairwise spearman', () => {
    const a = make(3, 1900, 0.5);
    const b = make(6, 1900);
    const s = spearmanMatrix(a, b);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 6; j++) assert.ok(Math.abs(s[i * 6 + j] - spearman(rowOf(a, i), rowOf(b, j))) < 1e-14, `${i},${j}`);
  });

  it('multiplyTransposed equals plain dot products (ragged sizes)', () => {
    const a = make(5, 7);
    const b = make(6, 7);
    const c = multiplyTransposed(a, b);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 6; j++) {
        let d = 0;
        for (let p = 0; p < 7; p++) d += a.values[i * 7 + p] * b.values[j * 7 + p];
        assert.ok(Math.abs(c[i * 6 + j] - d) < 1e-14, `${i},${j}`);
      }
    }
  });

  it('rankRows equals averageRanks (ties, ±0) and a NaN makes its row NaN', () => {
    const m: RowMatrix = { rows: 3, columns: 7, values: Float64Array.from([3, 1, 2, 2, -0, 0, 5, 4, 4, 4, 1, 9, 9, 2, 1, NaN, 2, 3, 4, 5, 6]) };
    const ranks = rankRows(m);
    for (let r = 0; r < 2; r++) assert.deepEqual(Array.from(rowOf(ranks, r)), Array.from(averageRanks(rowOf(m, r))), `row ${r}`);
    assert.ok(rowOf(ranks, 2).every(Number.isNaN), 'row with NaN');
  });

  it('p-values: the hoisted function and the threaded version equal the t formula', async () => {
    const n = 40;
    const r = new Float64Array(new SharedArrayBuffer(8 * 5003));
    for (let i = 0; i < r.length; i++) r[i] = Math.tanh(rng.normal()) * (i % 7 === 0 ? 1 : 0.2);
    r[0] = 0;
    r[1] = 1;
    r[2] = -1;
    r[3] = NaN;
    const sync = correlationPValues(r, n);
    const threaded = await correlationPValuesParallel(r, n, { threads: 2, minWork: 0 });
    assert.ok(identical(sync, threaded), 'threaded = single-threaded');
    assert.equal(sync[0], 1);
    assert.equal(sync[1], 0);
    assert.equal(sync[2], 0);
    assert.ok(Number.isNaN(sync[3]));
    for (let i = 4; i < r.length; i++) {
      const s = Math.abs(r[i]);
      const expected = Math.min(1, 2 * studentTSf((Math.sqrt(n - 2) * s) / Math.sqrt((1 - s) * (1 + s)), n - 2));
      assert.ok(Math.abs(sync[i] - expected) <= 1e-11 * expected, `p(${r[i]}) = ${sync[i]} vs ${expected}`);
    }
    for (const m of [3, 4, 10, 1000, 100000]) {
      const f = correlationTwoSidedPValue(m);
      for (const x of [1e-9, 0.001, 0.01, 0.05, 0.3, 0.7, 0.99]) {
        const expected = Math.min(1, 2 * studentTSf((Math.sqrt(m - 2) * x) / Math.sqrt((1 - x) * (1 + x)), m - 2));
        assert.ok(Math.abs(f(x) - expected) <= 1e-9 * expected, `n ${m}, r ${x}: ${f(x)} vs ${expected}`);
      }
    }
  });
});

describe('Benjamini–Hochberg (bucket sort)', () => {
  /** Reference: R's p.adjust("BH") written out with a comparison sort. */
  function reference(p: ArrayLike<number>): Float64Array {
    const present: number[] = [];
    for (let i = 0; i < p.length; i++) if (!Number.isNaN(p[i])) present.push(i);
    const n = present.length;
    const o = [...present].sort((x, y) => p[y] - p[x] || y - x); // decreasing
    const out = new Float64Array(p.length).fill(NaN);
    let running = Infinity;
    o.forEach((idx, k) => {
      running = Math.min(running, (n / (n - k)) * p[idx]);
      out[idx] = Math.min(1, running);
    });
    return out;
  }

  it('equals the reference on ties, NaN, 0, 1, > 1, crowded tiny values; in place too', () => {
    const p = new Float64Array(60000);
    for (let i = 0; i < p.length; i++) {
      const u = rng.uniform();
      p[i] = i % 11 === 0 ? Math.round(u * 20) / 20 : i % 13 === 0 ? u * 1e-12 : i % 17 === 0 ? NaN : i % 19 === 0 ? 1 : i % 23 === 0 ? 0 : u;
    }
    p[5] = 1.5;
    p[6] = Infinity;
    const expected = reference(p);
    const q = benjaminiHochberg(p);
    assert.ok(identical(q, expected), 'BH equals the reference');
    const inPlace = p.slice();
    assert.equal(benjaminiHochberg(inPlace, inPlace), inPlace);
    assert.ok(identical(inPlace, expected), 'in place');
    const all = new Float64Array(5000).fill(0.3);
    assert.ok(identical(benjaminiHochberg(all), reference(all)), 'all tied');
    const negative = Float64Array.from([0.2, -0.1, NaN, 0.5]);
    assert.ok(identical(benjaminiHochberg(negative), reference(negative)), 'negative values (order path)');
  });
});
