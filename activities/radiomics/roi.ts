/**
 * The region of interest: the image intensities under one label of the mask, after checking that
 * the mask is usable (same grid, label present) and the intensities are numbers.
 */
import { CorruptImageError, GeometryMismatchError, InvalidMaskError } from '../errors';
import { sameGrid, type Volume } from '../imaging/volume';

export interface RoiSources {
  /** URI of the image file, named in error messages. */
  imageUri?: string;
  /** URI of the mask file, named in error messages. */
  maskUri?: string;
}

/** Intensities (float64) of the voxels whose mask value equals `label`, in voxel order. */
export function roiIntensities(image: Volume, mask: Volume, label: number, sources: RoiSources = {}): Float64Array {
  const imageName = sources.imageUri ?? 'image';
  const maskName = sources.maskUri ?? 'mask';
  if (!sameGrid(image, mask)) {
    const differences = gridDifferences(image, mask).join('; ');
    throw new GeometryMismatchError(`${maskName}: mask is not on the image grid: ${differences}`, sources.maskUri);
  }
  const count = countLabel(mask, label);
  if (count === 0) {
    const present = labelsPresent(mask).join(', ') || 'none';
    const message = `${maskName}: label ${label} is absent from the mask (labels present: ${present})`;
    throw new InvalidMaskError(message, sources.maskUri);
  }

  const values = new Float64Array(count);
  let next = 0;
  let notFinite = 0;
  for (let i = 0; i < mask.data.length; i++) {
    if (mask.data[i] !== label) continue;
    const v = image.data[i];
    if (!Number.isFinite(v)) notFinite++;
    values[next++] = v;
  }
  if (notFinite > 0) {
    throw new CorruptImageError(
      `${imageName}: ${notFinite} of the ${count} voxels inside label ${label} of ${maskName} are NaN or infinite`,
      sources.imageUri,
    );
  }
  return values;
}

function countLabel(mask: Volume, label: number): number {
  let count = 0;
  for (const v of mask.data) if (v === label) count++;
  return count;
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
