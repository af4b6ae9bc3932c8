/**
 * IBSI intensity-volume histogram features (family P88C; tags ivh_*), in 3D over the ROI
 * intensity mask.
 *
 * The IVH is evaluated on a grid of intensities i ∈ G = [min G, max G] with step w_d, absent
 * intensities included:
 *   ν_i = fraction of voxels whose (IVH-discretised) intensity X_d,gl ≥ i   (volume fraction)
 *   γ_i = (i − min G) / (max G − min G)                                      (intensity fraction)
 * How X_d,gl, G and w_d are found depends on the kind of intensities (IBSI 1 manual):
 *   none               discrete calibrated intensities (e.g. CT, the digital phantom): X_d,gl = X_gl,
 *                      w_d = 1, G = the re-segmentation `range` if given, else [min X_gl, max X_gl]
 *   fixed_bin_size     continuous calibrated intensities (e.g. PET): X_d = ⌊(X_gl − X_min)/w_b⌋ + 1,
 *                      X_d,gl = X_min + (X_d − 0.5) w_b, w_d = w_b, G = [X_min + w_b/2, X_max − w_b/2],
 *                      X_min/X_max = the re-segmentation bounds if given, else min/max X_gl
 *   fixed_bin_number   arbitrary units (e.g. MRI; IBSI suggests 1000 bins): X_d,gl = X_d ∈ 1..N_g,
 *                      w_d = 1, G = [1, N_g]
 */
import { discretise } from './discretisation';

export type IvhDiscretisation =
  | { method: 'none'; range?: [number, number] }
  | { method: 'fixed_bin_size'; binWidth: number; lowerBound?: number; upperBound?: number }
  | { method: 'fixed_bin_number'; binCount: number };

/** The IVH on its intensity grid i_k = min G + k w_d, k = 0..K. */
export interface IntensityVolumeHistogram {
  /** i_k */
  intensity: Float64Array;
  /** ν_k */
  volume: Float64Array;
  /** γ_k */
  fraction: Float64Array;
}

/** The IVH of the ROI intensities. */
export function intensityVolumeHistogram(intensities: Float64Array, method: IvhDiscretisation): IntensityVolumeHistogram {
  const { values, low, high, step } = ivhIntensities(intensities, method);
  const K = Math.max(0, Math.round((high - low) / step));
  // A voxel counts in ν_k for every k up to its grid position ⌊(X_d,gl − min G) / w_d⌋ (a hair of
  // slack absorbs rounding for values on the grid); one below min G counts nowhere.
  const atLeast = new Float64Array(K + 2); // after the cumulative sum: voxels with position ≥ k
  for (const v of values) {
    const position = Math.floor((v - low) / step + 1e-9);
    if (position >= 0) atLeast[Math.min(position, K + 1)]++;
  }
  for (let k = K; k >= 0; k--) atLeast[k] += atLeast[k + 1];
  const n = values.length;
  return {
    intensity: Float64Array.from({ length: K + 1 }, (_, k) => low + k * step),
    volume: Float64Array.from({ length: K + 1 }, (_, k) => atLeast[k] / n),
    fraction: Float64Array.from({ length: K + 1 }, (_, k) => (K === 0 ? 0 : k / K)),
  };
}

interface IvhIntensities {
  /** X_d,gl per voxel. */
  values: Float64Array;
  /** min G, max G, w_d */
  low: number;
  high: number;
  step: number;
}

/** X_d,gl, min G, max G and w_d for a discretisation method. */
function ivhIntensities(x: Float64Array, method: IvhDiscretisation): IvhIntensities {
  const min = x.reduce((a, b) => Math.min(a, b), Infinity);
  const max = x.reduce((a, b) => Math.max(a, b), -Infinity);
  switch (method.method) {
    case 'none':
      return { values: x, low: method.range?.[0] ?? min, high: method.range?.[1] ?? max, step: 1 };
    case 'fixed_bin_size': {
      const lower = method.lowerBound ?? min;
      const upper = method.upperBound ?? max;
      const w = method.binWidth;
      const { levels } = discretise(x, { method: 'fixed_bin_size', binWidth: w, lowerBound: lower });
      const values = Float64Array.from(levels, (d) => lower + (d - 0.5) * w);
      return { values, low: lower + w / 2, high: upper - w / 2, step: w };
    }
    case 'fixed_bin_number': {
      const { levels } = discretise(x, { method: 'fixed_bin_number', binCount: method.binCount });
      return { values: Float64Array.from(levels), low: 1, high: method.binCount, step: 1 };
    }
  }
}

/** V_x = the largest ν_i with γ_i ≥ x (ν decreases with i: the first such i) */
export function volumeAtIntensityFraction(h: IntensityVolumeHistogram, x: number): number {
  const k = h.fraction.findIndex((g) => g >= x - 1e-12);
  return k < 0 ? 0 : h.volume[k];
}

/** I_x = the smallest intensity i with ν_i ≤ x (max G + w_d when there is none) */
export function intensityAtVolumeFraction(h: IntensityVolumeHistogram, x: number): number {
  const k = h.volume.findIndex((v) => v <= x);
  if (k >= 0) return h.intensity[k];
  const last = h.intensity.length - 1;
  return h.intensity[last] + (last > 0 ? h.intensity[1] - h.intensity[0] : 1);
}

/** V_10 */
export const volumeAt10 = (h: IntensityVolumeHistogram) => volumeAtIntensityFraction(h, 0.1);
/** V_90 */
export const volumeAt90 = (h: IntensityVolumeHistogram) => volumeAtIntensityFraction(h, 0.9);
/** I_10 */
export const intensityAt10 = (h: IntensityVolumeHistogram) => intensityAtVolumeFraction(h, 0.1);
/** I_90 */
export const intensityAt90 = (h: IntensityVolumeHistogram) => intensityAtVolumeFraction(h, 0.9);
/** V_10 − V_90 */
export const volumeDifference10to90 = (h: IntensityVolumeHistogram) => volumeAt10(h) - volumeAt90(h);
/** I_10 − I_90 */
export const intensityDifference10to90 = (h: IntensityVolumeHistogram) => intensityAt10(h) - intensityAt90(h);
/** Area under the IVH curve = Σ (γ_{k+1} − γ_k)(ν_k + ν_{k+1}) / 2 (0 for one intensity; no IBSI reference value) */
export function areaUnderCurve(h: IntensityVolumeHistogram): number {
  let area = 0;
  for (let k = 0; k + 1 < h.volume.length; k++) {
    area += ((h.fraction[k + 1] - h.fraction[k]) * (h.volume[k] + h.volume[k + 1])) / 2;
  }
  return area;
}

/** IBSI IVH features by tag stem (ivh_<stem>). */
export const IVH_FEATURES: Record<string, (h: IntensityVolumeHistogram) => number> = {
  v10: volumeAt10,
  v90: volumeAt90,
  i10: intensityAt10,
  i90: intensityAt90,
  diff_v10_v90: volumeDifference10to90,
  diff_i10_i90: intensityDifference10to90,
  auc: areaUnderCurve,
};

/** All ivh_* features of the ROI intensities. */
export function ibsiIvhFeatures(
  intensities: Float64Array,
  method: IvhDiscretisation = { method: 'none' },
): Record<string, number> {
  const h = intensityVolumeHistogram(intensities, method);
  return Object.fromEntries(Object.entries(IVH_FEATURES).map(([stem, f]) => [`ivh_${stem}`, f(h)]));
}
