import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { InvalidTableError } from '../../activities/errors';
import { Random } from '../../activities/sources/synthetic/random';
import { enrichmentScore, preRankedGsea } from '../../activities/stats/enrichment/gsea';
import { ssgsea } from '../../activities/stats/enrichment/ssgsea';
import fixture from '../fixtures/r/stats-b-ssgsea.json';

let worst = 0;
after(() => console.log(`# stats-enrichment: worst relative error vs GSVA ${worst.toExponential(2)}`));

function assertScoresClose(actual: Float64Array[], expected: number[][], what: string) {
  assert.equal(actual.length, expected.length, `${what}: number of sets`);
  expected.forEach((row, k) =>
    row.forEach((e, s) => {
      const a = actual[k][s];
      if (e !== 0) worst = Math.max(worst, Math.abs(a - e) / Math.abs(e));
      assert.ok(Math.abs(a - e) <= 1e-6 * Math.abs(e) + 1e-12, `${what}[${k}][${s}]: ${a} vs GSVA ${e}`);
    }),
  );
}

describe('ssGSEA against GSVA::gsva(method = "ssgsea") 1.46', () => {
  const input = { genes: fixture.genes, expression: fixture.expr, geneSets: fixture.sets };
  test('normalized (ssgsea.norm = TRUE), tau = 0.25, with ties and genes missing from the matrix', () => {
    const result = ssgsea(input);
    assert.deepEqual(result.setNames, fixture.set_order, 'set order as GSVA');
    assertScoresClose(result.scores, fixture.ssgsea_norm, 'ssgsea norm');
  });
  test('raw scores (ssgsea.norm = FALSE)', () => {
    assertScoresClose(ssgsea(input, { normalize: false }).scores, fixture.ssgsea_raw, 'ssgsea raw');
  });
  test('tau = 1', () => {
    assertScoresClose(ssgsea(input, { normalize: false, alpha: 1 }).scores, fixture.ssgsea_tau1_raw, 'ssgsea tau 1');
  });
  test('a set with no gene in the matrix is dropped and reported', () => {
    const result = ssgsea({ ...input, geneSets: { ...fixture.sets, nothing: ['NOPE1', 'NOPE2'] } });
    assert.deepEqual(result.droppedSets, ['nothing'], 'dropped set reported');
    assert.deepEqual(result.setNames, fixture.set_order, 'other sets kept');
  });
  test('bad input → InvalidTableError', () => {
    assert.throws(() => ssgsea({ genes: ['a', 'b'], expression: [[1, 2], [NaN, 1]], geneSets: { s: ['a'] } }), (e: unknown) => e instanceof InvalidTableError && /row 1 \("b"\), column 0/.test(e.message), 'NaN cell named');
    assert.throws(() => ssgsea({ genes: ['a', 'a'], expression: [[1, 2], [2, 1]], geneSets: { s: ['a'] } }), (e: unknown) => e instanceof InvalidTableError && /gene "a" appears in rows 0 and 1/.test(e.message), 'duplicate gene named');
    assert.throws(() => ssgsea({ genes: ['a', 'b'], expression: [[1, 2], [2]], geneSets: { s: ['a'] } }), (e: unknown) => e instanceof InvalidTableError && /row 1/.test(e.message), 'ragged row named');
  });
});

/** Reference: the full running sum over every gene, as in Subramanian et al. */
function bruteForceEs(stats: number[], members: Set<number>, p: number): number {
  const order = stats.map((_, i) => i).sort((a, b) => stats[b] - stats[a] || a - b);
  const total = order.filter((g) => members.has(g)).reduce((s, g) => s + Math.abs(stats[g]) ** p, 0);
  const miss = 1 / (stats.length - members.size);
  let running = 0;
  let best = 0;
  for (const g of order) {
    running += members.has(g) ? Math.abs(stats[g]) ** p / total : -miss;
    if (Math.abs(running) > Math.abs(best)) best = running;
  }
  return best;
}

