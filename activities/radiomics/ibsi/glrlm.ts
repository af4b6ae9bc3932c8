/**
 * IBSI grey level run length matrix features (family TP0I; tags rlm_*).
 *
 * Matrix: for direction m (13 in 3D, 4 in-plane per slice in 2D, the engine's textureAngles order),
 * r_ij counts the runs of grey level i and length j: maximal sequences of consecutive ROI voxels
 * along m with the same grey level. Rows are the grey levels 1..N_g, columns the run lengths
 * 1..N_r (N_r = the largest box extent), so that matrices can be merged (aggregation.ts).
 * Unlike the engine's PyRadiomics GLRLM (../glrlm.ts), a direction along which every line holds
 * a single ROI voxel still counts its runs of length 1, as IBSI defines them.
 *
 * Features (N_s = Σ r_ij runs, N_v = voxels, summed over merged matrices, p_ij = r_ij / N_s) are the
 * engine's GLRLM features, which use IBSI's formulas; N_v = Σ_j j r_.j (every voxel lies in one run).
 */
import type { Vec3 } from '../../imaging/volume';
import { textureAngles } from '../angles';
import * as engine from '../glrlm';
import type { TextureInput } from '../texture-input';
import { aggregateFeatures, directionalAggregations, type DirectionalMatrix } from './aggregation';
import { oneTo, textureSlices } from './texture-grid';

type C = engine.GlrlmCoefficients;

/** Run counts along direction (dx, dy, dz) ∈ {−1, 0, 1}³ of a grid: N_g × maxRun, row-major. */
export function runLengthMatrix(grid: TextureInput, direction: Vec3, maxRun: number): Float64Array {
  const [nx, ny, nz] = grid.size;
  const [dx, dy, dz] = direction;
  const step = dx + nx * (dy + ny * dz);
  const inBox = (x: number, y: number, z: number) => x >= 0 && x < nx && y >= 0 && y < ny && z >= 0 && z < nz;
  const counts = new Float64Array(grid.maxLevel * maxRun);
  for (let z = 0, v = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, v++) {
        const level = grid.levels[v];
        if (level === 0) continue;
        // A run starts where the previous voxel along the direction does not continue it.
        if (inBox(x - dx, y - dy, z - dz) && grid.levels[v - step] === level) continue;
        let length = 1;
        while (inBox(x + length * dx, y + length * dy, z + length * dz) && grid.levels[v + length * step] === level) length++;
        counts[(level - 1) * maxRun + length - 1]++;
      }
    }
  }
  return counts;
}

/** The run length matrix of every direction of a grid. */
export function glrlmDirectional(grid: TextureInput, slice: number, maxRun: number): DirectionalMatrix[] {
  return textureAngles(grid.size).map((direction) => ({
    slice,
    direction: direction.join(','),
    counts: runLengthMatrix(grid, direction, maxRun),
  }));
}

/** Short runs emphasis = Σ r_.j / j² / N_s */
export const shortRunsEmphasis = (c: C) => engine.shortRunEmphasis(c);
/** Long runs emphasis = Σ j² r_.j / N_s */
export const longRunsEmphasis = (c: C) => engine.longRunEmphasis(c);
/** Low grey level run emphasis = Σ r_i. / i² / N_s */
export const lowGreyLevelRunEmphasis = (c: C) => engine.lowGrayLevelRunEmphasis(c);
/** High grey level run emphasis = Σ i² r_i. / N_s */
export const highGreyLevelRunEmphasis = (c: C) => engine.highGrayLevelRunEmphasis(c);
/** Short run low grey level emphasis = Σ r_ij / (i² j²) / N_s */
export const shortRunLowGreyLevelEmphasis = (c: C) => engine.shortRunLowGrayLevelEmphasis(c);
/** Short run high grey level emphasis = Σ i² r_ij / j² / N_s */
export const shortRunHighGreyLevelEmphasis = (c: C) => engine.shortRunHighGrayLevelEmphasis(c);
/** Long run low grey level emphasis = Σ j² r_ij / i² / N_s */
export const longRunLowGreyLevelEmphasis = (c: C) => engine.longRunLowGrayLevelEmphasis(c);
/** Long run high grey level emphasis = Σ i² j² r_ij / N_s */
export const longRunHighGreyLevelEmphasis = (c: C) => engine.longRunHighGrayLevelEmphasis(c);
/** Grey level non-uniformity = Σ r_i.² / N_s */
export const greyLevelNonUniformity = (c: C) => engine.grayLevelNonUniformity(c);
/** Normalised grey level non-uniformity = Σ r_i.² / N_s² */
export const normalisedGreyLevelNonUniformity = (c: C) => engine.grayLevelNonUniformityNormalized(c);
/** Run length non-uniformity = Σ r_.j² / N_s */
export const runLengthNonUniformity = (c: C) => engine.runLengthNonUniformity(c);
/** Normalised run length non-uniformity = Σ r_.j² / N_s² */
export const normalisedRunLengthNonUniformity = (c: C) => engine.runLengthNonUniformityNormalized(c);
/** Run percentage = N_s / N_v */
export const runPercentage = (c: C) => engine.runPercentage(c);
/** Grey level variance = Σ (i − μ)² p_ij, μ = Σ i p_ij */
export const greyLevelVariance = (c: C) => engine.grayLevelVariance(c);
/** Run length variance = Σ (j − μ)² p_ij, μ = Σ j p_ij */
export const runLengthVariance = (c: C) => engine.runVariance(c);
/** Run entropy = −Σ p_ij log2 p_ij */
export const runEntropy = (c: C) => engine.runEntropy(c);

/** IBSI GLRLM features by tag stem (rlm_<stem>_<aggregation>). */
export const GLRLM_FEATURES: Record<string, (c: C) => number> = {
  sre: shortRunsEmphasis,
  lre: longRunsEmphasis,
  lgre: lowGreyLevelRunEmphasis,
  hgre: highGreyLevelRunEmphasis,
  srlge: shortRunLowGreyLevelEmphasis,
  srhge: shortRunHighGreyLevelEmphasis,
  lrlge: longRunLowGreyLevelEmphasis,
  lrhge: longRunHighGreyLevelEmphasis,
  glnu: greyLevelNonUniformity,
  glnu_norm: normalisedGreyLevelNonUniformity,
  rlnu: runLengthNonUniformity,
  rlnu_norm: normalisedRunLengthNonUniformity,
  r_perc: runPercentage,
  gl_var: greyLevelVariance,
  rl_var: runLengthVariance,
  rl_entr: runEntropy,
};

/** All rlm_* features of a 3D texture grid, under the six aggregations. */
export function ibsiGlrlmFeatures(grid: TextureInput): Record<string, number> {
  const maxRun = Math.max(...grid.size);
  const slices = textureSlices(grid).flatMap((slice, s) => glrlmDirectional(slice, s, maxRun));
  const volume = glrlmDirectional(grid, -1, maxRun);
  const levels = oneTo(grid.maxLevel);
  const runLengths = oneTo(maxRun);
  const prepare = (counts: Float64Array) => engine.glrlmCoefficients(counts, levels, runLengths);
  return aggregateFeatures('rlm', directionalAggregations(slices, volume), prepare, GLRLM_FEATURES);
}
