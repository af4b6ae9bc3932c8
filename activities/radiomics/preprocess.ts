/**
 * What happens to the image and mask before any feature is computed, in PyRadiomics' order
 * (radiomics.featureextractor.execute and loadImage, radiomics.imageoperations):
 *   1. the mask must fit the image: same grid, label present, finite intensities under it (roi.ts)
 *   2. normalize: whole-image z-score × normalizeScale (normalizeImage)
 *   3. resampledPixelSpacing (with an interpolator): image and mask resampled to that spacing, on a
 *      grid covering the ROI's bounding box ± padDistance (resampleImage; resample.ts)
 *   4. the minimum ROI checks on the (resampled) mask: minimumROIDimensions, minimumROISize (checkMask)
 *   5. resegmentRange: the mask is resegmented on the (normalized, resampled) image (resegmentMask),
 *      and the resegmented mask must pass the minimum ROI checks again
 * First-order and texture features see the normalized, resampled image and the resegmented mask. Shape
 * sees the (resampled) mask unless resegmentShape is set; PyRadiomics crops it to the bounding box of the
 * resegmented mask first (computeShape gets that box), which drops original-mask voxels outside it,
 * and so does this engine.
 */
import { CorruptImageError, InvalidMaskError, InvalidSettingsError } from '../errors';
import type { Volume, VoxelArray } from '../imaging/volume';
import { resampleImageAndMask } from './resample';
import { checkRoi, roiBoundingBox, roiIntensities, type BoundingBox, type RoiSources } from './roi';
import type { RadiomicsSettings } from './settings';

export type NormalizeSettings = Pick<RadiomicsSettings, 'normalizeScale' | 'removeOutliers'>;
export type ResegmentSettings = Pick<RadiomicsSettings, 'label' | 'resegmentMode'> & { resegmentRange: number[] };
export type RoiSizeSettings = Pick<RadiomicsSettings, 'label' | 'minimumROIDimensions' | 'minimumROISize'>;
export type ResampleStepSettings = Pick<RadiomicsSettings, 'label' | 'resampledPixelSpacing' | 'interpolator' | 'padDistance'>;
export type PreprocessSettings = NormalizeSettings &
  RoiSizeSettings &
  ResampleStepSettings &
  Pick<RadiomicsSettings, 'normalize' | 'resegmentRange' | 'resegmentMode' | 'resegmentShape'>;

/** The inputs of the feature families after preprocessing. */
export interface PreparedInput {
  /** The image of first-order and texture features: z-scored when normalize is set, else the input. */
  image: Volume;
  /** The mask of first-order and texture features: resegmented when resegmentRange is set, else the input. */
  mask: Volume;
  /** The mask of shape features (see the module comment). */
  shapeMask: Volume;
  /** True when image and masks were resampled (and so already cropped to the ROI ± padDistance). */
  resampled?: boolean;
}

/** Steps 1–5 above; throws the typed error of the first check that fails, naming the file. */
export function preprocess(image: Volume, mask: Volume, settings: PreprocessSettings, sources: RoiSources = {}): PreparedInput {
  checkRoi(image, mask, settings.label, sources);
  const normalized = settings.normalize ? normalizeImage(image, settings, sources) : image;
  const resampled = resample(normalized, mask, settings, sources);
  const prepared = resampled?.image ?? normalized;
  const loadedMask = resampled?.mask ?? mask;
  const stage = resampled ? ' after resampling' : '';
  const flag = resampled ? { resampled: true } : {};
  checkRoiSize(loadedMask, settings, sources, stage);
  if (settings.resegmentRange === null) return { image: prepared, mask: loadedMask, shapeMask: loadedMask, ...flag };
  const resegmented = resegmentMask(prepared, loadedMask, { ...settings, resegmentRange: settings.resegmentRange }, sources);
  const box = checkRoiSize(resegmented, settings, sources, `${stage} after resegmentation`);
  const shapeMask = settings.resegmentShape ? resegmented : cropMaskToBox(loadedMask, box);
  return { image: prepared, mask: resegmented, shapeMask, ...flag };
}

/** Step 3: image and mask resampled (resample.ts) when resampledPixelSpacing and interpolator are set. */
function resample(image: Volume, mask: Volume, settings: ResampleStepSettings, sources: RoiSources) {
  const { label, resampledPixelSpacing, interpolator, padDistance } = settings;
  if (resampledPixelSpacing === null || interpolator === null) return undefined;
  return resampleImageAndMask(image, mask, { label, resampledPixelSpacing, interpolator, padDistance }, sources);
}

/**
 * PyRadiomics' normalizeImage (SimpleITK Normalize): z = (x − μ) / σ over every voxel of the image
 * (σ with n − 1, as ITK's StatisticsImageFilter), clamped to ±removeOutliers when set, then
 * × normalizeScale. Throws CorruptImageError for NaN/infinite voxels, InvalidSettingsError for a
 * constant image (σ = 0: PyRadiomics would return NaN everywhere).
 */
export function normalizeImage(image: Volume, settings: NormalizeSettings, sources: RoiSources = {}): Volume<Float64Array> {
  const name = sources.imageUri ?? 'image';
  const { mean, sigma, notFinite } = imageStatistics(image.data);
  if (notFinite > 0) {
    throw new CorruptImageError(`${name}: normalize needs every voxel finite, but ${notFinite} are NaN or infinite`, sources.imageUri);
  }
  if (!(sigma > 0)) {
    throw new InvalidSettingsError(`${name}: normalize cannot z-score a constant image (every voxel is ${mean})`, sources.imageUri);
  }
  const shift = -mean;
  const scale = 1 / sigma; // ITK's ShiftScaleImageFilter: (x + shift) · scale
  const outliers = settings.removeOutliers;
  const data = new Float64Array(image.data.length);
  for (let i = 0; i < data.length; i++) {
    let z = (image.data[i] + shift) * scale;
    if (outliers !== null) z = z > outliers ? outliers : z < -outliers ? -outliers : z;
    data[i] = z * settings.normalizeScale;
  }
  return { ...image, data };
}

