/**
 * ComBat batch (center) harmonization with parametric empirical-Bayes priors, as R's sva::ComBat
 * (par.prior = TRUE, optional mean.only), plus a fitted model that harmonizes new samples.
 *
 * Data Y is features × samples. Design X = [batch indicators | covariates] (an all-ones column, an
 * intercept, is dropped as ComBat does). Per feature g:
 *   B̂ = (XᵀX)⁻¹ XᵀY_g;  α_g = Σ_b (n_b/n) B̂_bg;  σ²_g = Σ_j (Y_gj − (X B̂)_jg)² / n
 *   standardized s_gj = (Y_gj − α_g − C_j β̂_g) / σ_g        (C: covariate columns, β̂ their rows of B̂)
 *   γ̂_bg = mean_{j∈b} s_gj,  δ̂²_bg = var_{j∈b} s_gj         (δ̂² = 1 when mean-only)
 * Priors per batch over features: γ ~ N(γ̄_b, τ²_b), δ² ~ InvGamma(a_b, b_b) by moments
 *   a = (2v + m²)/v, b = (m v + m³)/v   (m, v: mean and variance of δ̂²_b·)
 * Posterior (it.sol, until max relative change ≤ 1e-4):
 *   γ* = (n_b τ² γ̂ + δ*² γ̄)/(n_b τ² + δ*²),  δ*² = (½ Σ_j (s_gj − γ*)² + b)/(n_b/2 + a − 1)
 *   mean-only: γ* = (τ² γ̂ + γ̄)/(τ² + 1), δ* = 1 (as sva)
 * Adjusted Y*_gj = σ_g (s_gj − γ*_bg)/δ*_bg + α_g + C_j β̂_g  — covariate effects are kept.
 * Features constant within a batch (of ≥ 2 samples) are left unadjusted, as ComBat does.
 *
 * New centers (applyCombat): the fitted model freezes B̂ (so α, covariate effects) and σ²; a
 * batch seen in training reuses its γ*, δ*. An unseen batch is standardized with the frozen
 * α, β̂, σ, then its own γ̂, δ̂² and priors are estimated from its features and shrunk by the same
 * it.sol — exactly what ComBat does for every batch, since its priors are per batch — or, with
 * `newBatchPriors: 'training'`, with priors averaged over the training batches (for a very small
 * new batch). The training data are not needed and not changed ("ComBat with frozen estimates",
 * as neuroCombatFromTraining, extended to unseen batches).
 * Limits: no missing values, no non-parametric prior, no ref.batch.
 */
import { Matrix, QrDecomposition, solve } from 'ml-matrix';
import { z } from 'zod';
import { InvalidSettingsError, InvalidTableError } from '../../errors';

export interface CombatInput {
  /** features × samples. */
  data: readonly (readonly number[])[];
  /** Batch (center) of each sample. */
  batch: readonly string[];
  /** Numeric covariates to preserve, one column per name, one value per sample (dummy-code factors). */
  covariates?: Record<string, readonly number[]>;
}

export const CombatOptions = z
  .object({
    meanOnly: z.boolean().default(false),
    /** Convergence of it.sol (sva's conv). */
    tolerance: z.number().positive().default(1e-4),
  })
  .strict();
export type CombatOptions = z.input<typeof CombatOptions>;

export interface BatchEstimates {
  batch: string;
  size: number;
  gammaHat: number[];
  deltaHat: number[];
  gammaBar: number;
  tau2: number;
  aPrior: number;
  bPrior: number;
  gammaStar: number[];
  deltaStar: number[];
  /** Features left unadjusted (constant within this batch). */
  constantFeatures: number[];
}

export interface CombatModel {
  features: number;
  meanOnly: boolean;
  tolerance: number;
  covariateNames: string[];
  /** Grand mean α_g. */
  grandMean: number[];
  /** Covariate effects β̂: covariateNames.length × features. */
  covariateEffects: number[][];
  /** Pooled residual variance σ²_g. */
  pooledVariance: number[];
  /** Training batches, in sorted order. */
  batches: BatchEstimates[];
  /** Features ComBat leaves unadjusted in every batch (constant within some training batch). */
  unadjustedFeatures: number[];
}

/** sva::ComBat(dat, batch, mod, par.prior = TRUE, mean.only): the adjusted matrix and the fitted model. */
export function combat(input: CombatInput, options: CombatOptions = {}): { adjusted: number[][]; model: CombatModel } {
  const model = fitCombat(input, options);
  return { adjusted: applyCombat(model, input), model };
}

