/**
 * IBSI intensity discretisation (IBSI 1 manual, section "Intensity discretisation"): turns the ROI
 * intensities X_gl into grey levels X_d ∈ {1, …, N_g} for the intensity histogram and the texture
 * families. Three methods:
 *
 *   none               the intensities are the grey levels already (integers ≥ 1, e.g. the
 *                      digital phantom); N_g = the largest one
 *   fixed_bin_size     X_d = ⌊(X_gl − X_min) / w_b⌋ + 1, X_min = `lowerBound` (the lower bound of a
 *                      re-segmentation range) or else min(X_gl); N_g = the largest level
 *   fixed_bin_number   X_d = ⌊N_g (X_gl − min) / (max − min)⌋ + 1, and N_g for X_gl = max;
 *                      every voxel gets 1 when max = min
 *
 * These are IBSI's formulas, not PyRadiomics' (whose fixed bin width puts bin edges on multiples
 * of the width: see ../discretize.ts).
 */
import { InvalidSettingsError } from '../../errors';

export type IbsiDiscretisation =
  | { method: 'none' }
  | { method: 'fixed_bin_size'; binWidth: number; lowerBound?: number }
  | { method: 'fixed_bin_number'; binCount: number };

export interface GreyLevels {
  /** Grey level (1..levelCount) of every ROI voxel, in the order of the intensities given. */
  levels: Int32Array;
  /** N_g: the number of grey levels, whether or not each occurs. */
  levelCount: number;
}

/** Discretise ROI intensities with one of the IBSI methods. */
export function discretise(intensities: Float64Array, method: IbsiDiscretisation): GreyLevels {
  switch (method.method) {
    case 'none':
      return asGreyLevels(intensities);
    case 'fixed_bin_size':
      return fixedBinSize(intensities, method.binWidth, method.lowerBound);
    case 'fixed_bin_number':
      return fixedBinNumber(intensities, method.binCount);
  }
}

/** No discretisation: X_d = X_gl, which must be integers ≥ 1. */
function asGreyLevels(intensities: Float64Array): GreyLevels {
  for (const v of intensities) {
    if (!Number.isInteger(v) || v < 1) {
      const problem = `discretisation 'none' needs integer intensities ≥ 1 (found ${v})`;
      throw new InvalidSettingsError(`${problem}: choose fixed_bin_size or fixed_bin_number`);
    }
  }
  return withCount(Int32Array.from(intensities));
}

/** X_d = ⌊(X_gl − X_min) / w_b⌋ + 1 */
function fixedBinSize(intensities: Float64Array, binWidth: number, lowerBound?: number): GreyLevels {
  if (!(binWidth > 0 && Number.isFinite(binWidth))) throw new InvalidSettingsError(`binWidth must be positive, not ${binWidth}`);
  const low = lowerBound ?? intensities.reduce((a, b) => Math.min(a, b), Infinity);
  const levels = Int32Array.from(intensities, (v) => Math.floor((v - low) / binWidth) + 1);
  if (levels.some((level) => level < 1)) throw new InvalidSettingsError(`intensities below the lower bound ${low}`);
  return withCount(levels);
}

/** X_d = ⌊N_g (X_gl − min) / (max − min)⌋ + 1, capped at N_g */
function fixedBinNumber(intensities: Float64Array, binCount: number): GreyLevels {
  if (!(Number.isInteger(binCount) && binCount >= 1)) {
    throw new InvalidSettingsError(`binCount must be a positive integer, not ${binCount}`);
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of intensities) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const range = max - min;
  const levels = Int32Array.from(intensities, (v) =>
    range === 0 ? 1 : Math.min(Math.floor((binCount * (v - min)) / range) + 1, binCount),
  );
  return { levels, levelCount: binCount };
}

function withCount(levels: Int32Array): GreyLevels {
  let levelCount = 0;
  for (const level of levels) if (level > levelCount) levelCount = level;
  return { levels, levelCount };
}
