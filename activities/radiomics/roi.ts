/**
 * The region of interest: the image intensities under one label of the mask, after checking that
 * the mask is usable (same grid, label present) and the intensities are numbers; and its bounding box.
 */
import { CorruptImageError, GeometryMismatchError, InvalidMaskError } from '../errors';
import { sameGrid, type Vec3, type Volume } from '../imaging/volume';

/**
 * Linear indices (ascending) of the voxels whose mask value is `label`. This is the one full pass
 * over the mask; the result is remembered per mask object and label, so the checks, the intensities,
 * the bounding box, the texture input and the shape features share it. (Masks are never modified
 * in place in this engine: preprocessing makes new volumes.)
 */
export function roiVoxelIndices(mask: Volume, label: number): Int32Array {
  let byLabel = roiIndexCache.get(mask);
  if (!byLabel) roiIndexCache.set(mask, (byLabel = new Map()));
  let indices = byLabel.get(label);
  if (!indices) byLabel.set(label, (indices = scanLabel(mask.data, label)));
  return indices;
}

const roiIndexCache = new WeakMap<Volume, Map<number, Int32Array>>();

function scanLabel(data: Volume['data'], label: number): Int32Array {
  let count = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === label) count++;
  const indices = new Int32Array(count);
  for (let i = 0, next = 0; next < count; i++) if (data[i] === label) indices[next++] = i;
  return indices;
}

export interface RoiSources {
  /** URI of the image file, named in error messages. */
  imageUri?: string;
  /** URI of the mask file, named in error messages. */
  maskUri?: string;
}

/**
 * Throws unless the mask is usable for this image: GeometryMismatchError when it is on another grid,
 * InvalidMaskError when `label` is absent, CorruptImageError when a voxel under the label is NaN or
 * infinite (each naming the file). Returns the number of ROI voxels.
 */
export function checkRoi(image: Volume, mask: Volume, label: number, sources: RoiSources = {}): number {
  const imageName = sources.imageUri ?? 'image';
  const maskName = sources.maskUri ?? 'mask';
  if (!sameGrid(image, mask)) {
    const differences = gridDifferences(image, mask).join('; ');
    throw new GeometryMismatchError(`${maskName}: mask is not on the image grid: ${differences}`, sources.maskUri);
  }
  const indices = roiVoxelIndices(mask, label);
  const count = indices.length;
  if (count === 0) {
    const present = labelsPresent(mask).join(', ') || 'none';
    const message = `${maskName}: label ${label} is absent from the mask (labels present: ${present})`;
    throw new InvalidMaskError(message, sources.maskUri);
  }
  let notFinite = 0;
  for (let n = 0; n < count; n++) if (!Number.isFinite(image.data[indices[n]])) notFinite++;
  if (notFinite > 0) {
    throw new CorruptImageError(
      `${imageName}: ${notFinite} of the ${count} voxels inside label ${label} of ${maskName} are NaN or infinite`,
      sources.imageUri,
    );
  }
  return count;
}

/** Intensities (float64) of the voxels whose mask value equals `label`, in voxel order (checked as checkRoi does). */
export function roiIntensities(image: Volume, mask: Volume, label: number, sources: RoiSources = {}): Float64Array {
  checkRoi(image, mask, label, sources);
  const indices = roiVoxelIndices(mask, label);
  const values = new Float64Array(indices.length);
  for (let n = 0; n < indices.length; n++) values[n] = image.data[indices[n]];
  return values;
}

/** Lower and upper voxel index (inclusive) of the ROI along x, y, z, and its voxel count. */
export interface BoundingBox {
  lower: Vec3;
  upper: Vec3;
  count: number;
}

/** The bounding box of `mask == label` (count 0 and an empty box when the label is absent). */
export function roiBoundingBox(mask: Volume, label: number): BoundingBox {
  const [nx, ny] = mask.size;
  const lower: Vec3 = [Infinity, Infinity, Infinity];
  const upper: Vec3 = [-Infinity, -Infinity, -Infinity];
  const indices = roiVoxelIndices(mask, label);
  for (let n = 0; n < indices.length; n++) {
    const index = indices[n];
    const ijk = [index % nx, Math.floor(index / nx) % ny, Math.floor(index / (nx * ny))];
    for (let a = 0; a < 3; a++) {
      if (ijk[a] < lower[a]) lower[a] = ijk[a];
      if (ijk[a] > upper[a]) upper[a] = ijk[a];
    }
  }
  return { lower, upper, count: indices.length };
}

/** The distinct mask values, ascending (at most 20 are listed). */
function labelsPresent(mask: Volume): string[] {
  const labels = new Set<number>();
  for (const v of mask.data) {
    labels.add(v);
    if (labels.size > 20) break;
  }
  return [...labels].sort((a, b) => a - b).map(String);
}

/** Which of size, spacing, origin and direction differ, with both values. */
export function gridDifferences(image: Volume, mask: Volume): string[] {
  const fields = ['size', 'spacing', 'origin', 'direction'] as const;
  return fields
    .filter((field) => !sameGrid({ ...image, [field]: mask[field] }, image))
    .map((field) => `${field} (${mask[field].join(', ')}) in the mask vs (${image[field].join(', ')}) in the image`);
}
