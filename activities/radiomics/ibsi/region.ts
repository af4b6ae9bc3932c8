/**
 * The region of interest as the IBSI feature families see it: the ROI voxels of `mask == label`,
 * their intensities and grid positions, on the image grid.
 *
 * IBSI distinguishes a morphological mask (shape, distance to the ROI edge) from an intensity mask
 * (every intensity and texture feature). They differ after re-segmentation (processing/), which
 * removes voxels from the intensity mask only. Without a separate morphological mask both are
 * `mask == label`; the families say which one they use.
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
  /** The morphological mask (its ROI is `morphologicalMask == label`) and its voxels' flat indices, ascending. */
  morphologicalMask: Volume;
  morphologicalIndices: Int32Array;
}

/**
 * The ROI `mask == label` of `image` (the intensity mask), with `morphologicalMask == label` as the
 * morphological mask (default: the same ROI). Throws GeometryMismatchError when a mask is on another
 * grid, InvalidMaskError when the label is absent or the intensity mask reaches outside the
 * morphological one, CorruptImageError when an ROI intensity is not finite.
 */
export function ibsiRegion(image: Volume, mask: Volume, label: number, morphologicalMask: Volume = mask): IbsiRegion {
  if (!sameGrid(image, mask)) throw new GeometryMismatchError('mask is not on the image grid');
  if (!sameGrid(image, morphologicalMask)) throw new GeometryMismatchError('morphological mask is not on the image grid');
  const indices = labelIndices(mask, label, 'label');
  const morphologicalIndices = morphologicalMask === mask ? indices : labelIndices(morphologicalMask, label, 'morphological mask label');
  if (morphologicalMask !== mask) {
    const outside = indices.filter((n) => morphologicalMask.data[n] !== label).length;
    if (outside > 0) throw new InvalidMaskError(`${outside} intensity mask voxels lie outside the morphological mask`);
  }
  const intensities = Float64Array.from(indices, (n) => image.data[n]);
  const notFinite = intensities.filter((v) => !Number.isFinite(v)).length;
  if (notFinite > 0) throw new CorruptImageError(`${notFinite} ROI intensities are NaN or infinite`);
  const [size, spacing] = [[...image.size] as Vec3, [...image.spacing] as Vec3];
  return { image, mask, label, size, spacing, indices, intensities, morphologicalMask, morphologicalIndices };
}

/** Flat indices of `mask == label`, ascending; InvalidMaskError when there are none. */
function labelIndices(mask: Volume, label: number, what: string): Int32Array {
  let count = 0;
  for (let n = 0; n < mask.data.length; n++) if (mask.data[n] === label) count++;
  if (count === 0) throw new InvalidMaskError(`${what} ${label} is absent from the mask`);
  const indices = new Int32Array(count);
  for (let n = 0, next = 0; next < count; n++) if (mask.data[n] === label) indices[next++] = n;
  return indices;
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
