/**
 * What the IBSI zone-like families (GLSZM, GLDZM, NGLDM) share: a grey level × size matrix (zone
 * size, zone distance or dependence count) from the engine (../level-size-matrix.ts, whose feature
 * formulas are IBSI's), together with N_v, the number of ROI voxels it was counted on, which
 * the percentage features divide by. Merging matrices (2.5D) sums both.
 */
import * as ls from '../level-size-matrix';

export interface CountedMatrix {
  matrix: ls.LevelSizeMatrix;
  /** N_v: ROI voxels the matrix was counted on. */
  voxels: number;
}

/** The matrix with its marginals (engine LevelSizeSums) and N_v, as the features take it. */
export interface LevelSizeTerms extends ls.LevelSizeSums {
  voxels: number;
}

export function levelSizeTerms(counted: CountedMatrix): LevelSizeTerms {
  return { ...ls.levelSizeSums(counted.matrix), voxels: counted.voxels };
}

/** Element-wise sum of matrices (over the union of their grey levels and sizes), N_v summed. */
export function mergeCounted(list: readonly CountedMatrix[]): CountedMatrix {
  const union = (pick: (m: ls.LevelSizeMatrix) => Float64Array) =>
    Float64Array.from(new Set(list.flatMap((c) => [...pick(c.matrix)]))).sort();
  const grayLevels = union((m) => m.grayLevels);
  const sizes = union((m) => m.sizes);
  const counts = new Float64Array(grayLevels.length * sizes.length);
  for (const { matrix } of list) {
    matrix.grayLevels.forEach((level, r) => {
      const row = grayLevels.indexOf(level);
      matrix.sizes.forEach((size, c) => {
        counts[row * sizes.length + sizes.indexOf(size)] += matrix.counts[r * matrix.sizes.length + c];
      });
    });
  }
  return { matrix: { grayLevels, sizes, counts }, voxels: list.reduce((sum, c) => sum + c.voxels, 0) };
}

/** Σ_i Σ_j p_ij², p_ij = s_ij / N_s */
export function energy(t: LevelSizeTerms): number {
  let sum = 0;
  for (const v of t.matrix.counts) sum += (v / t.total) ** 2;
  return sum;
}

/** N_s / N_v */
export function countPercentage(t: LevelSizeTerms): number {
  return t.total / t.voxels;
}
