/**
 * IBSI intensity histogram features (family ZVCW; tags ih_*), over the discretised intensities
 * X_d ∈ {1, …, N_g} of the ROI intensity mask, in 3D.
 *
 * The histogram H = (n_1, …, n_Ng) counts the voxels per grey level, empty levels included, and
 * p_i = n_i / N_v. The statistics shared with the stat_* family (mean … qcod) are computed on X_d
 * with the same functions (statistics.ts).
 */
import { sample, SHARED_STATISTICS, type Sample } from './statistics';

/** The discretised intensities with their histogram over 1..N_g. */
export interface Histogram extends Sample {
  /** counts[i − 1] = n_i */
  counts: Float64Array;
}

export function histogram(levels: Int32Array, levelCount: number): Histogram {
  const counts = new Float64Array(levelCount);
  for (const level of levels) counts[level - 1]++;
  return { ...sample(Float64Array.from(levels)), counts };
}

/** Mode = the i with the highest n_i; among ties, the one closest to the mean (the lower when equidistant) */
export function mode(h: Histogram): number {
  let best = 0;
  for (let i = 1; i < h.counts.length; i++) {
    const closer = Math.abs(i + 1 - h.mean) < Math.abs(best + 1 - h.mean);
    if (h.counts[i] > h.counts[best] || (h.counts[i] === h.counts[best] && closer)) best = i;
  }
  return best + 1;
}
/** Entropy = −Σ p_i log2 p_i */
export function entropy(h: Histogram): number {
  let sum = 0;
  for (const n of h.counts) if (n > 0) sum -= (n / h.values.length) * Math.log2(n / h.values.length);
  return sum;
}
/** Uniformity = Σ p_i² */
export const uniformity = (h: Histogram) => h.counts.reduce((sum, n) => sum + (n / h.values.length) ** 2, 0);

/** H'_i = n_2 − n_1 (i = 1), (n_{i+1} − n_{i−1}) / 2 (1 < i < N_g), n_Ng − n_{Ng−1} (i = N_g); 0 for N_g = 1 */
export function histogramGradient(h: Histogram): Float64Array {
  const n = h.counts;
  const last = n.length - 1;
  return n.map((_, i) => {
    if (last === 0) return 0;
    if (i === 0) return n[1] - n[0];
    if (i === last) return n[last] - n[last - 1];
    return (n[i + 1] - n[i - 1]) / 2;
  });
}
const largest = (g: Float64Array) => g.reduce((a, b) => Math.max(a, b), -Infinity);
const smallest = (g: Float64Array) => g.reduce((a, b) => Math.min(a, b), Infinity);

/** Maximum histogram gradient = max H' */
export const maximumGradient = (h: Histogram) => largest(histogramGradient(h));
/** Maximum histogram gradient intensity = the (first) i where H'_i is largest */
export function maximumGradientIntensity(h: Histogram): number {
  const g = histogramGradient(h);
  return g.indexOf(largest(g)) + 1;
}
/** Minimum histogram gradient = min H' */
export const minimumGradient = (h: Histogram) => smallest(histogramGradient(h));
/** Minimum histogram gradient intensity = the (first) i where H'_i is smallest */
export function minimumGradientIntensity(h: Histogram): number {
  const g = histogramGradient(h);
  return g.indexOf(smallest(g)) + 1;
}

/** IBSI intensity histogram features by tag stem (ih_<stem>). */
export const INTENSITY_HISTOGRAM_FEATURES: Record<string, (h: Histogram) => number> = {
  ...SHARED_STATISTICS,
  mode,
  entropy,
  uniformity,
  max_grad: maximumGradient,
  max_grad_g: maximumGradientIntensity,
  min_grad: minimumGradient,
  min_grad_g: minimumGradientIntensity,
};

/** All ih_* features of the discretised ROI intensities (grey levels 1..levelCount). */
export function ibsiIntensityHistogramFeatures(levels: Int32Array, levelCount: number): Record<string, number> {
  const h = histogram(levels, levelCount);
  return Object.fromEntries(Object.entries(INTENSITY_HISTOGRAM_FEATURES).map(([stem, f]) => [`ih_${stem}`, f(h)]));
}
