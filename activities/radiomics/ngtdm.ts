/**
 * PyRadiomics Neighbouring Gray Tone Difference Matrix features (radiomics/ngtdm.py,
 * https://pyradiomics.readthedocs.io/en/latest/features.html#module-radiomics.ngtdm).
 *
 * For each ROI voxel of gray level i, Ā is the mean gray level of its neighbours (ROI voxels at one
 * of the `distances`, both directions, in-plane with force2D; the center itself excluded), and
 *   n_i = number of ROI voxels with gray level i
 *   s_i = Σ |i − Ā| over those voxels
 * A voxel without any ROI neighbour still counts in n_i and adds 0 to s_i, as in PyRadiomics.
 * Rows hold the gray levels with n_i > 0. With
 *   Nvp = Σ n_i,  p_i = n_i / Nvp,  Ngp = number of gray levels with p_i > 0
 * the double sums below run over the gray levels i, j of the rows (all have p > 0).
 */
import type { RadiomicsSettings } from './settings';
import type { TextureInput } from './texture-input';
import { neighbourhood, neighbourSteps } from './neighbourhood';
import { paddedLevels, type PaddedLevels } from './texture-common';

export interface NgtdmMatrix {
  /** Gray level i of each row, ascending. */
  grayLevels: Float64Array;
  /** n_i per row. */
  counts: Float64Array;
  /** s_i per row. */
  differences: Float64Array;
}

export type NgtdmSettings = Pick<RadiomicsSettings, 'distances' | 'force2D' | 'force2Ddimension'>;

/** The NGTDM of the ROI (on the box padded by the largest distance: neighbours outside it read 0). */
export function ngtdmMatrix(input: TextureInput, settings: NgtdmSettings): NgtdmMatrix {
  const { maxLevel } = input;
  const neighbours = neighbourhood(input.size, settings);
  const padded = paddedLevels(input, Math.max(...settings.distances));
  const n = new Float64Array(maxLevel + 1);
  const s = new Float64Array(maxLevel + 1);
  neighbourDifferences(padded, neighbourSteps(neighbours, padded.size), n, s);
  let rows = 0;
  for (let g = 1; g <= maxLevel; g++) if (n[g] > 0) rows++;
  const matrix: NgtdmMatrix = {
    grayLevels: new Float64Array(rows),
    counts: new Float64Array(rows),
    differences: new Float64Array(rows),
  };
  for (let g = 1, r = 0; g <= maxLevel; g++) {
    if (n[g] === 0) continue;
    matrix.grayLevels[r] = g;
    matrix.counts[r] = n[g];
    matrix.differences[r++] = s[g];
  }
  return matrix;
}

/** n_i and s_i per gray level (into n and s, indexed by the level), over the ROI voxels of the padded box. */
function neighbourDifferences(padded: PaddedLevels, step: Int32Array, n: Float64Array, s: Float64Array): void {
  const { levels, voxels } = padded;
  // Voxels in PyRadiomics' (z, y, x) C order, so s_i accumulates in the same order.
  for (let k = 0; k < voxels.length; k++) {
    const v = voxels[k];
    const gray = levels[v];
    let count = 0;
    let sum = 0;
    for (let a = 0; a < step.length; a++) {
      const neighbour = levels[v + step[a]];
      if (neighbour === 0) continue;
      count++;
      sum += neighbour;
    }
    n[gray]++;
    if (count > 0) s[gray] += Math.abs(gray - sum / count);
  }
}

/** p_i, s_i, i and Nvp of a matrix. */
export interface NgtdmTerms {
  p: Float64Array;
  s: Float64Array;
  i: Float64Array;
  nvp: number;
  /** Number of gray levels (Ngp). */
  ng: number;
}

export function ngtdmTerms(matrix: NgtdmMatrix): NgtdmTerms {
  let nvp = 0;
  for (let k = 0; k < matrix.counts.length; k++) nvp += matrix.counts[k];
  const p = new Float64Array(matrix.counts.length);
  for (let k = 0; k < p.length; k++) p[k] = matrix.counts[k] / nvp;
  return { p, s: matrix.differences, i: matrix.grayLevels, nvp, ng: p.length };
}

/** All 5 NGTDM features, by PyRadiomics name. */
export function ngtdmFeatures(matrix: NgtdmMatrix): Record<string, number> {
  const t = ngtdmTerms(matrix);
  return {
    Busyness: busyness(t),
    Coarseness: coarseness(t),
    Complexity: complexity(t),
    Contrast: contrast(t),
    Strength: strength(t),
  };
}

/** Coarseness = 1 / Σ p_i s_i, 10⁶ when the sum is 0 (flat region) */
export function coarseness(t: NgtdmTerms): number {
  const sum = weightedDifference(t);
  return sum === 0 ? 1e6 : 1 / sum;
}

/** Contrast = [1/(Ngp(Ngp−1)) Σ_i Σ_j p_i p_j (i−j)²] · [1/Nvp Σ_i s_i], 0 when Ngp = 1 */
export function contrast(t: NgtdmTerms): number {
  const divisor = t.ng * (t.ng - 1);
  if (divisor === 0) return 0;
  let spread = 0;
  for (let a = 0; a < t.ng; a++) {
    for (let b = 0; b < t.ng; b++) spread += t.p[a] * t.p[b] * (t.i[a] - t.i[b]) ** 2;
  }
  return (spread * sum(t.s)) / t.nvp / divisor;
}

/** Busyness = Σ_i p_i s_i / Σ_i Σ_j |i p_i − j p_j|, 0 when the denominator is 0 */
export function busyness(t: NgtdmTerms): number {
  let denominator = 0;
  for (let a = 0; a < t.ng; a++) {
    for (let b = 0; b < t.ng; b++) denominator += Math.abs(t.i[a] * t.p[a] - t.i[b] * t.p[b]);
  }
  return denominator === 0 ? 0 : weightedDifference(t) / denominator;
}

/** Complexity = 1/Nvp Σ_i Σ_j |i − j| (p_i s_i + p_j s_j) / (p_i + p_j) */
export function complexity(t: NgtdmTerms): number {
  let total = 0;
  for (let a = 0; a < t.ng; a++) {
    for (let b = 0; b < t.ng; b++) {
      total += (Math.abs(t.i[a] - t.i[b]) * (t.p[a] * t.s[a] + t.p[b] * t.s[b])) / (t.p[a] + t.p[b]);
    }
  }
  return total / t.nvp;
}

/** Strength = Σ_i Σ_j (p_i + p_j)(i − j)² / Σ_i s_i, 0 when Σ s_i = 0 */
export function strength(t: NgtdmTerms): number {
  const differences = sum(t.s);
  if (differences === 0) return 0;
  let total = 0;
  for (let a = 0; a < t.ng; a++) {
    for (let b = 0; b < t.ng; b++) total += (t.p[a] + t.p[b]) * (t.i[a] - t.i[b]) ** 2;
  }
  return total / differences;
}

/** Σ_i p_i s_i */
function weightedDifference(t: NgtdmTerms): number {
  let total = 0;
  for (let a = 0; a < t.ng; a++) total += t.p[a] * t.s[a];
  return total;
}

function sum(values: Float64Array): number {
  let total = 0;
  for (let k = 0; k < values.length; k++) total += values[k];
  return total;
}
