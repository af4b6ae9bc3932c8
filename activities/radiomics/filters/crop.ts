/**
 * Cropping image and mask to the ROI's bounding box, as PyRadiomics does it
 * (radiomics.imageoperations.cropToTumorMask with the box of checkMask):
 *   box       the smallest index box holding every voxel of the label (inclusive bounds)
 *   kept      [max(lower − pad, 0), min(upper + pad, size − 1)] along each axis
 * and the cropped grid keeps spacing and direction, with its origin moved to the first kept voxel
 * (origin + direction · (spacing ⊙ lower), as SimpleITK's CropImageFilter does).
 *
 * Where PyRadiomics crops, for a segment-based extraction (featureextractor.execute):
 *   - with preCrop: true (and no resampling), image and mask are cropped to box ± padDistance
 *     (default 5) once, right after loading, and every filter then sees only that sub-image;
 *   - with resampling, resampleImage leaves image and mask cropped to box ± padDistance likewise;
 *   - otherwise (the default) filters run on the whole image.
 * After filtering, each derived image and the mask are cropped to the box with no padding before
 * features are computed. That last crop changes no first-order value (the ROI voxels are the
 * same); filter values, however, depend on whether the pre-crop happened.
 */
import { InvalidMaskError } from '../../errors';
import type { Vec3, Volume, VoxelArray } from '../../imaging/volume';
import { roiBoundingBox } from '../roi';

/** Inclusive voxel-index bounds of a box. */
export interface IndexBox {
  lower: Vec3;
  upper: Vec3;
}

/** The bounding box of the voxels labelled `label`, or undefined when there is none. */
export function labelBoundingBox(mask: Volume, label: number): IndexBox | undefined {
  const { lower, upper, count } = roiBoundingBox(mask, label);
  return count === 0 ? undefined : { lower, upper };
}

/** `box` grown by `padDistance` voxels on every side, clipped to a grid of size `size`. */
export function padBox(box: IndexBox, padDistance: number, size: Vec3): IndexBox {
  return {
    lower: box.lower.map((l) => Math.max(l - padDistance, 0)) as Vec3,
    upper: box.upper.map((u, a) => Math.min(u + padDistance, size[a] - 1)) as Vec3,
  };
}

/** The sub-volume within `box` (inclusive), with the same pixel type and a moved origin. */
export function cropVolume<T extends VoxelArray>(volume: Volume<T>, box: IndexBox): Volume<T> {
  const { lower, upper } = box;
  const grid = croppedGrid(volume, box);
  const Typed = volume.data.constructor as new (length: number) => T;
  const data = new Typed(grid.size[0] * grid.size[1] * grid.size[2]);
  const [nx, ny] = volume.size;
  const width = grid.size[0];
  let v = 0;
  for (let z = lower[2]; z <= upper[2]; z++) {
    for (let y = lower[1]; y <= upper[1]; y++, v += width) {
      const start = lower[0] + nx * (y + ny * z);
      data.set(volume.data.subarray(start, start + width) as ArrayLike<number>, v);
    }
  }
  return { data, ...grid };
}

/** The grid of the sub-volume within `box`: its size, the same spacing and direction, a moved origin. */
export function croppedGrid(volume: Volume, box: IndexBox): Omit<Volume, 'data'> {
  const { lower, upper } = box;
  const size: Vec3 = [upper[0] - lower[0] + 1, upper[1] - lower[1] + 1, upper[2] - lower[2] + 1];
  const d = volume.direction;
  const offset = lower.map((l, a) => l * volume.spacing[a]);
  const origin: Vec3 = [0, 1, 2].map(
    (r) => volume.origin[r] + d[3 * r] * offset[0] + d[3 * r + 1] * offset[1] + d[3 * r + 2] * offset[2],
  ) as Vec3;
  return { size, spacing: [...volume.spacing], origin, direction: [...volume.direction] };
}

/**
 * Image and mask cropped to the bounding box of `label` ± padDistance (PyRadiomics'
 * cropToTumorMask), with the unpadded box. Throws InvalidMaskError when the label is absent.
 */
export function cropToLabel<I extends VoxelArray, M extends VoxelArray>(
  image: Volume<I>,
  mask: Volume<M>,
  label: number,
  padDistance = 0,
): { image: Volume<I>; mask: Volume<M>; box: IndexBox } {
  const box = labelBoundingBox(mask, label);
  if (!box) throw new InvalidMaskError(`label ${label} is absent from the mask`);
  const kept = padBox(box, padDistance, mask.size);
  return { image: cropVolume(image, kept), mask: cropVolume(mask, kept), box };
}
