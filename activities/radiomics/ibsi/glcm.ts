/**
 * IBSI grey level co-occurrence matrix features (family LFYI; tags cm_*).
 *
 * Matrix: for each direction m (Chebyshev distance δ = 1; 13 directions in 3D, 4 in-plane per
 * slice in 2D), M_m(i, j) counts neighbouring ROI voxel pairs with grey levels i and j along +m and
 * −m (symmetric). This is the engine's GLCM (../glcm.ts, symmetricalGLCM), re-indexed onto all grey
 * levels 1..N_g so that matrices can be merged (see aggregation.ts for the six aggregations).
 * Features use p_ij = M(i, j) / Σ M and (all sums over i, j = 1..N_g):
 *   p_i. = Σ_j p_ij,  μ = Σ i p_ij,  p_{i−j}(k) = Σ p_ij [k = |i − j|],  p_{i+j}(k) = Σ p_ij [k = i + j]
 *   HXY = −Σ p_ij log2 p_ij,  HX = −Σ p_i. log2 p_i.,  HXY1 = −Σ p_ij log2(p_i. p_.j),
 *   HXY2 = −Σ p_i. p_.j log2(p_i. p_.j)
 * The engine's coefficient functions are IBSI's formulas here (their ε inside log2 changes nothing
 * at 3 significant digits); N_g is the discretisation's number of grey levels.
 */
import * as engine from '../glcm';
import type { TextureInput } from '../texture-input';
import { aggregateFeatures, directionalAggregations, type DirectionalMatrix } from './aggregation';
import { onAllLevels, oneTo, textureSlices } from './texture-grid';

type C = engine.GlcmCoefficients;

/** The engine's GLCM settings that give IBSI's matrices: δ = 1, symmetric, one matrix per direction. */
const GLCM_SETTINGS: engine.GlcmSettings = {
  distances: [1],
  force2D: false,
  force2Ddimension: 0,
  symmetricalGLCM: true,
  weightingNorm: null,
};

/** The symmetric co-occurrence matrix of every direction of a grid, N_g × N_g. */
export function glcmDirectional(grid: TextureInput, slice: number): DirectionalMatrix[] {
  const glcm = engine.glcmMatrices(grid, GLCM_SETTINGS);
  return glcm.matrices.map((P, a) => ({
    slice,
    direction: glcm.angles[a].join(','),
    counts: onAllLevels(P, glcm.grayLevels, grid.maxLevel),
  }));
}

