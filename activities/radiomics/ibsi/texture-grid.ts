/**
 * The grids the IBSI texture families work on, in the shape of the engine's TextureInput
 * (../texture-input.ts) so that its matrix builders can be reused: the ROI bounding box with each
 * ROI voxel's grey level (1..N_g) and 0 outside the ROI.
 *
 * IBSI computes texture in 3D (one volume) or in 2D (per slice: an (x, y) plane at one z, with only
 * in-plane neighbours). A slice here is a TextureInput one voxel thick, so the engine's neighbour
 * offsets (textureAngles keeps an offset only when it fits in the box) are the in-plane ones.
 */
import type { Vec3 } from '../../imaging/volume';
import type { TextureInput } from '../texture-input';
import type { GreyLevels } from './discretisation';
import { gridCoordinates, type IbsiRegion } from './region';

/** The bounding box of some grid voxels: its lowest corner (grid coordinates) and size. */
export interface TextureBox {
  lower: Vec3;
  size: Vec3;
}

/** The bounding box of the voxels with these flat indices on a grid of `gridSize`. */
export function textureBox(indices: Int32Array, gridSize: Vec3): TextureBox {
  const lower: Vec3 = [Infinity, Infinity, Infinity];
  const upper: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const n of indices) {
    const ijk = gridCoordinates(n, gridSize);
    for (let a = 0; a < 3; a++) {
      lower[a] = Math.min(lower[a], ijk[a]);
      upper[a] = Math.max(upper[a], ijk[a]);
    }
  }
  return { lower, size: [upper[0] - lower[0] + 1, upper[1] - lower[1] + 1, upper[2] - lower[2] + 1] };
}

/**
 * The 3D texture grid of the region with these grey levels (one per ROI voxel, in region order),
 * on the bounding box of the ROI (textureBox). `maxLevel` is N_g, the number of grey levels of the
 * discretisation, even when the highest is absent.
 */
export function textureGrid(region: IbsiRegion, grey: GreyLevels): TextureInput {
  const { lower, size } = textureBox(region.indices, region.size);
  const levels = new Int32Array(size[0] * size[1] * size[2]);
  region.indices.forEach((n, v) => {
    const [i, j, k] = gridCoordinates(n, region.size);
    levels[i - lower[0] + size[0] * (j - lower[1] + size[1] * (k - lower[2]))] = grey.levels[v];
  });
  return { size, spacing: region.spacing, levels, maxLevel: grey.levelCount, voxelCount: region.indices.length };
}

/** The 2D grids: one per slice (z) of the box that holds ROI voxels, each one voxel thick. */
export function textureSlices(grid: TextureInput): TextureInput[] {
  const [nx, ny, nz] = grid.size;
  const plane = nx * ny;
  const slices: TextureInput[] = [];
  for (let z = 0; z < nz; z++) {
    const levels = grid.levels.slice(z * plane, (z + 1) * plane);
    const voxelCount = levels.reduce((count, level) => count + (level > 0 ? 1 : 0), 0);
    if (voxelCount === 0) continue;
    slices.push({ size: [nx, ny, 1], spacing: grid.spacing, levels, maxLevel: grid.maxLevel, voxelCount });
  }
  return slices;
}

/**
 * Re-index a square matrix whose rows and columns stand for the `present` grey levels onto all grey
 * levels 1..levelCount (absent levels get zero rows and columns), so that matrices of different
 * slices or directions line up and can be summed.
 */
export function onAllLevels(matrix: Float64Array, present: ArrayLike<number>, levelCount: number): Float64Array {
  const n = present.length;
  const out = new Float64Array(levelCount * levelCount);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) out[(present[a] - 1) * levelCount + present[b] - 1] = matrix[a * n + b];
  }
  return out;
}

/** 1, 2, …, count */
export function oneTo(count: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => i + 1);
}