/** Estimate the ComBat model on training batches (see the header for the formulas). */
export function fitCombat(input: CombatInput, options: CombatOptions = {}): CombatModel {
  const { meanOnly, tolerance } = parseOptions(options);
  const { data, batch, covariateNames, covariates } = validateInput(input, 'ComBat training data');
  const n = batch.length;
  const levels = [...new Set(batch)].sort();
  if (levels.length < 2) throw new InvalidTableError(`ComBat training data: field "batch" has one batch (${levels[0]}); need at least two`);
  const members = levels.map((level) => batch.flatMap((b, j) => (b === level ? [j] : [])));
  members.forEach((m, b) => {
    if (m.length < 2 && !meanOnly) {
      throw new InvalidTableError(`ComBat training data: field "batch": batch "${levels[b]}" has one sample; its variance cannot be estimated (use meanOnly)`);
    }
  });
  const unadjusted = [...new Set(members.flatMap((m) => (m.length > 1 ? constantRows(data, m) : [])))].sort((a, b) => a - b);
  const kept = data.map((_, g) => g).filter((g) => !unadjusted.includes(g));

  // Design: batch indicators then covariates, dropping all-ones columns (an intercept).
  const covariateColumns = covariates.filter((col) => !col.every((v) => v === 1));
  const keptNames = covariateNames.filter((_, c) => !covariates[c].every((v) => v === 1));
  const design = new Matrix(
    Array.from({ length: n }, (_, j) => [...levels.map((level) => (batch[j] === level ? 1 : 0)), ...covariateColumns.map((col) => col[j])]),
  );
  if (!hasFullColumnRank(design)) {
    throw new InvalidTableError(`ComBat training data: covariates (${keptNames.join(', ')}) are confounded with batch or with each other`);
  }
  const y = new Matrix(kept.map((g) => [...data[g]])); // G × n
  const coefficients = solve(design.transpose().mmul(design), design.transpose().mmul(y.transpose())); // m × G
  const fitted = design.mmul(coefficients); // n × G
  const nb = levels.length;
  const grandMean = kept.map((_, g) => levels.reduce((s, _l, b) => s + (members[b].length / n) * coefficients.get(b, g), 0));
  const pooledVariance = kept.map((_, g) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += (y.get(g, j) - fitted.get(j, g)) ** 2;
    return s / n;
  });
  const covariateEffects = keptNames.map((_, c) => kept.map((_, g) => coefficients.get(nb + c, g)));

  const standardize = (rowValues: readonly number[], g: number, sample: number) =>
    (rowValues[sample] - grandMean[g] - covariateColumns.reduce((s, col, c) => s + col[sample] * covariateEffects[c][g], 0)) /
    Math.sqrt(pooledVariance[g]);
  const batches = levels.map((level, b) => {
    const standardized = kept.map((g, k) => members[b].map((j) => standardize(data[g], k, j)));
    return estimateBatch(level, standardized, meanOnly, tolerance, []);
  });

  // Store per-feature vectors on the full feature index (NaN-free: unadjusted features get identity values).
  const full = (values: number[], fill: number) => {
    const out = new Array<number>(data.length).fill(fill);
    kept.forEach((g, k) => (out[g] = values[k]));
    return out;
  };
  return {
    features: data.length,
    meanOnly,
    tolerance,
    covariateNames: keptNames,
    grandMean: full(grandMean, 0),
    covariateEffects: covariateEffects.map((row) => full(row, 0)),
    pooledVariance: full(pooledVariance, 1),
    batches: batches.map((e) => ({
      ...e,
      gammaHat: full(e.gammaHat, 0),
      deltaHat: full(e.deltaHat, 1),
      gammaStar: full(e.gammaStar, 0),
      deltaStar: full(e.deltaStar, 1),
    })),
    unadjustedFeatures: unadjusted,
  };
}

export const ApplyCombatOptions = z
  .object({
    /** Priors for a batch not seen in training: estimated from its own features (default) or averaged over training batches. */
    newBatchPriors: z.enum(['own', 'training']).default('own'),
  })
  .strict();
export type ApplyCombatOptions = z.input<typeof ApplyCombatOptions>;