/** Mean and sample SD (n − 1) of every voxel, as ITK's StatisticsImageFilter (exact sums for integer images). */
export function imageStatistics(data: VoxelArray): { mean: number; sigma: number; notFinite: number } {
  const sum = new KahanSum();
  const sumOfSquares = new KahanSum();
  let notFinite = 0;
  for (const v of data) {
    if (!Number.isFinite(v)) notFinite++;
    sum.add(v);
    sumOfSquares.add(v * v);
  }
  const n = data.length;
  const mean = sum.value / n;
  const variance = (sumOfSquares.value - (sum.value * sum.value) / n) / (n - 1);
  return { mean, sigma: Math.sqrt(variance), notFinite };
}

/** Compensated (Kahan) summation, as ITK's CompensatedSummation. */
class KahanSum {
  value = 0;
  private compensation = 0;
  add(x: number) {
    const y = x - this.compensation;
    const t = this.value + y;
    this.compensation = t - this.value - y;
    this.value = t;
  }
}

/**
 * PyRadiomics' resegmentMask: keep the voxels of `label` whose (normalized) intensity lies in the
 * closed range of resegmentThresholds (one threshold: ≥ it). Throws InvalidMaskError, naming the
 * mask, when fewer than 2 voxels remain.
 */
export function resegmentMask(image: Volume, mask: Volume, settings: ResegmentSettings, sources: RoiSources = {}): Volume {
  const { label, resegmentRange, resegmentMode } = settings;
  const roi = roiIntensities(image, mask, label, sources);
  const [lower, upper = Infinity] = resegmentThresholds(roi, resegmentRange, resegmentMode);
  const data = new (mask.data.constructor as new (length: number) => VoxelArray)(mask.data.length);
  let kept = 0;
  for (let i = 0; i < data.length; i++) {
    const v = image.data[i];
    if (mask.data[i] === label && v >= lower && v <= upper) {
      data[i] = label;
      kept++;
    }
  }
  if (kept <= 1) {
    const range = upper === Infinity ? `≥ ${lower}` : `${lower} to ${upper}`;
    throw new InvalidMaskError(
      `${sources.maskUri ?? 'mask'}: resegmentation (${resegmentMode} range [${resegmentRange.join(', ')}], intensities ${range}) ` +
        `kept ${kept} of the ${roi.length} voxels of label ${label}; features need at least 2`,
      sources.maskUri,
    );
  }
  return { ...mask, data };
}

/**
 * The intensity thresholds of resegmentRange, ascending: 'absolute' as given, 'relative' × the ROI
 * maximum, 'sigma' as mean + t·SD of the ROI (population SD, numpy.std).
 */
export function resegmentThresholds(roi: Float64Array, range: readonly number[], mode: RadiomicsSettings['resegmentMode']): number[] {
  const sorted = [...range].sort((a, b) => a - b);
  if (mode === 'absolute') return sorted;
  if (mode === 'relative') {
    const max = roi.reduce((m, v) => (v > m ? v : m), -Infinity);
    return sorted.map((t) => max * t);
  }
  const mean = roi.reduce((s, v) => s + v, 0) / roi.length;
  const sd = Math.sqrt(roi.reduce((s, v) => s + (v - mean) ** 2, 0) / roi.length);
  return sorted.map((t) => mean + sd * t);
}

/**
 * PyRadiomics' checkMask size checks on `mask == label`: more than one voxel; a bounding box wider
 * than one voxel along at least minimumROIDimensions axes; more than minimumROISize voxels when set
 * (PyRadiomics refuses an ROI of exactly minimumROISize voxels). Throws InvalidMaskError naming the
 * mask; returns the bounding box.
 */
export function checkRoiSize(mask: Volume, settings: RoiSizeSettings, sources: RoiSources = {}, stage = ''): BoundingBox {
  const { label, minimumROIDimensions, minimumROISize } = settings;
  const box = roiBoundingBox(mask, label);
  const where = `${sources.maskUri ?? 'mask'}: label ${label}${stage}`;
  const fail = (problem: string): never => {
    throw new InvalidMaskError(`${where} ${problem}`, sources.maskUri);
  };
  if (box.count === 0) fail('is absent from the mask');
  const extent = box.upper.map((u, a) => u - box.lower[a] + 1);
  const dimensions = extent.filter((n) => n > 1).length;
  if (dimensions === 0) fail('is a single voxel: no features can be computed from one voxel');
  if (dimensions < minimumROIDimensions) {
    fail(`spans ${dimensions} dimension(s) (bounding box ${extent.join('×')} voxels); minimumROIDimensions is ${minimumROIDimensions}`);
  }
  if (minimumROISize !== null && box.count <= minimumROISize) {
    fail(`holds ${box.count} voxels; minimumROISize ${minimumROISize} needs more than ${minimumROISize}`);
  }
  return box;
}

/** The mask with every voxel outside `box` set to 0 (PyRadiomics' cropToTumorMask, on the same grid). */
export function cropMaskToBox(mask: Volume, box: BoundingBox): Volume {
  const [nx, ny] = mask.size;
  const data = mask.data.slice();
  const inside = (c: number, a: number) => c >= box.lower[a] && c <= box.upper[a];
  for (let index = 0; index < data.length; index++) {
    if (data[index] === 0) continue;
    const ijk = [index % nx, Math.floor(index / nx) % ny, Math.floor(index / (nx * ny))];
    if (!ijk.every(inside)) data[index] = 0;
  }
  return { ...mask, data };
}
