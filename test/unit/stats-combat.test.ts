import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { InvalidTableError } from '../../activities/errors';
import { generateConsortium } from '../../activities/sources/synthetic/consortium';
import { Random } from '../../activities/sources/synthetic/random';
import { applyCombat, combat, fitCombat } from '../../activities/stats/harmonize/combat';
import fixture from '../fixtures/r/stats-b-combat.json';

let worst = 0;
after(() => console.log(`# stats-combat: worst relative error vs sva::ComBat ${worst.toExponential(2)}`));

function assertMatrixClose(actual: number[][], expected: number[][], what: string, columns?: number[]) {
  assert.equal(actual.length, expected.length, `${what}: rows`);
  expected.forEach((row, g) => {
    (columns ?? row.map((_, j) => j)).forEach((j) => {
      const a = actual[g][j];
      const e = row[j];
      const rel = Math.abs(a - e) / Math.max(Math.abs(e), 1e-300);
      if (e !== 0) worst = Math.max(worst, rel);
      assert.ok(Math.abs(a - e) <= 1e-6 * Math.abs(e) + 1e-12, `${what}[${g}][${j}]: ${a} vs R ${e}`);
    });
  });
}

const covariates = { group: fixture.group, age: fixture.age };
const input = { data: fixture.data, batch: fixture.batch, covariates };

describe('ComBat against sva::ComBat (parametric priors)', () => {
  test('batch + covariates (group, age); a gene constant within one batch stays unadjusted', () => {
    const { adjusted, model } = combat(input);
    assertMatrixClose(adjusted, fixture.combat, 'ComBat');
    assert.deepEqual(model.unadjustedFeatures, [4], 'gene 5 (constant in batch B) is left alone, as sva does');
    assert.deepEqual(model.covariateNames, ['group', 'age'], 'covariates kept in the design');
  });
  test('mean.only = TRUE', () => {
    assertMatrixClose(combat(input, { meanOnly: true }).adjusted, fixture.combat_mean_only, 'ComBat mean-only');
  });
  test('no covariates', () => {
    assertMatrixClose(combat({ data: fixture.data, batch: fixture.batch }).adjusted, fixture.combat_no_covariates, 'ComBat without mod');
  });
  test('an intercept column is dropped as in model.matrix', () => {
    const withIntercept = { ...input, covariates: { intercept: fixture.batch.map(() => 1), ...covariates } };
    assertMatrixClose(combat(withIntercept).adjusted, fixture.combat, 'ComBat with intercept');
  });
});

describe('fitted model on new data', () => {
  const model = fitCombat(input);
  const columnsOf = (b: string) => fixture.batch.flatMap((x, j) => (x === b ? [j] : []));
  const subset = (columns: number[], rename?: string) => ({
    data: fixture.data.map((row) => columns.map((j) => row[j])),
    batch: columns.map((j) => rename ?? fixture.batch[j]),
    covariates: { group: columns.map((j) => fixture.group[j]), age: columns.map((j) => fixture.age[j]) },
  });
  test('a training batch, applied alone, gets exactly its ComBat adjustment', () => {
    const columns = columnsOf('C');
    const adjusted = applyCombat(model, subset(columns));
    assertMatrixClose(adjusted, fixture.combat.map((row) => columns.map((j) => row[j])), 'batch C alone');
  });
  test('an unseen batch is estimated as ComBat estimates every batch: batch B renamed reproduces its ComBat output', () => {
    const columns = columnsOf('B');
    const adjusted = applyCombat(model, subset(columns, 'B-new'));
    assertMatrixClose(adjusted, fixture.combat.map((row) => columns.map((j) => row[j])), 'batch B as a new center');
  });
  test('the model is plain JSON (can be stored with a run and reloaded)', () => {
    const reloaded = JSON.parse(JSON.stringify(model, (_k, v) => (typeof v === 'number' && Number.isNaN(v) ? null : v)));
    const columns = columnsOf('A');
    assertMatrixClose(applyCombat(reloaded, subset(columns)), fixture.combat.map((row) => columns.map((j) => row[j])), 'reloaded model');
  });
});

