/**
 * IBSI neighbourhood grey tone difference matrix features (family IPET; tags ngt_*).
 *
 * For ROI voxel k with grey level i, X̄_k is the mean grey level of its ROI neighbours within
 * Chebyshev distance 1 (26 in 3D, 8 in-plane in 2D), the centre excluded. A voxel without any ROI
 * neighbour has no valid neighbourhood and is left out entirely. Then
 *   n_i = voxels of grey level i with a valid neighbourhood,  s_i = Σ |i − X̄_k| over them,
 *   N_v,c = Σ n_i,  p_i = n_i / N_v,c,  N_g,p = number of grey levels with p_i > 0.
 * This differs from the engine's PyRadiomics NGTDM (../ngtdm.ts), which counts voxels without
 * neighbours in n_i; the features are its functions, whose formulas are IBSI's.
 */
import { neighbourhood } from '../neighbourhood';
import * as engine from '../ngtdm';
import type { TextureInput } from '../texture-input';
import { aggregateFeatures, zoneAggregations } from './aggregation';
import { textureSlices } from './texture-grid';

type T = engine.NgtdmTerms;

/** The NGTDM of a grid (3D, or 2D for a slice grid): rows for the grey levels with n_i > 0. */
export function greyToneDifferenceMatrix(grid: TextureInput): engine.NgtdmMatrix {
  const [nx, ny, nz] = grid.size;
  const links = neighbourhood(grid.size, { distances: [1], force2D: false, force2Ddimension: 0 });
  const n = new Float64Array(grid.maxLevel + 1);
  const s = new Float64Array(grid.maxLevel + 1);
  for (let z = 0, v = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, v++) {
        const level = grid.levels[v];
        if (level === 0) continue;
        let count = 0;
        let sum = 0;
        for (let a = 0; a < links.count; a++) {
          const [xn, yn, zn] = [x + links.dx[a], y + links.dy[a], z + links.dz[a]];
          if (xn < 0 || xn >= nx || yn < 0 || yn >= ny || zn < 0 || zn >= nz) continue;
          const other = grid.levels[v + links.step[a]];
          if (other === 0) continue;
          count++;
          sum += other;
        }
        if (count === 0) continue; // no valid neighbourhood
        n[level]++;
        s[level] += Math.abs(level - sum / count);
      }
    }
  }
  return fromPerLevel(n, s);
}

/** Merge NGTDMs (2.5D): n_i and s_i summed per grey level. */
export function mergeGreyToneDifference(list: readonly engine.NgtdmMatrix[]): engine.NgtdmMatrix {
  const top = Math.max(0, ...list.flatMap((m) => [...m.grayLevels]));
  const n = new Float64Array(top + 1);
  const s = new Float64Array(top + 1);
  for (const m of list) {
    m.grayLevels.forEach((level, r) => {
      n[level] += m.counts[r];
      s[level] += m.differences[r];
    });
  }
  return fromPerLevel(n, s);
}

function fromPerLevel(n: Float64Array, s: Float64Array): engine.NgtdmMatrix {
  const rows = [...n.keys()].filter((level) => n[level] > 0);
  return {
    grayLevels: Float64Array.from(rows),
    counts: Float64Array.from(rows, (level) => n[level]),
    differences: Float64Array.from(rows, (level) => s[level]),
  };
}

/** Coarseness = 1 / Σ p_i s_i (10⁶ when the sum is 0) */
export const coarseness = (t: T) => engine.coarseness(t);
/** Contrast = [Σ_i Σ_j p_i p_j (i − j)² / (N_g,p (N_g,p − 1))] · Σ s_i / N_v,c */
export const contrast = (t: T) => engine.contrast(t);
/** Busyness = Σ p_i s_i / Σ_i Σ_j |i p_i − j p_j| (p_i, p_j > 0) */
export const busyness = (t: T) => engine.busyness(t);
/** Complexity = Σ_i Σ_j |i − j| (p_i s_i + p_j s_j) / (p_i + p_j) / N_v,c */
export const complexity = (t: T) => engine.complexity(t);
/** Strength = Σ_i Σ_j (p_i + p_j)(i − j)² / Σ s_i */
export const strength = (t: T) => engine.strength(t);

/** IBSI NGTDM features by tag stem (ngt_<stem>_<aggregation>). */
export const NGTDM_FEATURES: Record<string, (t: T) => number> = { coarseness, contrast, busyness, complexity, strength };

/** All ngt_* features of a 3D texture grid, in 2D, 2.5D and 3D. */
export function ibsiNgtdmFeatures(grid: TextureInput): Record<string, number> {
  const slices = textureSlices(grid).map(greyToneDifferenceMatrix);
  const aggregations = zoneAggregations(slices, greyToneDifferenceMatrix(grid), mergeGreyToneDifference);
  return aggregateFeatures('ngt', aggregations, engine.ngtdmTerms, NGTDM_FEATURES);
}
