/**
 * The grid a voxel-based extraction works on (see voxel-maps.ts): the image and mask cropped to the
 * ROI's bounding box ± kernelRadius (clipped to the image), as PyRadiomics' cropToTumorMask leaves
 * them, with the gray levels of PyRadiomics' voxel-based classes (radiomics.base
 * _initVoxelBasedCalculation and _applyBinning):
 *
 *   maskedKernel true   kernels see ROI voxels only; binning uses the ROI's intensities (once, for
 *                       the whole ROI, not per kernel)
 *   maskedKernel false  kernels see every voxel of the cropped grid; binning uses all of them
 *
 * A kernel is the box of voxels within Chebyshev distance kernelRadius of its centre (an ROI voxel),
 * clipped to the grid; with force2D it stays in the centre's plane (no extent along the
 * force2Ddimension axis). Texture matrices of a kernel count only voxels, and neighbours, inside
 * that box, as PyRadiomics' C code does (set_bb in _cmatrices.c).
 */
import type { Vec3, Volume } from '../../imaging/volume';
import { discretize, type Binning } from '../discretize';

export interface KernelGrid {
  /** Grid size (x, y, z). */
  size: Vec3;
  spacing: Vec3;
  /** Intensity of every grid voxel (float64). */
  values: Float64Array;
  /** 1 where kernels may use the voxel: ROI voxels (maskedKernel) or every voxel. */
  inKernel: Uint8Array;
  /** Gray level (1..Ng) of every voxel kernels may use, 0 elsewhere. */
  levels: Int32Array;
  /** Gray levels present among those voxels, ascending (PyRadiomics' coefficients['grayLevels']). */
  grayLevels: Int32Array;
  /** The highest of them (PyRadiomics' Ng). */
  Ng: number;
  /** Linear indices of the ROI voxels, ascending: the kernel centres, in PyRadiomics' order. */
  centres: Int32Array;
  radius: number;
  /** x/y/z axis (0/1/2) kernels do not extend along (force2D), −1 for none. */
  fixedAxis: number;
}

export interface KernelGridOptions {
  label: number;
  radius: number;
  masked: boolean;
  binning: Binning;
  force2D: boolean;
  /** PyRadiomics' axis numbering: 0 = z, 1 = y, 2 = x. */
  force2Ddimension: number;
}

/** The kernel grid of a cropped image and mask (same grid). */
export function kernelGrid(image: Volume, mask: Volume, options: KernelGridOptions): KernelGrid {
  const count = image.data.length;
  const values = Float64Array.from(image.data as ArrayLike<number>);
  const inKernel = new Uint8Array(count);
  let centreCount = 0;
  for (let v = 0; v < count; v++) {
    if (mask.data[v] === options.label) centreCount++;
  }
  const centres = new Int32Array(centreCount);
  for (let v = 0, next = 0; v < count; v++) {
    const inRoi = mask.data[v] === options.label;
    if (inRoi) centres[next++] = v;
    inKernel[v] = options.masked ? (inRoi ? 1 : 0) : 1;
  }
  let used = 0;
  for (let v = 0; v < count; v++) used += inKernel[v];
  const binned = new Float64Array(used);
  for (let v = 0, next = 0; v < count; v++) if (inKernel[v]) binned[next++] = values[v];
  const grayOfBinned = discretize(binned, options.binning);
  const levels = new Int32Array(count);
  let Ng = 0;
  for (let v = 0, next = 0; v < count; v++) {
    if (!inKernel[v]) continue;
    const level = grayOfBinned[next++];
    levels[v] = level;
    if (level > Ng) Ng = level;
  }
  const present = new Uint8Array(Ng + 1);
  for (let v = 0; v < count; v++) present[levels[v]] = 1;
  const grayLevels: number[] = [];
  for (let level = 1; level <= Ng; level++) if (present[level]) grayLevels.push(level);
  return {
    size: [...image.size] as Vec3,
    spacing: [...image.spacing] as Vec3,
    values,
    inKernel,
    levels,
    grayLevels: Int32Array.from(grayLevels),
    Ng,
    centres,
    radius: options.radius,
    fixedAxis: options.force2D ? 2 - options.force2Ddimension : -1,
  };
}

/**
 * The kernel box of voxel `centre`: writes [x0, x1, y0, y1, z0, z1] (inclusive) into `box` and
 * returns the number of voxels in it.
 */
export function kernelBox(grid: KernelGrid, centre: number, box: Int32Array): number {
  const [nx, ny, nz] = grid.size;
  const x = centre % nx;
  const y = ((centre - x) / nx) % ny;
  const z = (centre - x - nx * y) / (nx * ny);
  const r = grid.radius;
  const c = [x, y, z];
  const n = [nx, ny, nz];
  let voxels = 1;
  for (let a = 0; a < 3; a++) {
    const reach = a === grid.fixedAxis ? 0 : r;
    box[2 * a] = Math.max(c[a] - reach, 0);
    box[2 * a + 1] = Math.min(c[a] + reach, n[a] - 1);
    voxels *= box[2 * a + 1] - box[2 * a] + 1;
  }
  return voxels;
}

/** Most voxels a kernel box can hold. */
export function maxKernelVoxels(grid: KernelGrid): number {
  let voxels = 1;
  for (let a = 0; a < 3; a++) voxels *= a === grid.fixedAxis ? 1 : Math.min(2 * grid.radius + 1, grid.size[a]);
  return voxels;
}
