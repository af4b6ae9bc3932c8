/**
 * Cox proportional hazards regression, as R's survival::coxph (right-censored data, no strata).
 *
 * Partial log-likelihood with Efron's tie correction (default) or Breslow's; at each event time
 * with d tied events, risk-set sums S0 = Σ_risk e^η, S1 = Σ_risk e^η x, S2 = Σ_risk e^η x xᵀ and
 * the tied events' own sums D0, D1, D2:
 *   Efron:   ℓ += Σ_dead η − Σ_{k<d} log(S0 − (k/d) D0),  with s_k = S − (k/d) D in U and I
 *   Breslow: ℓ += Σ_dead η − d log S0
 *   U = Σ (x_dead − s1/s0),  I = Σ (s2/s0 − (s1/s0)(s1/s0)ᵀ)
 * Newton–Raphson from β = 0 exactly as coxph's coxfit6: β₁ = β₀ + I⁻¹U, then converged when
 * |1 − ℓ_old/ℓ_new| ≤ eps (1e-9) and not step-halving; a step that lowers ℓ is halved; at most
 * 20 iterations. Covariates are centered first (ℓ, U and I do not change; exp(η) stays small).
 *
 * Outputs: β, SE = sqrt(diag I⁻¹), Wald z and two-sided p, HR = e^β with CI e^(β ± z·SE),
 * likelihood-ratio test 2(ℓ(β̂) − ℓ(0)), Wald test β̂ᵀ I β̂, score test U(0)ᵀ I(0)⁻¹ U(0) — all χ²
 * on p df — and Harrell's C of the linear predictor (concordance.ts, as coxph's `concordance`).
 */
import { z } from 'zod';
import { InvalidSettingsError, InvalidTableError } from '../../errors';
import { chiSquareSf, normalQuantile, normalTwoSided } from '../distributions';
import { concordance, type ConcordanceResult } from './concordance';
import { validateNumericColumn, validateSurvival, type SurvivalData } from './survival-data';