/**
 * The synthetic consortium's centers, as omics: log2 CPM of its planted expression (the module
 * genes load on the latent score z) plus a planted center effect per gene — an additive shift
 * proportional to the center's planted intensity shift and extra noise proportional to its noise
 * level. ComBat with z as covariate must remove the center effect and keep z's effect.
 */
describe('ComBat removes the planted center effects of the synthetic consortium', () => {
  const consortium = generateConsortium({ centers: 4, patientsPerCenter: 40, size: [8, 8, 8], seed: 5 });
  const { counts, genes } = consortium.expression;
  const libraries = counts[0].map((_, s) => counts.reduce((sum, row) => sum + row[s], 0));
  const clean = counts.map((row) => row.map((c, s) => Math.log2((c / libraries[s]) * 1e6 + 1)));
  const patients = consortium.truth.patients;
  const centerIndex = patients.map((p) => consortium.centers.findIndex((c) => c.centerId === p.centerId));
  const z = patients.map((p) => p.moduleScore);
  const rng = new Random(99);
  const sensitivity = genes.map(() => rng.uniform(0.5, 1.5));
  const shifted = clean.map((row, g) =>
    row.map((v, s) => {
      const center = consortium.centers[centerIndex[s]];
      return v + (center.intensityShiftHu / 10) * sensitivity[g] + rng.normal(0, center.noiseSdHu / 40);
    }),
  );
  const batch = patients.map((p) => p.centerId);
  const { adjusted } = combat({ data: shifted, batch, covariates: { moduleScore: z } });

  const centerMeans = (values: number[]) =>
    consortium.centers.map((_, c) => {
      const xs = values.filter((_, s) => centerIndex[s] === c);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    });
  const variance = (xs: number[]) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
  };
  const slope = (y: number[]) => {
    const mz = z.reduce((a, b) => a + b, 0) / z.length;
    const my = y.reduce((a, b) => a + b, 0) / y.length;
    let num = 0;
    let den = 0;
    z.forEach((zi, i) => {
      num += (zi - mz) * (y[i] - my);
      den += (zi - mz) ** 2;
    });
    return num / den;
  };
  const moduleGenes = consortium.truth.expressionModule.genes.map((name) => genes.indexOf(name));
  const otherGenes = genes.map((_, g) => g).filter((g) => !moduleGenes.includes(g));

  test('between-center variance of the planted center effect drops by ≥ 90 % (summed over genes)', () => {
    const effect = (m: number[][]) => m.reduce((sum, row, g) => sum + variance(centerMeans(row.map((v, s) => v - clean[g][s]))), 0);
    const before = effect(shifted);
    const afterCombat = effect(adjusted);
    console.log(`# center-effect variance: before ${before.toFixed(3)}, after ${afterCombat.toFixed(5)} (drop ${(100 * (1 - afterCombat / before)).toFixed(2)} %)`);
    assert.ok(afterCombat <= 0.1 * before, `center-effect variance ${afterCombat} is not ≤ 10 % of ${before}`);
  });
  test('between-center variance of each non-module feature drops by ≥ 90 %', () => {
    let worstRatio = 0;
    for (const g of otherGenes) worstRatio = Math.max(worstRatio, variance(centerMeans(adjusted[g])) / variance(centerMeans(shifted[g])));
    console.log(`# worst per-feature between-center variance ratio after/before: ${worstRatio.toFixed(4)}`);
    assert.ok(worstRatio <= 0.1, `some feature keeps ${(100 * worstRatio).toFixed(1)} % of its between-center variance`);
  });
  test('the planted module-score effect (regression slope on z) changes by ≤ 5 %', () => {
    // Module score feature: the sign-aligned mean of the module genes.
    const loadings = consortium.truth.expressionModule.loadings;
    const moduleFeature = (m: number[][]) =>
      z.map((_, s) => moduleGenes.reduce((sum, g) => sum + Math.sign(loadings[genes[g]]) * m[g][s], 0) / moduleGenes.length);
    const cleanSlope = slope(moduleFeature(clean));
    const adjustedSlope = slope(moduleFeature(adjusted));
    const shiftedSlope = slope(moduleFeature(shifted));
    const change = Math.abs(adjustedSlope / cleanSlope - 1);
    console.log(`# module-score slope: clean ${cleanSlope.toFixed(4)}, with center effects ${shiftedSlope.toFixed(4)}, after ComBat ${adjustedSlope.toFixed(4)} (change ${(100 * change).toFixed(2)} %)`);
    assert.ok(cleanSlope > 0.3, `the planted effect is visible in the clean data (slope ${cleanSlope})`);
    assert.ok(change <= 0.05, `slope changed by ${(100 * change).toFixed(2)} %`);
  });
  test('fitted on three centers, applied to the fourth (unseen) center: its center effect is removed too', () => {
    const training = batch.map((b, s) => (b !== 'C04' ? s : -1)).filter((s) => s >= 0);
    const heldOut = batch.map((b, s) => (b === 'C04' ? s : -1)).filter((s) => s >= 0);
    const pick = (m: number[][], cols: number[]) => m.map((row) => cols.map((s) => row[s]));
    const model = fitCombat({ data: pick(shifted, training), batch: training.map((s) => batch[s]), covariates: { moduleScore: training.map((s) => z[s]) } });
    const trainAdjusted = applyCombat(model, { data: pick(shifted, training), batch: training.map((s) => batch[s]), covariates: { moduleScore: training.map((s) => z[s]) } });
    const newAdjusted = applyCombat(model, { data: pick(shifted, heldOut), batch: heldOut.map(() => 'C04'), covariates: { moduleScore: heldOut.map((s) => z[s]) } });
    // Center effect of C04 relative to the training centers: mean over genes of (offset of C04's mean effect)².
    const offset = (m: number[][], cols: number[], g: number) => cols.reduce((sum, s, k) => sum + m[g][k] - clean[g][s], 0) / cols.length;
    let before = 0;
    let afterApply = 0;
    for (let g = 0; g < genes.length; g++) {
      before += (offset(pick(shifted, heldOut), heldOut, g) - offset(pick(shifted, training), training, g)) ** 2;
      afterApply += (offset(newAdjusted, heldOut, g) - offset(trainAdjusted, training, g)) ** 2;
    }
    console.log(`# held-out center: squared offset before ${before.toFixed(3)}, after ${afterApply.toFixed(5)}`);
    assert.ok(afterApply <= 0.1 * before, `held-out center offset ${afterApply} is not ≤ 10 % of ${before}`);
  });
});

