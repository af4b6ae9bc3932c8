/**
 * The region of interest as the IBSI feature families see it: the ROI voxels of `mask == label`,
 * their intensities and grid positions, on the image grid.
 *
 * IBSI distinguishes a morphological mask (shape, distance to the ROI edge) from an intensity mask
 * (every intensity and texture feature). They differ only after re-segmentation, which this module
 * does not do yet: both masks are `mask == label` here, and the families say which one they use.
 */
import { CorruptImageError, GeometryMismatchError, InvalidMaskError } from '../../errors';
import { sameGrid, type Vec3, type Volume } from '../../imaging/volume';

export interface IbsiRegion {
  /** The whole image: local intensity features also read voxels outside the ROI. */
  image: Volume;
  /** The mask and the label of the ROI in it. */
  mask: Volume;
  label: number;
  /** Grid size (x, y, z) and voxel spacing (mm) of image and mask. */
  size: Vec3;
  spacing: Vec3;
  /** Flat grid index (x fastest) of every ROI voxel, ascending. */
  indices: Int32Array;
  /** Intensity of every ROI voxel, in the order of `indices` (the IBSI voxel intensity set X_gl). */
  intensities: Float64Array;
}

/**
 * The ROI `mask == label` of `image`. Throws GeometryMismatchError when the mask is on another grid,
 * InvalidMaskError when the label is absent, CorruptImageError when an ROI intensity is not finite.
 */
export function ibsiRegion(image: Volume, mask: Volume, label: number): IbsiRegion {
  if (!sameGrid(image, mask)) throw new GeometryMismatchError('mask is not on the image grid');
  const picked: number[] = [];
  for (let n = 0; n < mask.data.length; n++) if (mask.data[n] === label) picked.push(n);
  if (picked.length === 0) throw new InvalidMaskError(`label ${label} is absent from the mask`);
  const indices = Int32Array.from(picked);
  const intensities = Float64Array.from(indices, (n) => image.data[n]);
  const notFinite = intensities.filter((v) => !Number.isFinite(v)).length;
  if (notFinite > 0) throw new CorruptImageError(`${notFinite} ROI intensities are NaN or infinite`);
  return { image, mask, label, size: [...image.size] as Vec3, spacing: [...image.spacing] as Vec3, indices, intensities };
}

/** Grid coordinates (i, j, k) of flat index n on a grid of `size`. */
export function gridCoordinates(n: number, size: Vec3): Vec3 {
  const i = n % size[0];
  const j = Math.floor(n / size[0]) % size[1];
  return [i, j, Math.floor(n / (size[0] * size[1]))];
}

/** Physical position (mm) of the centre of grid voxel n, relative to voxel (0, 0, 0), along the grid axes. */
export function voxelPosition(n: number, size: Vec3, spacing: Vec3): Vec3 {
  const [i, j, k] = gridCoordinates(n, size);
  return [i * spacing[0], j * spacing[1], k * spacing[2]];
}
