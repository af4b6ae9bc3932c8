/**
 * IBSI neighbouring grey level dependence matrix features (family REK0; tags ngl_*).
 *
 * The dependence j_k of ROI voxel k is 1 (the voxel itself) plus the number of ROI neighbours
 * within Chebyshev distance δ = 1 (26 in 3D, 8 in-plane in 2D) whose grey level differs from its
 * own by at most α (coarseness; IBSI's default α = 0); s_ij counts the voxels of grey level i with
 * dependence j. That is the engine's GLDM (../gldm.ts) with gldm_a = α, on a slice grid for 2D.
 * With N_s = Σ s_ij (= N_v, every voxel counted), p_ij = s_ij / N_s and the marginals s_i., s_.j:
 */
import { gldmMatrix } from '../gldm';
import * as ls from '../level-size-matrix';
import type { TextureInput } from '../texture-input';
import { aggregateFeatures, zoneAggregations } from './aggregation';
import { countPercentage, energy, levelSizeTerms, mergeCounted, type CountedMatrix, type LevelSizeTerms } from './level-size';
import { textureSlices } from './texture-grid';

type T = LevelSizeTerms;

/** The dependence matrix of a grid (3D, or 2D for a slice grid), coarseness α. */
export function dependenceMatrix(grid: TextureInput, alpha: number): CountedMatrix {
  const matrix = gldmMatrix(grid, { distances: [1], force2D: false, force2Ddimension: 0, gldm_a: alpha });
  return { matrix, voxels: grid.voxelCount };
}

/** Low dependence emphasis = Σ s_.j / j² / N_s */
export const lowDependenceEmphasis = (t: T) => ls.smallSizeEmphasis(t);
/** High dependence emphasis = Σ j² s_.j / N_s */
export const highDependenceEmphasis = (t: T) => ls.largeSizeEmphasis(t);
/** Low grey level count emphasis = Σ s_i. / i² / N_s */
export const lowGreyLevelCountEmphasis = (t: T) => ls.lowGrayLevelEmphasis(t);
/** High grey level count emphasis = Σ i² s_i. / N_s */
export const highGreyLevelCountEmphasis = (t: T) => ls.highGrayLevelEmphasis(t);
/** Low dependence low grey level emphasis = Σ s_ij / (i² j²) / N_s */
export const lowDependenceLowGreyLevelEmphasis = (t: T) => ls.smallSizeLowGrayLevelEmphasis(t);
/** Low dependence high grey level emphasis = Σ i² s_ij / j² / N_s */
export const lowDependenceHighGreyLevelEmphasis = (t: T) => ls.smallSizeHighGrayLevelEmphasis(t);
/** High dependence low grey level emphasis = Σ j² s_ij / i² / N_s */
export const highDependenceLowGreyLevelEmphasis = (t: T) => ls.largeSizeLowGrayLevelEmphasis(t);
/** High dependence high grey level emphasis = Σ i² j² s_ij / N_s */
export const highDependenceHighGreyLevelEmphasis = (t: T) => ls.largeSizeHighGrayLevelEmphasis(t);
/** Grey level non-uniformity = Σ s_i.² / N_s */
export const greyLevelNonUniformity = (t: T) => ls.grayLevelNonUniformity(t);
/** Normalised grey level non-uniformity = Σ s_i.² / N_s² */
export const normalisedGreyLevelNonUniformity = (t: T) => ls.grayLevelNonUniformityNormalized(t);
/** Dependence count non-uniformity = Σ s_.j² / N_s */
export const dependenceCountNonUniformity = (t: T) => ls.sizeNonUniformity(t);
/** Normalised dependence count non-uniformity = Σ s_.j² / N_s² */
export const normalisedDependenceCountNonUniformity = (t: T) => ls.sizeNonUniformityNormalized(t);
/** Dependence count percentage = N_s / N_v */
export const dependenceCountPercentage = (t: T) => countPercentage(t);
/** Grey level variance = Σ (i − μ)² p_ij, μ = Σ i p_ij */
export const greyLevelVariance = (t: T) => ls.grayLevelVariance(t);
/** Dependence count variance = Σ (j − μ)² p_ij, μ = Σ j p_ij */
export const dependenceCountVariance = (t: T) => ls.sizeVariance(t);
/** Dependence count entropy = −Σ p_ij log2 p_ij */
export const dependenceCountEntropy = (t: T) => ls.sizeEntropy(t);
/** Dependence count energy = Σ p_ij² */
export const dependenceCountEnergy = (t: T) => energy(t);

/** IBSI NGLDM features by tag stem (ngl_<stem>_<aggregation>). */
export const NGLDM_FEATURES: Record<string, (t: T) => number> = {
  lde: lowDependenceEmphasis,
  hde: highDependenceEmphasis,
  lgce: lowGreyLevelCountEmphasis,
  hgce: highGreyLevelCountEmphasis,
  ldlge: lowDependenceLowGreyLevelEmphasis,
  ldhge: lowDependenceHighGreyLevelEmphasis,
  hdlge: highDependenceLowGreyLevelEmphasis,
  hdhge: highDependenceHighGreyLevelEmphasis,
  glnu: greyLevelNonUniformity,
  glnu_norm: normalisedGreyLevelNonUniformity,
  dcnu: dependenceCountNonUniformity,
  dcnu_norm: normalisedDependenceCountNonUniformity,
  dc_perc: dependenceCountPercentage,
  gl_var: greyLevelVariance,
  dc_var: dependenceCountVariance,
  dc_entr: dependenceCountEntropy,
  dc_energy: dependenceCountEnergy,
};

/** All ngl_* features of a 3D texture grid, in 2D, 2.5D and 3D (coarseness α, default 0). */
export function ibsiNgldmFeatures(grid: TextureInput, alpha = 0): Record<string, number> {
  const slices = textureSlices(grid).map((slice) => dependenceMatrix(slice, alpha));
  const aggregations = zoneAggregations(slices, dependenceMatrix(grid, alpha), mergeCounted);
  return aggregateFeatures('ngl', aggregations, levelSizeTerms, NGLDM_FEATURES);
}
