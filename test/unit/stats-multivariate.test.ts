import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { InvalidTableError } from '../../activities/errors';
import { Random } from '../../activities/sources/synthetic/random';
import { cutree, euclideanDistances, hclust, type Linkage } from '../../activities/stats/multivariate/hclust';
import { kmeans } from '../../activities/stats/multivariate/kmeans';
import { pca } from '../../activities/stats/multivariate/pca';
import { affinityMatrix, snf, squaredDistances, standardNormalization } from '../../activities/stats/multivariate/snf';
import fixture from '../fixtures/r/stats-b-multivariate.json';

let worst = 0;
after(() => console.log(`# stats-multivariate: worst relative error vs R ${worst.toExponential(2)}`));

function assertClose(actual: readonly number[], expected: readonly number[], what: string) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  expected.forEach((e, i) => {
    const a = actual[i];
    if (Math.abs(e) > 1e-9) worst = Math.max(worst, Math.abs(a - e) / Math.abs(e));
    assert.ok(Math.abs(a - e) <= 1e-6 * Math.abs(e) + 1e-9, `${what}[${i}]: ${a} vs R ${e}`);
  });
}

describe('PCA against prcomp (USArrests)', () => {
  for (const [what, scale, r] of [
    ['scaled', true, fixture.prcomp_scaled],
    ['centered only', false, fixture.prcomp_centered],
  ] as const) {
    test(`${what}: sdev, and rotation and scores up to each component's sign`, () => {
      const result = pca(fixture.usarrests, { scale });
      assertClose(result.sdev, r.sdev, 'sdev');
      for (let c = 0; c < r.sdev.length; c++) {
        const ours = result.rotation.map((row) => row[c]);
        const theirs = r.rotation.map((row) => row[c]);
        const sign = Math.sign(ours[0]) === Math.sign(theirs[0]) ? 1 : -1;
        assertClose(ours.map((v) => sign * v), theirs, `rotation PC${c + 1}`);
        assertClose(result.x.map((row) => sign * row[c]), r.x.map((row) => row[c]), `scores PC${c + 1}`);
        const pivot = ours.reduce((best, v, j) => (Math.abs(v) > Math.abs(ours[best]) ? j : best), 0);
        assert.ok(ours[pivot] > 0, `PC${c + 1}: largest loading is positive (our sign convention)`);
      }
      assert.ok(Math.abs(result.varianceExplained.reduce((s, v) => s + v, 0) - 1) < 1e-12, 'variance shares sum to 1');
    });
  }
  test('constant column with scale → InvalidTableError', () => {
    assert.throws(() => pca([[1, 2], [1, 3], [1, 5]], { scale: true }), (e: unknown) => e instanceof InvalidTableError && /column 0 is constant/.test(e.message), 'constant column named');
  });
});

describe('k-means (Lloyd) against kmeans(iris, centers, algorithm = "Lloyd")', () => {
  for (const [what, starts, r] of [
    ['k = 3', fixture.kmeans_start3, fixture.kmeans_lloyd3],
    ['k = 4', fixture.kmeans_start4, fixture.kmeans_lloyd4],
  ] as const) {
    test(what, () => {
      const result = kmeans(fixture.iris, { centers: starts.map((i) => fixture.iris[i - 1]), maxIter: 100 });
      assert.deepEqual(result.cluster, r.cluster, 'cluster assignment');
      assert.deepEqual(result.size, r.size, 'sizes');
      assert.equal(result.iter, r.iter, 'iterations');
      assertClose(result.centers.flat(), r.centers.flat(), 'centers');
      assertClose(result.withinss, r.withinss, 'withinss');
      assertClose([result.totWithinss, result.betweenss, result.totss], [r.tot_withinss, r.betweenss, r.totss], 'SS');
    });
  }
  test('seeded k-means++ is reproducible and finds planted clusters', () => {
    const rng = new Random(4);
    const truth: number[] = [];
    const points = Array.from({ length: 90 }, (_, i) => {
      const c = i % 3;
      truth.push(c);
      return [c * 10 + rng.normal(), (c === 1 ? 10 : 0) + rng.normal()];
    });
    const a = kmeans(points, { k: 3, seed: 9, nStart: 5 });
    assert.deepEqual(kmeans(points, { k: 3, seed: 9, nStart: 5 }), a, 'same seed, same result');
    const mapping = new Map<number, number>();
    truth.forEach((t, i) => mapping.set(t, a.cluster[i]));
    assert.equal(new Set(mapping.values()).size, 3, 'three distinct clusters');
    assert.ok(truth.every((t, i) => mapping.get(t) === a.cluster[i]), 'planted clusters recovered exactly');
  });
});

