/**
 * NIfTI / NRRD label maps: decoded like any volume (decodeVolume), then checked to hold labels:
 * finite, whole, non-negative values. Integer-typed maps keep their array; float-typed maps whose
 * values are all whole numbers become Int32Array (labels up to 2^31 − 1). Anything else is an
 * InvalidMaskError naming the file and the first offending voxel.
 */
import { InvalidMaskError } from '../../errors';
import { decodeVolume } from '../read-volume';
import type { Volume } from '../volume';

/** Decode a NIfTI or NRRD file as a label map. */
export function readLabelMap(bytes: Uint8Array, uri: string): Volume {
  return asLabelMap(decodeVolume(bytes, uri), uri);
}

/** The same volume as labels; refuses fractional, negative or non-finite values. */
export function asLabelMap(volume: Volume, uri: string): Volume {
  const { data } = volume;
  for (let p = 0; p < data.length; p++) {
    const v = data[p];
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      throw new InvalidMaskError(`${uri}: not a label map (voxel ${p} holds ${v}; labels are whole numbers ≥ 0)`, uri);
    }
  }
  if (data instanceof Float32Array || data instanceof Float64Array) return { ...volume, data: Int32Array.from(data) };
  return volume;
}

/** True when every voxel is a whole number ≥ 0 and there are at most `maxLabels` distinct values. */
export function looksLikeLabelMap(volume: Volume, maxLabels = 16): boolean {
  const seen = new Set<number>();
  for (let p = 0; p < volume.data.length; p++) {
    const v = volume.data[p];
    if (!Number.isInteger(v) || v < 0) return false;
    if (!seen.has(v)) {
      seen.add(v);
      if (seen.size > maxLabels) return false;
    }
  }
  return true;
}
