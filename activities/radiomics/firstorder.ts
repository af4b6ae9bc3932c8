/**
 * PyRadiomics first-order features (radiomics/firstorder.py,
 * https://pyradiomics.readthedocs.io/en/latest/features.html#module-radiomics.firstorder),
 * computed in float64 over X, the Np intensities of the region of interest.
 *   c      = voxelArrayShift (added in Energy, TotalEnergy and RootMeanSquared only)
 *   p(i)   = share of voxels in gray-level bin i (bins of width binWidth, or binCount bins, see discretize.ts)
 *   μk     = 1/Np Σ (X(i) − X̄)^k, the k-th central moment
 *   Pq     = q-th percentile (numpy.percentile, linear interpolation)
 */
import { histogram, type Binning } from './discretize';

/** Machine epsilon (numpy.spacing(1)), keeps log2 finite in Entropy. */
const EPSILON = 2.220446049250313e-16;

export interface FirstOrderSettings extends Binning {
  voxelArrayShift: number;
}

/** All first-order features of the ROI intensities `x`, by PyRadiomics name. */
export function firstOrderFeatures(
  x: Float64Array,
  settings: FirstOrderSettings,
  voxelVolumeMm3: number,
): Record<string, number> {
  const sorted = Float64Array.from(x).sort();
  const p = binProbabilities(x, settings);
  const c = settings.voxelArrayShift;
  const m2 = centralMoment(x, 2); // shared by Variance, StandardDeviation, Skewness and Kurtosis
  return {
    Energy: energy(x, c),
    TotalEnergy: totalEnergy(x, c, voxelVolumeMm3),
    Entropy: entropy(p),
    Minimum: minimum(sorted),
    '10Percentile': percentile(sorted, 10),
    '90Percentile': percentile(sorted, 90),
    Maximum: maximum(sorted),
    Mean: mean(x),
    Median: median(sorted),
    InterquartileRange: interquartileRange(sorted),
    Range: range(sorted),
    MeanAbsoluteDeviation: meanAbsoluteDeviation(x),
    RobustMeanAbsoluteDeviation: robustMeanAbsoluteDeviation(sorted),
    RootMeanSquared: rootMeanSquared(x, c),
    StandardDeviation: Math.sqrt(m2),
    Skewness: skewnessOf(m2, centralMoment(x, 3)),
    Kurtosis: kurtosisOf(m2, centralMoment(x, 4)),
    Variance: m2,
    Uniformity: uniformity(p),
  };
}

/** p(i) = N(i) / Np for the occupied gray-level bins (a number is a binWidth). */
export function binProbabilities(x: Float64Array, binning: Binning | number): number[] {
  const counts = histogram(x, binning);
  return Array.from(counts.filter((n) => n > 0), (n) => n / x.length);
}

/** Energy = Σ (X(i) + c)² */
export function energy(x: Float64Array, c: number): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i] + c) ** 2;
  return sum;
}

/** TotalEnergy = V_voxel · Σ (X(i) + c)² */
export function totalEnergy(x: Float64Array, c: number, voxelVolumeMm3: number): number {
  return voxelVolumeMm3 * energy(x, c);
}

/** Entropy = −Σ p(i) · log2(p(i) + ε) */
export function entropy(p: readonly number[]): number {
  return -p.reduce((sum, pi) => sum + pi * Math.log2(pi + EPSILON), 0);
}

/** Minimum = min(X) */
export function minimum(sorted: Float64Array): number {
  return sorted[0];
}

/** Maximum = max(X) */
export function maximum(sorted: Float64Array): number {
  return sorted[sorted.length - 1];
}

/** Pq: linear interpolation between closest ranks at (Np − 1) · q / 100 (numpy.percentile default). */
export function percentile(sorted: Float64Array, q: number): number {
  const position = (q / 100) * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return lerp(sorted[below], sorted[above], position - below);
}

/** numpy's lerp: a + (b − a)·t, computed from b when t ≥ 0.5 for accuracy. */
function lerp(a: number, b: number, t: number): number {
  const difference = b - a;
  return t >= 0.5 ? b - difference * (1 - t) : a + difference * t;
}

/** Median = middle value of sorted X (mean of the two middle values when Np is even). */
export function median(sorted: Float64Array): number {
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** InterquartileRange = P75 − P25 */
export function interquartileRange(sorted: Float64Array): number {
  return percentile(sorted, 75) - percentile(sorted, 25);
}

/** Range = max(X) − min(X) */
export function range(sorted: Float64Array): number {
  return maximum(sorted) - minimum(sorted);
}

/** Mean = 1/Np Σ X(i) */
export function mean(x: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i];
  return sum / x.length;
}

/** MeanAbsoluteDeviation = 1/Np Σ |X(i) − X̄| */
export function meanAbsoluteDeviation(x: Float64Array): number {
  const m = mean(x);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i] - m);
  return sum / x.length;
}

/** RobustMeanAbsoluteDeviation = MeanAbsoluteDeviation of the voxels with P10 ≤ X(i) ≤ P90 */
export function robustMeanAbsoluteDeviation(sorted: Float64Array): number {
  const p10 = percentile(sorted, 10);
  const p90 = percentile(sorted, 90);
  return meanAbsoluteDeviation(sorted.filter((v) => v >= p10 && v <= p90));
}

/** RootMeanSquared = sqrt(1/Np Σ (X(i) + c)²) */
export function rootMeanSquared(x: Float64Array, c: number): number {
  return Math.sqrt(energy(x, c) / x.length);
}

/** μk = 1/Np Σ (X(i) − X̄)^k */
export function centralMoment(x: Float64Array, k: number): number {
  const m = mean(x);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i] - m) ** k;
  return sum / x.length;
}

/** Variance = μ2 (population variance, divides by Np) */
export function variance(x: Float64Array): number {
  return centralMoment(x, 2);
}

/** StandardDeviation = sqrt(μ2) (deprecated in PyRadiomics, equal to sqrt(Variance)) */
export function standardDeviation(x: Float64Array): number {
  return Math.sqrt(variance(x));
}

/** Skewness = μ3 / μ2^(3/2), 0 for a flat region */
export function skewness(x: Float64Array): number {
  return skewnessOf(centralMoment(x, 2), centralMoment(x, 3));
}

function skewnessOf(m2: number, m3: number): number {
  return m2 === 0 ? 0 : m3 / m2 ** 1.5;
}

/** Kurtosis = μ4 / μ2² (not excess kurtosis: IBSI kurtosis + 3), 0 for a flat region */
export function kurtosis(x: Float64Array): number {
  return kurtosisOf(centralMoment(x, 2), centralMoment(x, 4));
}

function kurtosisOf(m2: number, m4: number): number {
  return m2 === 0 ? 0 : m4 / m2 ** 2;
}

/** Uniformity = Σ p(i)² */
export function uniformity(p: readonly number[]): number {
  return p.reduce((sum, pi) => sum + pi * pi, 0);
}