export const CoxOptions = z
  .object({
    ties: z.enum(['efron', 'breslow']).default('efron'),
    maxIter: z.number().int().min(1).default(20),
    eps: z.number().positive().default(1e-9),
    confLevel: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();
export type CoxOptions = z.input<typeof CoxOptions>;

export interface CoxTest {
  statistic: number;
  df: number;
  p: number;
}

export interface CoxCoefficient {
  name: string;
  coef: number;
  se: number;
  z: number;
  p: number;
  hazardRatio: number;
  hrLower: number;
  hrUpper: number;
}

export interface CoxModel {
  coefficients: CoxCoefficient[];
  /** Variance–covariance matrix of β̂ (I⁻¹). */
  variance: number[][];
  /** [ℓ(0), ℓ(β̂)]. */
  loglik: [number, number];
  iterations: number;
  converged: boolean;
  n: number;
  events: number;
  likelihoodRatio: CoxTest;
  wald: CoxTest;
  score: CoxTest;
  concordance: ConcordanceResult;
  ties: 'efron' | 'breslow';
  /** Covariate means used for centering (the linear predictor is (x − mean)ᵀβ). */
  means: number[];
}

/** Fit coxph(Surv(time, event) ~ x1 + x2 + ...) with the named numeric covariate columns. */
export function coxRegression(
  data: SurvivalData & { covariates: Record<string, readonly number[]> },
  options: CoxOptions = {},
): CoxModel {
  const parsed = CoxOptions.safeParse(options);
  if (!parsed.success) throw new InvalidSettingsError(`Cox options: ${parsed.error.message}`);
  const { ties, maxIter, eps, confLevel } = parsed.data;
  const names = Object.keys(data.covariates);
  if (names.length === 0) throw new InvalidTableError('survival data: Cox regression needs at least one covariate');
  const { time, event } = validateSurvival(data, data.covariates);
  const columns = names.map((name) => validateNumericColumn(data.covariates[name], name));
  const n = time.length;
  const p = names.length;
  const means = columns.map((col) => col.reduce((s, v) => s + v, 0) / n);
  const x = Array.from({ length: n }, (_, i) => Float64Array.from(columns, (col, j) => col[i] - means[j]));
  const order = time.map((_, i) => i).sort((a, b) => time[b] - time[a] || event[a] - event[b]);
  const evaluate = (beta: Float64Array) => partialLikelihood(beta, x, time, event, order, ties);

  // coxfit6: evaluate at β = 0, score test, first Newton step, then iterate.
  let beta: Float64Array = new Float64Array(p);
  const initial = evaluate(beta);
  const initialStep = choleskySolve(initial.information, initial.score, names);
  const scoreStatistic = dot(initial.score, initialStep);
  let oldBeta = beta;
  beta = add(beta, initialStep);
  let bestLoglik = initial.loglik;
  let halving = false;
  let converged = false;
  let iterations = 0;
  let current = initial;
  for (let iter = 1; iter <= maxIter; iter++) {
    iterations = iter;
    current = evaluate(beta);
    if (Math.abs(1 - bestLoglik / current.loglik) <= eps && !halving) {
      bestLoglik = current.loglik;
      converged = true;
      break;
    }
    if (iter === maxIter) break;
    if (current.loglik < bestLoglik) {
      halving = true;
      beta = Float64Array.from(beta, (b, j) => (oldBeta[j] + b) / 2);
    } else {
      halving = false;
      bestLoglik = current.loglik;
      oldBeta = beta;
      beta = add(beta, choleskySolve(current.information, current.score, names));
    }
  }
  const finalLoglik = current.loglik;
  const variance = invertSymmetric(current.information, names);
  const zval = normalQuantile(1 - (1 - confLevel) / 2);
  const coefficients = names.map((name, j) => {
    const se = Math.sqrt(variance[j][j]);
    const zj = beta[j] / se;
    return {
      name,
      coef: beta[j],
      se,
      z: zj,
      p: normalTwoSided(zj),
      hazardRatio: Math.exp(beta[j]),
      hrLower: Math.exp(beta[j] - zval * se),
      hrUpper: Math.exp(beta[j] + zval * se),
    };
  });
  const lr = 2 * (finalLoglik - initial.loglik);
  const waldStatistic = dot(beta, choleskySolve(variance.map((row) => Float64Array.from(row)), beta, names));
  const linearPredictor = x.map((row) => dot(row, beta));
  return {
    coefficients,
    variance,
    loglik: [initial.loglik, finalLoglik],
    iterations,
    converged,
    n,
    events: event.reduce<number>((s, e) => s + e, 0),
    likelihoodRatio: { statistic: lr, df: p, p: chiSquareSf(lr, p) },
    wald: { statistic: waldStatistic, df: p, p: chiSquareSf(waldStatistic, p) },
    score: { statistic: scoreStatistic, df: p, p: chiSquareSf(scoreStatistic, p) },
    concordance: concordance({ time, event, predictor: linearPredictor }, { reverse: true }),
    ties,
    means,
  };
}

interface Evaluation {
  loglik: number;
  score: Float64Array;
  information: Float64Array[];
}

/** ℓ(β), U(β), I(β) in one pass over subjects by decreasing time (risk sets grow as time falls). */
function partialLikelihood(
  beta: Float64Array,
  x: Float64Array[],
  time: number[],
  event: (0 | 1)[],
  order: number[],
  ties: 'efron' | 'breslow',
): Evaluation {
  const p = beta.length;
  const score = new Float64Array(p);
  const information = Array.from({ length: p }, () => new Float64Array(p));
  const s1 = new Float64Array(p);
  const s2 = Array.from({ length: p }, () => new Float64Array(p));
  const d1 = new Float64Array(p);
  const d2 = Array.from({ length: p }, () => new Float64Array(p));
  let s0 = 0;
  let loglik = 0;
  for (let start = 0; start < order.length; ) {
    const t = time[order[start]];
    let end = start;
    while (end < order.length && time[order[end]] === t) end++;
    let deaths = 0;
    let d0 = 0;
    d1.fill(0);
    for (const row of d2) row.fill(0);
    for (let r = start; r < end; r++) {
      const i = order[r];
      const eta = dot(x[i], beta);
      const risk = Math.exp(eta);
      s0 += risk;
      for (let a = 0; a < p; a++) {
        s1[a] += risk * x[i][a];
        for (let b = 0; b <= a; b++) s2[a][b] += risk * x[i][a] * x[i][b];
      }
      if (event[i] === 1) {
        deaths++;
        d0 += risk;
        loglik += eta;
        for (let a = 0; a < p; a++) {
          score[a] += x[i][a];
          d1[a] += risk * x[i][a];
          for (let b = 0; b <= a; b++) d2[a][b] += risk * x[i][a] * x[i][b];
        }
      }
    }
    for (let k = 0; k < deaths; k++) {
      const f = ties === 'efron' ? k / deaths : 0;
      const denom = s0 - f * d0;
      loglik -= Math.log(denom);
      for (let a = 0; a < p; a++) {
        const meanA = (s1[a] - f * d1[a]) / denom;
        score[a] -= meanA;
        for (let b = 0; b <= a; b++) {
          const meanB = (s1[b] - f * d1[b]) / denom;
          information[a][b] += (s2[a][b] - f * d2[a][b]) / denom - meanA * meanB;
        }
      }
    }
    start = end;
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) information[b][a] = information[a][b];
  return { loglik, score, information };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  return Float64Array.from(a, (v, i) => v + b[i]);
}

/** Lower-triangular L with A = L Lᵀ; a non-positive pivot means collinear covariates. */
function cholesky(a: ArrayLike<number>[], names: string[]): Float64Array[] {
  const p = a.length;
  const l = Array.from({ length: p }, () => new Float64Array(p));
  for (let j = 0; j < p; j++) {
    let diag = a[j][j];
    for (let k = 0; k < j; k++) diag -= l[j][k] * l[j][k];
    if (!(diag > 1e-12 * Math.max(1, Math.abs(a[j][j])))) {
      throw new InvalidTableError(`survival data: covariate "${names[j]}" is constant or collinear with the others`);
    }
    l[j][j] = Math.sqrt(diag);
    for (let i = j + 1; i < p; i++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      l[i][j] = s / l[j][j];
    }
  }
  return l;
}

/** x = A⁻¹ b for symmetric positive-definite A (Cholesky). */
function choleskySolve(a: ArrayLike<number>[], b: ArrayLike<number>, names: string[]): Float64Array {
  const l = cholesky(a, names);
  const p = b.length;
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * y[k];
    y[i] = s / l[i][i];
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < p; k++) s -= l[k][i] * x[k];
    x[i] = s / l[i][i];
  }
  return x;
}

/** A⁻¹ for symmetric positive-definite A, column by column. */
function invertSymmetric(a: ArrayLike<number>[], names: string[]): number[][] {
  const p = a.length;
  const columns = Array.from({ length: p }, (_, j) => choleskySolve(a, Float64Array.from({ length: p }, (_, i) => (i === j ? 1 : 0)), names));
  return Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (columns[j][i] + columns[i][j]) / 2));
}
