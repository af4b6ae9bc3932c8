/**
 * IBSI grey level size zone matrix features (family 9SAK; tags szm_*).
 *
 * A zone is a set of ROI voxels with the same grey level, linked at Chebyshev distance 1
 * (26-connected in 3D, 8-connected within a slice in 2D); s_ij counts the zones of grey level i and
 * size j voxels. That is the engine's GLSZM (../glszm.ts), on a slice grid for 2D. With
 * N_s = Σ s_ij zones, N_v voxels, p_ij = s_ij / N_s and the marginals s_i. and s_.j:
 */
import * as ls from '../level-size-matrix';
import { glszmMatrix } from '../glszm';
import type { TextureInput } from '../texture-input';
import { aggregateFeatures, zoneAggregations } from './aggregation';
import { countPercentage, levelSizeTerms, mergeCounted, type CountedMatrix, type LevelSizeTerms } from './level-size';
import { textureSlices } from './texture-grid';

type T = LevelSizeTerms;

/** The size zone matrix of a grid (3D, or 2D for a slice grid). */
export function sizeZoneMatrix(grid: TextureInput): CountedMatrix {
  return { matrix: glszmMatrix(grid, { force2D: false, force2Ddimension: 0 }), voxels: grid.voxelCount };
}

/** Small zone emphasis = Σ s_.j / j² / N_s */
export const smallZoneEmphasis = (t: T) => ls.smallSizeEmphasis(t);
/** Large zone emphasis = Σ j² s_.j / N_s */
export const largeZoneEmphasis = (t: T) => ls.largeSizeEmphasis(t);
/** Low grey level zone emphasis = Σ s_i. / i² / N_s */
export const lowGreyLevelZoneEmphasis = (t: T) => ls.lowGrayLevelEmphasis(t);
/** High grey level zone emphasis = Σ i² s_i. / N_s */
export const highGreyLevelZoneEmphasis = (t: T) => ls.highGrayLevelEmphasis(t);
/** Small zone low grey level emphasis = Σ s_ij / (i² j²) / N_s */
export const smallZoneLowGreyLevelEmphasis = (t: T) => ls.smallSizeLowGrayLevelEmphasis(t);
/** Small zone high grey level emphasis = Σ i² s_ij / j² / N_s */
export const smallZoneHighGreyLevelEmphasis = (t: T) => ls.smallSizeHighGrayLevelEmphasis(t);
/** Large zone low grey level emphasis = Σ j² s_ij / i² / N_s */
export const largeZoneLowGreyLevelEmphasis = (t: T) => ls.largeSizeLowGrayLevelEmphasis(t);
/** Large zone high grey level emphasis = Σ i² j² s_ij / N_s */
export const largeZoneHighGreyLevelEmphasis = (t: T) => ls.largeSizeHighGrayLevelEmphasis(t);
/** Grey level non-uniformity = Σ s_i.² / N_s */
export const greyLevelNonUniformity = (t: T) => ls.grayLevelNonUniformity(t);
/** Normalised grey level non-uniformity = Σ s_i.² / N_s² */
export const normalisedGreyLevelNonUniformity = (t: T) => ls.grayLevelNonUniformityNormalized(t);
/** Zone size non-uniformity = Σ s_.j² / N_s */
export const zoneSizeNonUniformity = (t: T) => ls.sizeNonUniformity(t);
/** Normalised zone size non-uniformity = Σ s_.j² / N_s² */
export const normalisedZoneSizeNonUniformity = (t: T) => ls.sizeNonUniformityNormalized(t);
/** Zone percentage = N_s / N_v */
export const zonePercentage = (t: T) => countPercentage(t);
/** Grey level variance = Σ (i − μ)² p_ij, μ = Σ i p_ij */
export const greyLevelVariance = (t: T) => ls.grayLevelVariance(t);
/** Zone size variance = Σ (j − μ)² p_ij, μ = Σ j p_ij */
export const zoneSizeVariance = (t: T) => ls.sizeVariance(t);
/** Zone size entropy = −Σ p_ij log2 p_ij */
export const zoneSizeEntropy = (t: T) => ls.sizeEntropy(t);

/** IBSI GLSZM features by tag stem (szm_<stem>_<aggregation>). */
export const GLSZM_FEATURES: Record<string, (t: T) => number> = {
  sze: smallZoneEmphasis,
  lze: largeZoneEmphasis,
  lgze: lowGreyLevelZoneEmphasis,
  hgze: highGreyLevelZoneEmphasis,
  szlge: smallZoneLowGreyLevelEmphasis,
  szhge: smallZoneHighGreyLevelEmphasis,
  lzlge: largeZoneLowGreyLevelEmphasis,
  lzhge: largeZoneHighGreyLevelEmphasis,
  glnu: greyLevelNonUniformity,
  glnu_norm: normalisedGreyLevelNonUniformity,
  zsnu: zoneSizeNonUniformity,
  zsnu_norm: normalisedZoneSizeNonUniformity,
  z_perc: zonePercentage,
  gl_var: greyLevelVariance,
  zs_var: zoneSizeVariance,
  zs_entr: zoneSizeEntropy,
};

/** All szm_* features of a 3D texture grid, in 2D, 2.5D and 3D. */
export function ibsiGlszmFeatures(grid: TextureInput): Record<string, number> {
  const aggregations = zoneAggregations(textureSlices(grid).map(sizeZoneMatrix), sizeZoneMatrix(grid), mergeCounted);
  return aggregateFeatures('szm', aggregations, levelSizeTerms, GLSZM_FEATURES);
}
