import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { InvalidTableError } from '../../activities/errors';
import { concordance } from '../../activities/stats/survival/concordance';
import { coxRegression, type CoxModel } from '../../activities/stats/survival/cox';
import { kaplanMeier, kaplanMeierByGroup, medianSurvival, type KaplanMeierCurve } from '../../activities/stats/survival/kaplan-meier';
import { logRankTest } from '../../activities/stats/survival/log-rank';
import fixture from '../fixtures/r/stats-b-survival.json';

type Num = number | null;
let worst = { relative: 0, where: '' };
after(() => console.log(`# stats-survival: worst relative error vs R ${worst.relative.toExponential(2)} (${worst.where})`));

/** |actual − expected| ≤ 1e-6·|expected| (+1e-12 absolute, for p-values and zeros); null in R = NaN here. */
function assertClose(actual: ArrayLike<number>, expected: readonly Num[] | Num, what: string, relative = 1e-6) {
  const exp = Array.isArray(expected) ? expected : [expected as Num];
  assert.equal(actual.length, exp.length, `${what}: length ${actual.length} vs R ${exp.length}`);
  for (let i = 0; i < exp.length; i++) {
    const e = exp[i];
    if (e === null) {
      assert.ok(Number.isNaN(actual[i]), `${what}[${i}]: R has NA, we have ${actual[i]}`);
      continue;
    }
    const diff = Math.abs(actual[i] - e);
    const rel = diff / Math.max(Math.abs(e), 1e-300);
    if (e !== 0 && rel > worst.relative) worst = { relative: rel, where: `${what}[${i}]` };
    assert.ok(diff <= relative * Math.abs(e) + 1e-12, `${what}[${i}]: ${actual[i]} vs R ${e} (relative ${rel.toExponential(2)})`);
  }
}

type KmFixture = Omit<typeof fixture.km_lung_all, 'strata' | 'lower' | 'upper'> & { lower: Num[]; upper: Num[] };

function assertCurve(curve: KaplanMeierCurve, r: KmFixture, from: number, to: number, what: string) {
  const slice = <T>(xs: T[]) => xs.slice(from, to);
  assertClose(curve.time, slice(r.time), `${what} time`);
  assertClose(curve.nRisk, slice(r.n_risk), `${what} n.risk`);
  assertClose(curve.nEvent, slice(r.n_event), `${what} n.event`);
  assertClose(curve.nCensor, slice(r.n_censor), `${what} n.censor`);
  assertClose(curve.surv, slice(r.surv), `${what} surv`);
  assertClose(curve.stdErr, slice(r.std_err), `${what} std.err`);
  assertClose(curve.lower, slice(r.lower), `${what} lower`);
  assertClose(curve.upper, slice(r.upper), `${what} upper`);
}

const lung = fixture.lung;

describe('Kaplan–Meier (survfit) on lung', () => {
  test('all subjects, log CI', () => {
    const curve = kaplanMeier({ time: lung.time, event: lung.event });
    assertCurve(curve, fixture.km_lung_all, 0, fixture.km_lung_all.time.length, 'lung');
    assert.equal(medianSurvival(curve), 310, 'median survival of lung is 310 days (print(survfit))');
  });
  for (const [confType, r] of [
    ['log', fixture.km_lung_sex_log],
    ['log-log', fixture.km_lung_sex_loglog],
  ] as const) {
    test(`by sex, ${confType} CI`, () => {
      const curves = kaplanMeierByGroup({ time: lung.time, event: lung.event, group: lung.sex }, { confType });
      assert.deepEqual(curves.map((c) => c.group), [1, 2], 'groups in factor order');
      const [n1] = r.strata as number[];
      assertCurve(curves[0].curve, r, 0, n1, `sex=1 ${confType}`);
      assertCurve(curves[1].curve, r, n1, r.time.length, `sex=2 ${confType}`);
    });
  }
});

describe('log-rank (survdiff)', () => {
  test('lung ~ sex (k = 2)', () => {
    const result = logRankTest({ time: lung.time, event: lung.event, group: lung.sex });
    const r = fixture.survdiff_lung_sex;
    assertClose(result.n, r.n, 'n');
    assertClose(result.observed, r.observed, 'observed');
    assertClose(result.expected, r.expected, 'expected');
    assertClose(result.variance.flat(), r.var.flat(), 'var');
    assertClose([result.chisq, result.p], [r.chisq, r.p], 'chisq, p');
    assert.equal(result.df, r.df, 'df');
  });
  test('veteran ~ celltype (k = 4)', () => {
    const v = fixture.veteran;
    const result = logRankTest({ time: v.time, event: v.status, group: v.celltype }, { levels: fixture.survdiff_veteran_levels });
    const r = fixture.survdiff_veteran_celltype;
    assert.deepEqual(result.groups, fixture.survdiff_veteran_levels, 'levels in R factor order');
    assertClose(result.observed, r.observed, 'observed');
    assertClose(result.expected, r.expected, 'expected');
    assertClose(result.variance.flat(), r.var.flat(), 'var');
    assertClose([result.chisq, result.p], [r.chisq, r.p], 'chisq, p');
    assert.equal(result.df, 3, 'df');
  });
});

