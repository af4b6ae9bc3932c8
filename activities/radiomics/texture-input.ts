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
  const [nx, ny] = image.size;
  const { lower: lo, upper: hi, count: voxelCount } = roiBoundingBox(mask, label);
  const size: Vec3 = [hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1];
  const inBox = new Int32Array(size[0] * size[1] * size[2]).fill(-1);
  const values = new Float64Array(voxelCount);
  // ROI voxels in ascending index order, i.e. the order of a scan of the box.
  const indices = roiVoxelIndices(mask, label);
  for (let next = 0; next < indices.length; next++) {
    const index = indices[next];
    const [i, j, k] = [index % nx, Math.floor(index / nx) % ny, Math.floor(index / (nx * ny))];
    inBox[i - lo[0] + size[0] * (j - lo[1] + size[1] * (k - lo[2]))] = next;
    values[next] = image.data[index];
  }
  const grayLevels = discretize(values, binning);
  const levels = new Int32Array(inBox.length);
  let maxLevel = 0;
  for (let b = 0; b < inBox.length; b++) {
    if (inBox[b] < 0) continue;
    levels[b] = grayLevels[inBox[b]];
    if (levels[b] > maxLevel) maxLevel = levels[b];
  }
  return { size, spacing: [...image.spacing] as Vec3, levels, maxLevel, voxelCount };
}
