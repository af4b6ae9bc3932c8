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
  /** Per gray level 0..maxLevel: its index into grayLevels, −1 when absent (level 0 included). */
  position: Int32Array;
}

/**
 * The gray levels present in the ROI, and every voxel's index among them. Computed once per
 * TextureInput (several families ask; texture inputs are never modified once made).
 */
export function compactGrayLevels(input: TextureInput): CompactLevels {
  let compact = compactCache.get(input);
  if (!compact) compactCache.set(input, (compact = computeCompactGrayLevels(input)));
  return compact;
}

const compactCache = new WeakMap<TextureInput, CompactLevels>();

function computeCompactGrayLevels(input: TextureInput): CompactLevels {
  const present = new Uint8Array(input.maxLevel + 1);
  for (let v = 0; v < input.levels.length; v++) present[input.levels[v]] = 1;
  const position = new Int32Array(input.maxLevel + 1).fill(-1);
  let count = 0;
  for (let level = 1; level <= input.maxLevel; level++) if (present[level]) position[level] = count++;
  const grayLevels = new Int32Array(count);
  for (let level = 1; level <= input.maxLevel; level++) if (position[level] >= 0) grayLevels[position[level]] = level;
  const index = new Int32Array(input.levels.length);
  for (let v = 0; v < index.length; v++) index[v] = position[input.levels[v]]; // level 0 (outside) maps to −1
  return { grayLevels, index, position };
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

/**
 * The box of a TextureInput with a margin of `margin` voxels of level 0 on every side, so that a
 * neighbour at distance ≤ margin of any box voxel can be read without bounds checks (a neighbour
 * outside the box reads 0, as a voxel outside the ROI does).
 *
 *   levels[(i + m) + sx · ((j + m) + sy · (k + m))]  gray level of box voxel (i, j, k), m = margin
 */
export interface PaddedLevels {
  margin: number;
  /** Size of the padded box (box size + 2·margin along each axis). */
  size: [number, number, number];
  levels: Int32Array;
  /** Padded index of every ROI voxel, in box scan order (x fastest, then y, then z). */
  voxels: Int32Array;
}

/** The padded box of `input` (computed once per TextureInput and margin). */
export function paddedLevels(input: TextureInput, margin: number): PaddedLevels {
  let byMargin = paddedCache.get(input);
  if (!byMargin) paddedCache.set(input, (byMargin = new Map()));
  let padded = byMargin.get(margin);
  if (!padded) byMargin.set(margin, (padded = computePaddedLevels(input, margin)));
  return padded;
}

const paddedCache = new WeakMap<TextureInput, Map<number, PaddedLevels>>();

function computePaddedLevels(input: TextureInput, margin: number): PaddedLevels {
  const [nx, ny, nz] = input.size;
  const size: [number, number, number] = [nx + 2 * margin, ny + 2 * margin, nz + 2 * margin];
  const levels = new Int32Array(size[0] * size[1] * size[2]);
  const voxels = new Int32Array(countNonZero(input.levels));
  let next = 0;
  for (let z = 0, v = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const row = margin + size[0] * (y + margin + size[1] * (z + margin));
      for (let x = 0; x < nx; x++, v++) {
        const level = input.levels[v];
        levels[row + x] = level;
        if (level !== 0) voxels[next++] = row + x;
      }
    }
  }
  return { margin, size, levels, voxels };
}

function countNonZero(values: Int32Array): number {
  let count = 0;
  for (let v = 0; v < values.length; v++) if (values[v] !== 0) count++;
  return count;
}