function assertCox(model: CoxModel, r: typeof fixture.cox_lung, what: string) {
  const c = model.coefficients;
  assertClose(c.map((x) => x.coef), r.coef, `${what} coef`);
  assertClose(c.map((x) => x.se), r.se, `${what} se`);
  assertClose(c.map((x) => x.z), r.z, `${what} z`);
  assertClose(c.map((x) => x.p), r.p, `${what} p`);
  assertClose(c.map((x) => x.hazardRatio), r.hr, `${what} HR`);
  assertClose(c.map((x) => x.hrLower), r.hr_lower, `${what} HR lower`);
  assertClose(c.map((x) => x.hrUpper), r.hr_upper, `${what} HR upper`);
  assertClose(model.variance.flat(), r.var.flat(), `${what} var`);
  assertClose(model.loglik, r.loglik, `${what} loglik`);
  assert.equal(model.iterations, r.iter, `${what}: iterations as coxph`);
  assert.equal(model.n, r.n, `${what} n`);
  assert.equal(model.events, r.nevent, `${what} events`);
  for (const [name, test, expected] of [
    ['LR', model.likelihoodRatio, r.lr],
    ['Wald', model.wald, r.wald],
    ['score', model.score, r.score],
  ] as const) {
    assertClose([test.statistic, test.p], [expected[0], expected[2]], `${what} ${name} test`);
    assert.equal(test.df, expected[1], `${what} ${name} df`);
  }
  assertClose([model.concordance.concordance, model.concordance.stdErr], r.concordance, `${what} concordance`);
  const k = model.concordance;
  assert.deepEqual([k.concordant, k.discordant, k.tiedX, k.tiedY, k.tiedXY], r.concordance_count, `${what} concordance counts`);
}

describe('Cox regression (coxph)', () => {
  const complete = lung.time.map((_, i) => i).filter((i) => lung.ph_ecog[i] !== null);
  const lungCC = {
    time: complete.map((i) => lung.time[i]),
    event: complete.map((i) => lung.event[i]),
    covariates: {
      age: complete.map((i) => lung.age[i]),
      sex: complete.map((i) => lung.sex[i]),
      ph_ecog: complete.map((i) => lung.ph_ecog[i] as number),
    },
  };
  test('lung ~ age + sex + ph.ecog, Efron', () => assertCox(coxRegression(lungCC), fixture.cox_lung, 'lung efron'));
  test('lung ~ age + sex + ph.ecog, Breslow', () =>
    assertCox(coxRegression(lungCC, { ties: 'breslow' }), fixture.cox_lung_breslow, 'lung breslow'));
  test('veteran ~ trt + karno + diagtime + age + prior', () => {
    const v = fixture.veteran;
    const model = coxRegression({
      time: v.time,
      event: v.status,
      covariates: { trt: v.trt, karno: v.karno, diagtime: v.diagtime, age: v.age, prior: v.prior },
    });
    assertCox(model, fixture.cox_veteran, 'veteran');
  });
  test('ovarian ~ age + ecog.ps + rx', () => {
    const o = fixture.ovarian;
    const model = coxRegression({ time: o.futime, event: o.fustat, covariates: { age: o.age, ecog_ps: o.ecog_ps, rx: o.rx } });
    assertCox(model, fixture.cox_ovarian, 'ovarian');
  });
  test('seeded data with heavy ties: Efron and Breslow differ as in R', () => {
    const t = fixture.tied;
    const data = { time: t.time, event: t.event, covariates: { x1: t.x1, x2: t.x2 } };
    assertCox(coxRegression(data), fixture.cox_tied, 'tied efron');
    assertCox(coxRegression(data, { ties: 'breslow' }), fixture.cox_tied_breslow, 'tied breslow');
  });
});

describe('concordance', () => {
  for (const [what, time, event, x, r] of [
    ['lung ~ age', lung.time, lung.event, lung.age, fixture.concordance_lung_age],
    ['tied ~ x2 (binary: many tied x)', fixture.tied.time, fixture.tied.event, fixture.tied.x2, fixture.concordance_tied_x2],
  ] as const) {
    test(what, () => {
      const c = concordance({ time, event, predictor: x });
      assertClose([c.concordance, c.stdErr, c.variance], [r.concordance, r.std_err, r.var], `${what} C, se, var`);
      assert.deepEqual([c.concordant, c.discordant, c.tiedX, c.tiedY, c.tiedXY], r.count, `${what} counts`);
    });
  }
});

describe('bad survival data → InvalidTableError naming field and row', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['NaN time', () => kaplanMeier({ time: [1, NaN, 3], event: [1, 0, 1] }), /"time", row 1/],
    ['negative time', () => logRankTest({ time: [1, 2, -3], event: [1, 0, 1], group: [1, 1, 2] }), /"time", row 2: negative/],
    ['event 2', () => coxRegression({ time: [1, 2, 3], event: [1, 2, 0], covariates: { x: [1, 2, 3] } }), /"event", row 1/],
    ['mismatched lengths', () => concordance({ time: [1, 2, 3], event: [1, 0], predictor: [1, 2, 3] }), /"event" has 2 rows/],
    ['mismatched covariate', () => coxRegression({ time: [1, 2, 3], event: [1, 0, 1], covariates: { age: [1, 2] } }), /"age" has 2 rows/],
    ['NaN covariate', () => coxRegression({ time: [1, 2, 3], event: [1, 0, 1], covariates: { age: [1, NaN, 2] } }), /"age", row 1/],
    ['constant covariate', () => coxRegression({ time: [1, 2, 3, 4], event: [1, 0, 1, 1], covariates: { k: [2, 2, 2, 2] } }), /"k" is constant/],
  ];
  for (const [what, run, message] of cases) {
    test(what, () => {
      assert.throws(run, (e: unknown) => e instanceof InvalidTableError && message.test(e.message), `${what} must raise InvalidTableError ${message}`);
    });
  }
});
