/**
 * The ROI mask through IBSI image processing (IBSI 1 manual, "Partial volume effects in the ROI
 * mask", E8H9): the binary mask of one label, and its interpolation onto the image's new grid.
 *
 * Interpolating a binary mask with a linear (or higher order) kernel gives partial-volume
 * fractions R_interp ∈ [0, 1]; a voxel stays in the ROI when R_interp ≥ δ, the partial volume
 * threshold (commonly 0.5). The fractions are rounded to 6 decimals before the comparison, as MIRP
 * does, so that 0.4999999… from floating point arithmetic counts as 0.5 (the manual's warning).
 * Outside the original image the mask is empty.
 */
import { InvalidMaskError, InvalidSettingsError } from '../../../errors';
import type { Volume } from '../../../imaging/volume';
import type { InterpolationGrid } from './grid';
import { interpolateVolume, type InterpolationMethod } from './interpolate';

/** 1 where `mask == label`, else 0. InvalidMaskError when the label is absent. */
export function binaryRoi(mask: Volume, label: number): Volume<Uint8Array> {
  const data = new Uint8Array(mask.data.length);
  let count = 0;
  for (let n = 0; n < data.length; n++) if (mask.data[n] === label) (data[n] = 1), count++;
  if (count === 0) throw new InvalidMaskError(`label ${label} is absent from the mask`);
  return { ...mask, data };
}

/** The binary ROI interpolated onto `grid` and thresholded at the partial volume fraction `threshold`. */
export function interpolateRoi(
  roi: Volume<Uint8Array>,
  grid: InterpolationGrid,
  method: InterpolationMethod,
  threshold: number,
): Volume<Uint8Array> {
  if (!(threshold > 0 && threshold <= 1)) {
    throw new InvalidSettingsError(`the ROI partial volume threshold must lie in (0, 1], not ${threshold}`);
  }
  const fractions = interpolateVolume(roi, grid, method, 'zero');
  const cut = Math.round(threshold * 1e6);
  const data = Uint8Array.from(fractions.data, (f) => (Math.round(f * 1e6) >= cut ? 1 : 0));
  return { ...fractions, data };
}