describe('hclust against R (merge, height, order, cutree)', () => {
  const linkages: Linkage[] = ['complete', 'average', 'single', 'ward.D2'];
  for (const [data, r, label] of [
    [fixture.hclust_points, fixture.hclust_random, 'seeded 25 × 3'],
    [standardNormalization(fixture.usarrests), fixture.hclust_usarrests, 'USArrests, scaled'],
  ] as const) {
    for (const method of linkages) {
      test(`${label}, ${method}`, () => {
        const tree = hclust(euclideanDistances(data), method);
        const expected = r[method];
        assert.deepEqual(tree.merge, expected.merge, 'merge matrix');
        assertClose(tree.height, expected.height, 'heights');
        assert.deepEqual(tree.order, expected.order, 'leaf order');
        assert.deepEqual(cutree(tree, 3), expected.cutree3, 'cutree k = 3');
        assert.deepEqual(cutree(tree, 5), expected.cutree5, 'cutree k = 5');
      });
    }
  }
  test('non-square distances → InvalidTableError', () => {
    assert.throws(() => hclust([[0, 1, 2], [1, 0, 3]]), (e: unknown) => e instanceof InvalidTableError, 'non-square rejected');
  });
});

describe('similarity network fusion', () => {
  test('affinityMatrix: one entry checked by hand', () => {
    const points = [[0, 0], [1, 0], [0, 2], [3, 3]];
    const d = squaredDistances(points); // 0 1 4 18 / 1 0 5 13 / 4 5 0 10 / 18 13 10 0
    assert.deepEqual(d[0], [0, 1, 4, 18], 'squared distances');
    const w = affinityMatrix(d, 2, 0.5);
    // μ_0 = (1 + 4)/2 = 2.5, μ_1 = (1 + 5)/2 = 3; ε_01 = (2.5 + 3)/3 + 1/3 = 2.1666…; σ = 0.5 ε
    const eps01 = (2.5 + 3) / 3 + 1 / 3;
    const sd = 0.5 * eps01;
    const expected = Math.exp(-1 / (2 * sd * sd)) / (sd * Math.sqrt(2 * Math.PI));
    assert.ok(Math.abs(w[0][1] - expected) < 1e-12 * expected, `W[0][1] ${w[0][1]} vs hand ${expected}`);
    assert.equal(w[0][1], w[1][0], 'symmetric');
  });
  test('fusion of two noisy views: symmetric, diagonal ½, neighbours purer than in either view', () => {
    const rng = new Random(21);
    const n = 60;
    const cluster = Array.from({ length: n }, (_, i) => i % 3);
    const centers = [[0, 0], [2.5, 0], [0, 2.5]];
    const view = () => cluster.map((c) => [centers[c][0] + rng.normal(), centers[c][1] + rng.normal()]);
    const affinities = [view(), view()].map((v) => affinityMatrix(squaredDistances(standardNormalization(v)), 10, 0.5));
    const fused = snf(affinities, { K: 10, t: 20 });
    let offDiagonal = 0;
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(fused[i][i] - 0.5) < 1e-12, `diagonal ${fused[i][i]}`);
      for (let j = 0; j < n; j++) assert.ok(Math.abs(fused[i][j] - fused[j][i]) < 1e-15, 'fused network symmetric');
      offDiagonal += fused[i].reduce((s, v, j) => (j === i ? s : s + v), 0);
    }
    // Each normalized row has off-diagonal sum ½; symmetrizing keeps the total.
    assert.ok(Math.abs(offDiagonal - n / 2) < 1e-9, `off-diagonal total ${offDiagonal} is n/2`);
    // Share of each node's 5 most similar nodes that come from its planted cluster.
    const purity = (w: number[][]) =>
      w.reduce((s, row, i) => s + row.map((v, j) => [v, j]).filter(([, j]) => j !== i).sort((a, b) => b[0] - a[0]).slice(0, 5).filter(([, j]) => cluster[j] === cluster[i]).length / 5, 0) / n;
    const [p1, p2, pf] = [purity(affinities[0]), purity(affinities[1]), purity(fused)];
    assert.ok(pf >= Math.max(p1, p2), `fused purity ${pf} vs views ${p1}, ${p2}`);
  });
  test('bad input → typed errors', () => {
    assert.throws(() => snf([[[1]]]), (e: unknown) => e instanceof InvalidTableError, 'one view rejected');
    assert.throws(() => squaredDistances([[1, 2], [3]]), (e: unknown) => e instanceof InvalidTableError && /row 1 has 1 columns/.test(e.message), 'ragged rows');
  });
});
