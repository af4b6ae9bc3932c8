/**
 * Small helpers shared by the GLCM and GLRLM families (glcm.ts, glrlm.ts).
 *
 * PyRadiomics computes its texture matrices over gray levels 1..Ng (Ng = the highest gray level in
 * the ROI) and then deletes the rows/columns of gray levels that no ROI voxel has. Here the matrices
 * are built directly over the levels that are present: `compactGrayLevels` maps every voxel of the
 * box to the 0-based index of its gray level among the present ones.
 */
import type { TextureInput } from './texture-input';

/** Machine epsilon (numpy.spacing(1)), which PyRadiomics adds inside log2 and some denominators. */
export const EPSILON = 2.220446049250313e-16;

export interface CompactLevels {
  /** The gray levels present in the ROI, ascending (PyRadiomics' `grayLevels`). */
  grayLevels: Int32Array;
  /** Per box voxel (same layout as TextureInput.levels): index into grayLevels, −1 outside the ROI. */
  index: Int32Array;
}

/** The gray levels present in the ROI, and every voxel's index among them. */
export function compactGrayLevels(input: TextureInput): CompactLevels {
  const present = new Uint8Array(input.maxLevel + 1);
  for (let v = 0; v < input.levels.length; v++) present[input.levels[v]] = 1;
  const position = new Int32Array(input.maxLevel + 1).fill(-1);
  let count = 0;
  for (let level = 1; level <= input.maxLevel; level++) if (present[level]) position[level] = count++;
  const grayLevels = new Int32Array(count);
  for (let level = 1; level <= input.maxLevel; level++) if (position[level] >= 0) grayLevels[position[level]] = level;
  const index = new Int32Array(input.levels.length);
  for (let v = 0; v < index.length; v++) index[v] = position[input.levels[v]]; // level 0 (outside) maps to −1
  return { grayLevels, index };
}

/** numpy.nanmean: the mean of the values that are not NaN (NaN when there are none). */
export function meanIgnoringNaN(values: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) continue;
    sum += values[i];
    count++;
  }
  return count === 0 ? NaN : sum / count;
}

/** Per-axis distance |offset| · spacing (mm) of a direction, as PyRadiomics weights directions. */
export function offsetMillimetres(offset: readonly number[], spacing: readonly number[]): [number, number, number] {
  return [Math.abs(offset[0]) * spacing[0], Math.abs(offset[1]) * spacing[1], Math.abs(offset[2]) * spacing[2]];
}