/** Harmonize samples with a fitted model: known batches use their γ*, δ*; unseen batches are estimated (see header). */
export function applyCombat(model: CombatModel, input: CombatInput, options: ApplyCombatOptions = {}): number[][] {
  const parsed = ApplyCombatOptions.safeParse(options);
  if (!parsed.success) throw new InvalidSettingsError(`ComBat apply options: ${parsed.error.message}`);
  const { data, batch, covariateNames, covariates } = validateInput(input, 'ComBat data');
  if (data.length !== model.features) {
    throw new InvalidTableError(`ComBat data: ${data.length} features but the model was fitted on ${model.features}`);
  }
  const covariateColumns = model.covariateNames.map((name) => {
    const c = covariateNames.indexOf(name);
    if (c < 0) throw new InvalidTableError(`ComBat data: missing covariate "${name}" the model was fitted with`);
    return covariates[c];
  });
  const standMean = (g: number, j: number) =>
    model.grandMean[g] + covariateColumns.reduce((s, col, c) => s + col[j] * model.covariateEffects[c][g], 0);
  const sd = model.pooledVariance.map(Math.sqrt);
  const adjusted = data.map((row) => [...row]);
  const skip = new Set(model.unadjustedFeatures);

  for (const level of [...new Set(batch)].sort()) {
    const samples = batch.flatMap((b, j) => (b === level ? [j] : []));
    const standardized = data.map((row, g) => samples.map((j) => (row[j] - standMean(g, j)) / sd[g]));
    let estimates = model.batches.find((e) => e.batch === level);
    let skipHere = skip;
    if (!estimates) {
      if (samples.length < 2 && !model.meanOnly) {
        throw new InvalidTableError(`ComBat data: field "batch": new batch "${level}" has one sample; its variance cannot be estimated`);
      }
      const constant = samples.length > 1 ? constantRows(data, samples) : [];
      skipHere = new Set([...skip, ...constant]);
      const usable = data.map((_, g) => g).filter((g) => !skipHere.has(g));
      const priors = parsed.data.newBatchPriors === 'training' ? averagePriors(model) : undefined;
      const own = estimateBatch(level, usable.map((g) => standardized[g]), model.meanOnly, model.tolerance, [], priors);
      const gammaStar = new Array<number>(data.length).fill(0);
      const deltaStar = new Array<number>(data.length).fill(1);
      usable.forEach((g, k) => {
        gammaStar[g] = own.gammaStar[k];
        deltaStar[g] = own.deltaStar[k];
      });
      estimates = { ...own, gammaStar, deltaStar, constantFeatures: constant };
    }
    for (let g = 0; g < data.length; g++) {
      if (skipHere.has(g)) continue;
      samples.forEach((j, k) => {
        adjusted[g][j] = (sd[g] * (standardized[g][k] - estimates!.gammaStar[g])) / Math.sqrt(estimates!.deltaStar[g]) + standMean(g, j);
      });
    }
  }
  return adjusted;
}

interface Priors {
  gammaBar: number;
  tau2: number;
  aPrior: number;
  bPrior: number;
}

/** γ̂, δ̂², the batch's priors and the empirical-Bayes posteriors γ*, δ*² of one batch (rows: features). */
function estimateBatch(
  level: string,
  standardized: number[][],
  meanOnly: boolean,
  tolerance: number,
  constantFeatures: number[],
  fixedPriors?: Priors,
): BatchEstimates {
  const size = standardized[0]?.length ?? 0;
  const gammaHat = standardized.map(mean);
  const deltaHat = standardized.map((row) => (meanOnly ? 1 : sampleVariance(row)));
  const gammaBar = fixedPriors?.gammaBar ?? mean(gammaHat);
  const tau2 = fixedPriors?.tau2 ?? sampleVariance(gammaHat);
  const m = mean(deltaHat);
  const v = sampleVariance(deltaHat);
  const aPrior = fixedPriors?.aPrior ?? (meanOnly ? NaN : (2 * v + m * m) / v);
  const bPrior = fixedPriors?.bPrior ?? (meanOnly ? NaN : (m * v + m * m * m) / v);
  let gammaStar: number[];
  let deltaStar: number[];
  if (meanOnly) {
    gammaStar = gammaHat.map((g) => posteriorMean(g, gammaBar, 1, 1, tau2));
    deltaStar = gammaHat.map(() => 1);
  } else {
    [gammaStar, deltaStar] = iterativeSolution(standardized, gammaHat, deltaHat, gammaBar, tau2, aPrior, bPrior, tolerance);
  }
  return { batch: level, size, gammaHat, deltaHat, gammaBar, tau2, aPrior, bPrior, gammaStar, deltaStar, constantFeatures };
}

