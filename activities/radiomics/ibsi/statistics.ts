/**
 * IBSI intensity-based statistical features (family UHIW; tags stat_*), computed over the
 * intensities X_gl of the N_v voxels in the ROI intensity mask, in 3D.
 *
 * μ = mean, σ² = population variance (÷ N_v); P_q = q-th percentile by linear interpolation between
 * order statistics (numpy.percentile's default, as MIRP computes it); M = median = P_50.
 * The same functions serve the intensity histogram family on discretised intensities (see
 * intensity-histogram.ts).
 */

/** The intensities, sorted, with their mean: what every statistic starts from. */
export interface Sample {
  values: Float64Array;
  sorted: Float64Array;
  mean: number;
}

export function sample(values: Float64Array): Sample {
  const sorted = Float64Array.from(values).sort();
  return { values, sorted, mean: values.reduce((a, b) => a + b, 0) / values.length };
}

/** P_q: position h = (N_v − 1) q/100 in the sorted values, interpolated linearly. */
export function percentile(s: Sample, q: number): number {
  const h = ((s.sorted.length - 1) * q) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.sorted.length - 1);
  return s.sorted[lo] + (h - lo) * (s.sorted[hi] - s.sorted[lo]);
}

/** 1/N_v Σ (X − c)^power */
function centralMoment(s: Sample, power: number): number {
  let sum = 0;
  for (const x of s.values) sum += (x - s.mean) ** power;
  return sum / s.values.length;
}

/** Mean = 1/N_v Σ X */
export const meanIntensity = (s: Sample) => s.mean;
/** Variance = 1/N_v Σ (X − μ)² */
export const variance = (s: Sample) => centralMoment(s, 2);
/** Skewness = [1/N_v Σ (X − μ)³] / σ³ (0 when σ = 0) */
export function skewness(s: Sample): number {
  const v = variance(s);
  return v === 0 ? 0 : centralMoment(s, 3) / v ** 1.5;
}
/** (Excess) kurtosis = [1/N_v Σ (X − μ)⁴] / σ⁴ − 3 (0 when σ = 0) */
export function kurtosis(s: Sample): number {
  const v = variance(s);
  return v === 0 ? 0 : centralMoment(s, 4) / v ** 2 - 3;
}
/** Median = P_50 */
export const median = (s: Sample) => percentile(s, 50);
/** Minimum = min X */
export const minimum = (s: Sample) => s.sorted[0];
/** 10th percentile = P_10 */
export const percentile10 = (s: Sample) => percentile(s, 10);
/** 90th percentile = P_90 */
export const percentile90 = (s: Sample) => percentile(s, 90);
/** Maximum = max X */
export const maximum = (s: Sample) => s.sorted[s.sorted.length - 1];
/** Interquartile range = P_75 − P_25 */
export const interquartileRange = (s: Sample) => percentile(s, 75) - percentile(s, 25);
/** Range = max X − min X */
export const range = (s: Sample) => maximum(s) - minimum(s);
/** Mean absolute deviation = 1/N_v Σ |X − μ| */
export const meanAbsoluteDeviation = (s: Sample) => absoluteDeviation(s.values, s.mean);
/** Robust mean absolute deviation = mean |X − X̄| over the X with P_10 ≤ X ≤ P_90 (X̄ their mean) */
export function robustMeanAbsoluteDeviation(s: Sample): number {
  const [lo, hi] = [percentile10(s), percentile90(s)];
  const kept = s.values.filter((x) => x >= lo && x <= hi);
  return absoluteDeviation(kept, kept.reduce((a, b) => a + b, 0) / kept.length);
}
/** Median absolute deviation = 1/N_v Σ |X − M| */
export const medianAbsoluteDeviation = (s: Sample) => absoluteDeviation(s.values, median(s));
/** Coefficient of variation = σ / μ */
export const coefficientOfVariation = (s: Sample) => Math.sqrt(variance(s)) / s.mean;
/** Quartile coefficient of dispersion = (P_75 − P_25) / (P_75 + P_25) */
export function quartileCoefficientOfDispersion(s: Sample): number {
  const [p25, p75] = [percentile(s, 25), percentile(s, 75)];
  return (p75 - p25) / (p75 + p25);
}
/** Energy = Σ X² */
export const energy = (s: Sample) => s.values.reduce((sum, x) => sum + x * x, 0);
/** Root mean square = √(Σ X² / N_v) */
export const rootMeanSquare = (s: Sample) => Math.sqrt(energy(s) / s.values.length);

/** 1/N Σ |X − c| */
function absoluteDeviation(values: Float64Array, centre: number): number {
  let sum = 0;
  for (const x of values) sum += Math.abs(x - centre);
  return sum / values.length;
}

/** Statistics shared with the intensity histogram family, by tag stem. */
export const SHARED_STATISTICS: Record<string, (s: Sample) => number> = {
  mean: meanIntensity,
  var: variance,
  skew: skewness,
  kurt: kurtosis,
  median,
  min: minimum,
  p10: percentile10,
  p90: percentile90,
  max: maximum,
  iqr: interquartileRange,
  range,
  mad: meanAbsoluteDeviation,
  rmad: robustMeanAbsoluteDeviation,
  medad: medianAbsoluteDeviation,
  cov: coefficientOfVariation,
  qcod: quartileCoefficientOfDispersion,
};

/** IBSI statistical features by tag stem (stat_<stem>). */
export const STATISTICS_FEATURES: Record<string, (s: Sample) => number> = {
  ...SHARED_STATISTICS,
  energy,
  rms: rootMeanSquare,
};

/** All stat_* features of the ROI intensities. */
export function ibsiStatisticsFeatures(intensities: Float64Array): Record<string, number> {
  const s = sample(intensities);
  return Object.fromEntries(Object.entries(STATISTICS_FEATURES).map(([stem, f]) => [`stat_${stem}`, f(s)]));
}