/** Joint maximum = max p_ij */
export const jointMaximum = (c: C) => engine.maximumProbability(c);
/** Joint average = Σ i p_ij */
export const jointAverage = (c: C) => engine.jointAverage(c);
/** Joint variance = Σ (i − μ)² p_ij */
export const jointVariance = (c: C) => engine.sumSquares(c);
/** Joint entropy = −Σ p_ij log2 p_ij */
export const jointEntropy = (c: C) => engine.jointEntropy(c);
/** Difference average = Σ k p_{i−j}(k) */
export const differenceAverage = (c: C) => engine.differenceAverage(c);
/** Difference variance = Σ (k − μ_{i−j})² p_{i−j}(k) */
export const differenceVariance = (c: C) => engine.differenceVariance(c);
/** Difference entropy = −Σ p_{i−j}(k) log2 p_{i−j}(k) */
export const differenceEntropy = (c: C) => engine.differenceEntropy(c);
/** Sum average = Σ k p_{i+j}(k) */
export const sumAverage = (c: C) => engine.sumAverage(c);
/** Sum variance = Σ (k − μ_{i+j})² p_{i+j}(k), μ_{i+j} = sum average */
export function sumVariance(c: C): number {
  const mu = engine.sumAverage(c);
  return c.pxAddy.reduce((sum, p, k) => sum + (k - mu) ** 2 * p, 0);
}
/** Sum entropy = −Σ p_{i+j}(k) log2 p_{i+j}(k) */
export const sumEntropy = (c: C) => engine.sumEntropy(c);
/** Angular second moment = Σ p_ij² */
export const angularSecondMoment = (c: C) => engine.jointEnergy(c);
/** Contrast = Σ (i − j)² p_ij */
export const contrast = (c: C) => engine.contrast(c);
/** Dissimilarity = Σ |i − j| p_ij = Σ k p_{i−j}(k) */
export const dissimilarity = (c: C) => engine.differenceAverage(c);
/** Inverse difference = Σ p_{i−j}(k) / (1 + k) */
export const inverseDifference = (c: C) => engine.id(c);
/** Normalised inverse difference = Σ p_{i−j}(k) / (1 + k/N_g) */
export const normalisedInverseDifference = (c: C) => engine.idn(c);
/** Inverse difference moment = Σ p_{i−j}(k) / (1 + k²) */
export const inverseDifferenceMoment = (c: C) => engine.idm(c);
/** Normalised inverse difference moment = Σ p_{i−j}(k) / (1 + (k/N_g)²) */
export const normalisedInverseDifferenceMoment = (c: C) => engine.idmn(c);
/** Inverse variance = Σ_{k≥1} p_{i−j}(k) / k² */
export const inverseVariance = (c: C) => engine.inverseVariance(c);
/** Correlation = Σ (i − μ_i.)(j − μ_.j) p_ij / (σ_i. σ_.j) */
export const correlation = (c: C) => engine.correlation(c);
/** Autocorrelation = Σ i j p_ij */
export const autocorrelation = (c: C) => engine.autocorrelation(c);
/** Cluster tendency = Σ (i + j − μ_i. − μ_.j)² p_ij */
export const clusterTendency = (c: C) => engine.clusterTendency(c);
/** Cluster shade = Σ (i + j − μ_i. − μ_.j)³ p_ij */
export const clusterShade = (c: C) => engine.clusterShade(c);
/** Cluster prominence = Σ (i + j − μ_i. − μ_.j)⁴ p_ij */
export const clusterProminence = (c: C) => engine.clusterProminence(c);
/** Information correlation 1 = (HXY − HXY1) / HX */
export const informationCorrelation1 = (c: C) => engine.imc1(c);
/** Information correlation 2 = √(1 − exp(−2 (HXY2 − HXY))) */
export const informationCorrelation2 = (c: C) => engine.imc2(c);

/** IBSI GLCM features by tag stem (cm_<stem>_<aggregation>). */
export const GLCM_FEATURES: Record<string, (c: C) => number> = {
  joint_max: jointMaximum,
  joint_avg: jointAverage,
  joint_var: jointVariance,
  joint_entr: jointEntropy,
  diff_avg: differenceAverage,
  diff_var: differenceVariance,
  diff_entr: differenceEntropy,
  sum_avg: sumAverage,
  sum_var: sumVariance,
  sum_entr: sumEntropy,
  energy: angularSecondMoment,
  contrast,
  dissimilarity,
  inv_diff: inverseDifference,
  inv_diff_norm: normalisedInverseDifference,
  inv_diff_mom: inverseDifferenceMoment,
  inv_diff_mom_norm: normalisedInverseDifferenceMoment,
  inv_var: inverseVariance,
  corr: correlation,
  auto_corr: autocorrelation,
  clust_tend: clusterTendency,
  clust_shade: clusterShade,
  clust_prom: clusterProminence,
  info_corr1: informationCorrelation1,
  info_corr2: informationCorrelation2,
};

/** All cm_* features of a 3D texture grid, under the six aggregations. */
export function ibsiGlcmFeatures(grid: TextureInput): Record<string, number> {
  const slices = textureSlices(grid).flatMap((slice, s) => glcmDirectional(slice, s));
  const volume = glcmDirectional(grid, -1);
  const levels = oneTo(grid.maxLevel);
  const prepare = (counts: Float64Array) => {
    const total = counts.reduce((a, b) => a + b, 0);
    return engine.glcmCoefficients(counts.map((v) => v / total), levels, grid.maxLevel);
  };
  return aggregateFeatures('cm', directionalAggregations(slices, volume), prepare, GLCM_FEATURES);
}