describe('preranked GSEA', () => {
  const rng = new Random(3);
  const n = 2000;
  const genes = Array.from({ length: n }, (_, i) => `G${i}`);
  const stats = genes.map(() => rng.normal());
  const ranked = stats.map((_, i) => i).sort((a, b) => stats[b] - stats[a]);
  const topSet = ranked.slice(0, 200).filter((_, i) => i % 4 === 0).map((g) => genes[g]); // 50 genes among the top 200
  const bottomSet = ranked.slice(-300).filter((_, i) => i % 6 === 0).map((g) => genes[g]);
  const randomSet = rng.sampleIndices(n, 60).map((g) => genes[g]);
  const geneSets = { top: topSet, bottom: bottomSet, random: randomSet };

  test('ES equals the brute-force running sum (p = 1 and p = 0)', () => {
    for (const p of [1, 0]) {
      const results = preRankedGsea({ genes, stats, geneSets }, { weight: p, permutations: 10 });
      for (const r of results) {
        const expected = bruteForceEs(stats, new Set(geneSets[r.name as keyof typeof geneSets].map((g) => genes.indexOf(g))), p);
        assert.ok(Math.abs(r.es - expected) < 1e-12, `${r.name} p=${p}: ES ${r.es} vs brute force ${expected}`);
      }
    }
  });
  test('planted enrichment: top set positive and significant, bottom set negative and significant, random set not', () => {
    const results = Object.fromEntries(preRankedGsea({ genes, stats, geneSets }, { permutations: 2000, seed: 7 }).map((r) => [r.name, r]));
    assert.ok(results.top.es > 0.5 && results.top.nes > 2 && results.top.pValue < 0.005, `top: ${JSON.stringify({ ...results.top, leadingEdge: undefined })}`);
    assert.ok(results.bottom.es < -0.5 && results.bottom.nes < -2 && results.bottom.pValue < 0.005, `bottom: ES ${results.bottom.es} p ${results.bottom.pValue}`);
    assert.ok(results.random.pValue > 0.01, `random set p ${results.random.pValue}`);
    assert.ok(results.top.leadingEdge.length > 0 && results.top.leadingEdge.every((g) => topSet.includes(g)), 'leading edge within the set');
  });
  test('same seed → same p-values and NES; the statistic sign flips ES and NES', () => {
    const a = preRankedGsea({ genes, stats, geneSets }, { permutations: 300, seed: 11 });
    const b = preRankedGsea({ genes, stats, geneSets }, { permutations: 300, seed: 11 });
    assert.deepEqual(a, b, 'reproducible with a seed');
    const flipped = preRankedGsea({ genes, stats: stats.map((s) => -s), geneSets }, { permutations: 300, seed: 11 });
    assert.ok(Math.abs(flipped[0].es + a[0].es) < 0.02, `flipped ES ${flipped[0].es} vs ${a[0].es}`);
    assert.ok(flipped[0].nes < 0, 'flipped NES negative');
  });
  test('null p-values of random sets are roughly uniform', () => {
    const sets = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`r${i}`, rng.sampleIndices(n, 40).map((g) => genes[g])]));
    const ps = preRankedGsea({ genes, stats, geneSets: sets }, { permutations: 200, seed: 5 }).map((r) => r.pValue);
    const below05 = ps.filter((p) => p < 0.05).length / ps.length;
    assert.ok(below05 < 0.12, `share of p < 0.05 among null sets: ${below05}`);
  });
  test('enrichmentScore on an empty miss set edge: a set at the very top has ES 1', () => {
    const weights = Float64Array.from({ length: 10 }, () => 1);
    assert.equal(enrichmentScore(Uint32Array.from([0, 1, 2]), weights, 10).es, 1, 'all hits first → ES = 1');
  });
  test('bad ranked list → InvalidTableError', () => {
    assert.throws(() => preRankedGsea({ genes: ['a', 'b'], stats: [1, NaN], geneSets: {} }), (e: unknown) => e instanceof InvalidTableError && /row 1 \("b"\)/.test(e.message), 'NaN stat');
    assert.throws(() => preRankedGsea({ genes: ['a', 'b'], stats: [1], geneSets: {} }), (e: unknown) => e instanceof InvalidTableError, 'length mismatch');
  });
});