describe('bad ComBat input → InvalidTableError naming the problem', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['a batch with one sample', () => combat({ data: [[1, 2, 3, 4], [2, 3, 1, 5]], batch: ['a', 'a', 'a', 'b'] }), /batch "b" has one sample/],
    ['mismatched lengths', () => combat({ data: [[1, 2, 3, 4], [2, 3, 1]], batch: ['a', 'a', 'b', 'b'] }), /feature row 1 has 3 samples/],
    ['NaN cell', () => combat({ data: [[1, 2, 3, 4], [2, NaN, 1, 5]], batch: ['a', 'a', 'b', 'b'] }), /feature row 1, sample 1/],
    ['covariate length', () => combat({ data: [[1, 2, 3, 4]], batch: ['a', 'a', 'b', 'b'], covariates: { age: [1, 2] } }), /covariate "age" has 2 values/],
    ['covariate confounded with batch', () => combat({ data: [[1, 2, 3, 4, 5, 6]], batch: ['a', 'a', 'a', 'b', 'b', 'b'], covariates: { site: [0, 0, 0, 1, 1, 1] } }), /confounded/],
    ['one batch only', () => combat({ data: [[1, 2, 3]], batch: ['a', 'a', 'a'] }), /one batch/],
  ];
  for (const [what, run, message] of cases) {
    test(what, () => {
      assert.throws(run, (e: unknown) => e instanceof InvalidTableError && message.test(e.message), `${what} must raise InvalidTableError ${message}`);
    });
  }
});
