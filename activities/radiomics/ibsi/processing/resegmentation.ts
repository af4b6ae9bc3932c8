/**
 * IBSI re-segmentation (IBSI 1 manual, "Re-segmentation", IF9H) and the two ROI masks (ECJF).
 *
 * Re-segmentation removes voxels from the intensity mask by their intensity; the morphological mask
 * (G5KJ) keeps the ROI as segmented (and interpolated). Two methods, combined by intersecting their
 * intensity ranges:
 *   range (USB3)             keep X ∈ [a, b]; either bound may be open
 *   outlier filtering (7ACA) keep X ∈ [μ − kσ, μ + kσ], μ and σ (population standard deviation)
 *                            of the intensities in the ROI before re-segmentation; IBSI uses k = 3
 * A voxel stays in the intensity mask (SEFI) when it is in the ROI and its intensity lies in the
 * combined range.
 */
import { InvalidMaskError, InvalidSettingsError } from '../../../errors';
import type { Volume } from '../../../imaging/volume';

/** A closed intensity interval; ±Infinity for an open side. */
export type IntensityRange = [number, number];

/** [a, b] of a range setting with possibly open (null) bounds; InvalidSettingsError when a > b. */
export function rangeBounds(range: readonly [number | null, number | null] | undefined): IntensityRange {
  const bounds: IntensityRange = [range?.[0] ?? -Infinity, range?.[1] ?? Infinity];
  if (bounds[0] > bounds[1]) throw new InvalidSettingsError(`re-segmentation range [${bounds[0]}, ${bounds[1]}] is empty`);
  return bounds;
}

/** [μ − kσ, μ + kσ] of the image intensities inside `roi`. */
export function outlierBounds(image: Volume, roi: Volume<Uint8Array>, sigmas: number): IntensityRange {
  if (!(sigmas > 0 && Number.isFinite(sigmas))) throw new InvalidSettingsError(`outlier filtering needs σ > 0, not ${sigmas}`);
  let [count, sum] = [0, 0];
  for (let n = 0; n < roi.data.length; n++) if (roi.data[n]) (count++, (sum += image.data[n]));
  const mean = sum / count;
  let squares = 0;
  for (let n = 0; n < roi.data.length; n++) if (roi.data[n]) squares += (image.data[n] - mean) ** 2;
  const sd = Math.sqrt(squares / count);
  return [mean - sigmas * sd, mean + sigmas * sd];
}

/** The intersection of intensity ranges. */
export function intersectRanges(...ranges: IntensityRange[]): IntensityRange {
  return ranges.reduce<IntensityRange>((a, b) => [Math.max(a[0], b[0]), Math.min(a[1], b[1])], [-Infinity, Infinity]);
}

/**
 * The intensity mask: the voxels of the (morphological) `roi` whose intensity lies in `range`.
 * InvalidMaskError when none does.
 */
export function intensityMask(image: Volume, roi: Volume<Uint8Array>, range: IntensityRange): Volume<Uint8Array> {
  const [low, high] = range;
  let kept = 0;
  const data = Uint8Array.from(roi.data, (inside, n) => {
    const keep = inside === 1 && image.data[n] >= low && image.data[n] <= high;
    if (keep) kept++;
    return keep ? 1 : 0;
  });
  if (kept === 0) throw new InvalidMaskError(`re-segmentation to [${low}, ${high}] leaves no voxel in the ROI`);
  return { ...roi, data };
}
