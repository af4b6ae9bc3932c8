/**
 * IBSI image processing before feature extraction (IBSI 1 manual, chapter "Image processing"), in
 * the manual's order:
 *   1. interpolation of the image to a new voxel spacing on the IBSI grid (grid.ts), in 3D or 2D
 *      (in-plane; slices kept), nearest neighbour, linear or cubic spline (interpolate.ts)
 *   2. rounding of the interpolated intensities, e.g. to whole Hounsfield units (rounding.ts)
 *   3. interpolation of the ROI mask to the same grid, binarised at a partial volume threshold
 *      (roi-mask.ts)
 *   4. re-segmentation by intensity range and/or outlier filtering, which splits the ROI into the
 *      morphological mask (as interpolated) and the intensity mask (re-segmented) (resegmentation.ts)
 * with the manual's diagnostic values after each step (diagnostics.ts). The result feeds
 * extractIbsiFeatures (../index.ts): the image, the intensity mask as its mask and the
 * morphological mask as `morphologicalMask`.
 */
import { CorruptImageError, GeometryMismatchError, InvalidSettingsError } from '../../../errors';
import { sameGrid, type Vec3, type Volume } from '../../../imaging/volume';
import { imageDiagnostics, roiDiagnostics } from './diagnostics';
import { interpolationGrid } from './grid';
import { interpolateVolume, type InterpolationMethod } from './interpolate';
import { intensityMask, intersectRanges, outlierBounds, rangeBounds, type IntensityRange } from './resegmentation';
import { binaryRoi, interpolateRoi } from './roi-mask';
import { roundIntensities } from './rounding';

export type { InterpolationMethod } from './interpolate';
export type { IntensityRange } from './resegmentation';

/** What to do to image and ROI; every step is optional (an empty object does nothing but split the masks). */
export interface IbsiProcessing {
  /** Mask value of the ROI (default 1). */
  label?: number;
  /** Interpolation to a new voxel spacing (default: none). */
  interpolation?: {
    /** New voxel spacing (mm): one value for every axis, or (x, y, z); z is ignored in 2D. */
    spacing: number | Vec3;
    /** '3D' (default) interpolates every axis; '2D' only within slices. */
    dimensions?: '2D' | '3D';
    /** Image interpolation (default linear). */
    method?: InterpolationMethod;
    /** Round interpolated intensities to the nearest integer (default false). */
    roundIntensities?: boolean;
    /** ROI mask interpolation (default linear) and partial volume threshold δ (default 0.5). */
    roiMethod?: InterpolationMethod;
    roiThreshold?: number;
  };
  /** Re-segmentation (default: none: the two masks are the ROI). */
  resegmentation?: {
    /** Keep intensities in [a, b]; null leaves a side open. */
    range?: [number | null, number | null];
    /** Keep intensities within μ ± outlierSigma·σ of the ROI (IBSI: 3). */
    outlierSigma?: number;
  };
}

export interface IbsiProcessed {
  /** The (interpolated, rounded) image, Float64. */
  image: Volume<Float64Array>;
  /** Binary masks (1 = in the ROI) on the image grid. */
  intensityMask: Volume<Uint8Array>;
  morphologicalMask: Volume<Uint8Array>;
  /** The combined re-segmentation range applied to the intensity mask (±Infinity where open). */
  resegmentationRange: IntensityRange;
  /** Diagnostic values by tag (diagnostics.ts). */
  diagnostics: Record<string, number>;
}

/**
 * Process `image` and its ROI `mask == label` as `options` prescribe. Throws GeometryMismatchError
 * when the mask is on another grid, InvalidMaskError when the ROI is or becomes empty,
 * CorruptImageError for non-finite intensities and InvalidSettingsError for bad options.
 */
export function processIbsi(image: Volume, mask: Volume, options: IbsiProcessing = {}): IbsiProcessed {
  if (!sameGrid(image, mask)) throw new GeometryMismatchError('mask is not on the image grid');
  const original: Volume<Float64Array> = { ...image, data: Float64Array.from(image.data) };
  if (original.data.some((v) => !Number.isFinite(v))) throw new CorruptImageError('the image holds NaN or infinite intensities');
  const roi = binaryRoi(mask, options.label ?? 1);
  const diagnostics = { ...imageDiagnostics(original, 'init'), ...roiDiagnostics(original, roi, roi, 'init') };

  const { image: interpolated, roi: interpolatedRoi } = interpolate(original, roi, options.interpolation);
  Object.assign(diagnostics, imageDiagnostics(interpolated, 'interp'), roiDiagnostics(interpolated, interpolatedRoi, interpolatedRoi, 'interp'));

  const reseg = options.resegmentation ?? {};
  const ranges = [rangeBounds(reseg.range)];
  if (reseg.outlierSigma !== undefined) ranges.push(outlierBounds(interpolated, interpolatedRoi, reseg.outlierSigma));
  const resegmentationRange = intersectRanges(...ranges);
  const intensity = intensityMask(interpolated, interpolatedRoi, resegmentationRange);
  Object.assign(diagnostics, roiDiagnostics(interpolated, intensity, interpolatedRoi, 'reseg'));

  return { image: interpolated, intensityMask: intensity, morphologicalMask: interpolatedRoi, resegmentationRange, diagnostics };
}

/** Steps 1–3: image and ROI on the new grid (unchanged without interpolation). */
function interpolate(
  image: Volume<Float64Array>,
  roi: Volume<Uint8Array>,
  settings: IbsiProcessing['interpolation'],
): { image: Volume<Float64Array>; roi: Volume<Uint8Array> } {
  if (!settings) return { image, roi };
  const spacing: Vec3 = typeof settings.spacing === 'number' ? [settings.spacing, settings.spacing, settings.spacing] : settings.spacing;
  const dimensions = settings.dimensions ?? '3D';
  if (dimensions !== '2D' && dimensions !== '3D') throw new InvalidSettingsError(`interpolation dimensions must be 2D or 3D, not ${dimensions}`);
  const grid = interpolationGrid(image, spacing, dimensions === '2D');
  let resampled = interpolateVolume(image, grid, settings.method ?? 'linear', 'nearest');
  // Held as 32-bit floats, the precision IBSI asks for at least and MIRP uses: rounding then
  // treats values within float32 resolution of a half as MIRP does.
  resampled = { ...resampled, data: resampled.data.map(Math.fround) };
  if (settings.roundIntensities) resampled = roundIntensities(resampled);
  return { image: resampled, roi: interpolateRoi(roi, grid, settings.roiMethod ?? 'linear', settings.roiThreshold ?? 0.5) };
}
