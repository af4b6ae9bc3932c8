/**
 * The input every texture family (GLCM, GLRLM, GLSZM, GLDM, NGTDM) works on: the ROI's bounding
 * box, cut out of the image, with each ROI voxel replaced by its 1-based gray level (PyRadiomics'
 * fixed-bin-width or fixed-bin-count discretization, see discretize.ts) and every voxel outside the
 * ROI set to 0.
 *
 *   levels[i + nx * (j + ny * k)]  gray level of voxel (i, j, k) of the box, 0 = outside the ROI
 */
import type { Vec3, Volume } from '../imaging/volume';
import { roiBoundingBox, roiVoxelIndices } from './roi';
import { discretize, type Binning } from './discretize';

export interface TextureInput {
  /** Size of the ROI's bounding box in voxels (x, y, z). */
  size: Vec3;
  /** Spacing of the voxels (mm), for families that weight by distance. */
  spacing: Vec3;
  /** Gray level per voxel of the box, 1..maxLevel inside the ROI, 0 outside. */
  levels: Int32Array;
  /** The highest gray level present (PyRadiomics' Ng before empty levels are dropped). */
  maxLevel: number;
  /** Number of ROI voxels (Np). */
  voxelCount: number;
}

/**
 * Crop `image` to the bounding box of `mask == label` and discretize the ROI with `binning`
 * (binCount when set, else binWidth; a number is a binWidth).
 */
export function textureInput(image: Volume, mask: Volume, label: number, binning: Binning | number): TextureInput {
  const { lower, upper, count: voxelCount } = roiBoundingBox(mask, label);
  const size: Vec3 = [upper[0] - lower[0] + 1, upper[1] - lower[1] + 1, upper[2] - lower[2] + 1];
  // ROI voxels in ascending index order, i.e. the order of a scan of the box.
  const indices = roiVoxelIndices(mask, label);
  const grayLevels = discretize(valuesAt(image.data, indices), binning);
  const levels = new Int32Array(size[0] * size[1] * size[2]);
  const maxLevel = placeInBox(levels, grayLevels, indices, image.size, lower, size);
  return { size, spacing: [...image.spacing] as Vec3, levels, maxLevel, voxelCount };
}

/** data[indices[n]] for every n, in float64. */
function valuesAt(data: Volume['data'], indices: Int32Array): Float64Array {
  const values = new Float64Array(indices.length);
  for (let n = 0; n < indices.length; n++) values[n] = data[indices[n]];
  return values;
}

/**
 * levels[box index of voxel indices[n]] = grayLevels[n], for the image voxels `indices` (image of
 * size `imageSize`) in the box of size `size` whose first voxel is `lower`; returns the highest level.
 */
function placeInBox(levels: Int32Array, grayLevels: Int32Array, indices: Int32Array, imageSize: Vec3, lower: Vec3, size: Vec3): number {
  const nx = imageSize[0];
  const ny = imageSize[1];
  let maxLevel = 0;
  for (let n = 0; n < indices.length; n++) {
    const index = indices[n];
    const i = index % nx;
    const j = Math.floor(index / nx) % ny;
    const k = Math.floor(index / (nx * ny));
    levels[i - lower[0] + size[0] * (j - lower[1] + size[1] * (k - lower[2]))] = grayLevels[n];
    if (grayLevels[n] > maxLevel) maxLevel = grayLevels[n];
  }
  return maxLevel;
}