/** Mean of the training batches' priors, for an unseen batch with `newBatchPriors: 'training'`. */
function averagePriors(model: CombatModel): Priors {
  const avg = (pick: (e: BatchEstimates) => number) => mean(model.batches.map(pick));
  return { gammaBar: avg((e) => e.gammaBar), tau2: avg((e) => e.tau2), aPrior: avg((e) => e.aPrior), bPrior: avg((e) => e.bPrior) };
}

/** postmean: (τ² n γ̂ + δ γ̄) / (τ² n + δ). */
function posteriorMean(gammaHat: number, gammaBar: number, n: number, deltaStar: number, tau2: number): number {
  return (tau2 * n * gammaHat + deltaStar * gammaBar) / (tau2 * n + deltaStar);
}

/** sva's it.sol: alternate γ* and δ*² until max(|Δγ|/γ_old, |Δδ|/δ_old) ≤ tolerance (signed, as sva). */
function iterativeSolution(
  standardized: number[][],
  gammaHat: number[],
  deltaHat: number[],
  gammaBar: number,
  tau2: number,
  a: number,
  b: number,
  tolerance: number,
): [number[], number[]] {
  const n = standardized[0].length;
  let gammaOld = gammaHat;
  let deltaOld = deltaHat;
  for (let count = 0; count < 10_000; count++) {
    const gammaNew = gammaHat.map((g, i) => posteriorMean(g, gammaBar, n, deltaOld[i], tau2));
    const deltaNew = standardized.map((row, i) => {
      let sum2 = 0;
      for (const s of row) sum2 += (s - gammaNew[i]) ** 2;
      return (0.5 * sum2 + b) / (n / 2 + a - 1);
    });
    let change = -Infinity;
    for (let i = 0; i < gammaNew.length; i++) {
      change = Math.max(change, Math.abs(gammaNew[i] - gammaOld[i]) / gammaOld[i], Math.abs(deltaNew[i] - deltaOld[i]) / deltaOld[i]);
    }
    gammaOld = gammaNew;
    deltaOld = deltaNew;
    if (!(change > tolerance)) break;
  }
  return [gammaOld, deltaOld];
}

/** R's qr()$rank == ncol: every |R_jj| of the QR decomposition above 1e-7 × the largest. */
function hasFullColumnRank(design: Matrix): boolean {
  const r = new QrDecomposition(design).upperTriangularMatrix;
  const diagonal = Array.from({ length: design.columns }, (_, j) => Math.abs(r.get(j, j)));
  const largest = Math.max(...diagonal);
  return diagonal.every((d) => d > 1e-7 * largest);
}

/** Features whose values are all equal over the given samples. */
function constantRows(data: readonly (readonly number[])[], samples: number[]): number[] {
  return data.flatMap((row, g) => (samples.every((j) => row[j] === row[samples[0]]) ? [g] : []));
}

function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample variance with n − 1 (R's var). */
function sampleVariance(values: readonly number[]): number {
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) ** 2;
  return s / (values.length - 1);
}

function parseOptions(options: CombatOptions) {
  const parsed = CombatOptions.safeParse(options);
  if (!parsed.success) throw new InvalidSettingsError(`ComBat options: ${parsed.error.message}`);
  return parsed.data;
}

/** Shapes and finiteness of data, batch and covariates; InvalidTableError names field, row and column. */
function validateInput(input: CombatInput, source: string) {
  const n = input.batch.length;
  if (n === 0) throw new InvalidTableError(`${source}: field "batch" is empty`);
  if (input.data.length === 0) throw new InvalidTableError(`${source}: no features`);
  input.batch.forEach((b, j) => {
    if (typeof b !== 'string' || b === '') throw new InvalidTableError(`${source}: field "batch", sample ${j}: ${String(b)} is not a batch name`);
  });
  input.data.forEach((row, g) => {
    if (row.length !== n) throw new InvalidTableError(`${source}: feature row ${g} has ${row.length} samples but "batch" has ${n}`);
    row.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidTableError(`${source}: feature row ${g}, sample ${j}: ${String(v)} is not a finite number`);
    });
  });
  const covariateNames = Object.keys(input.covariates ?? {});
  const covariates = covariateNames.map((name) => {
    const col = input.covariates![name];
    if (col.length !== n) throw new InvalidTableError(`${source}: covariate "${name}" has ${col.length} values but "batch" has ${n}`);
    col.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidTableError(`${source}: covariate "${name}", sample ${j}: ${String(v)} is not a finite number`);
    });
    return [...col];
  });
  return { data: input.data, batch: [...input.batch], covariateNames, covariates };
}
