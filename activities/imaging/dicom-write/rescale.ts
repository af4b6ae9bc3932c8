/**
 * Choosing how voxel values are stored in 16-bit DICOM pixels: stored integer s, value
 * v = s × RescaleSlope + RescaleIntercept (computed in float64, as readers do; rounded to float32
 * when the volume is float32). A choice is accepted only when every voxel comes back exactly.
 */
import { InvalidSettingsError } from '../../errors';
import type { VoxelArray } from '../volume';
import { formatNumberString } from './writer';

export interface PixelEncoding {
  /** 1: signed int16 pixels, 0: unsigned uint16. */
  pixelRepresentation: 0 | 1;
  /** Slope and intercept exactly as written (DS text) and as read back. */
  slope: string;
  intercept: string;
  /** The stored pixels, one per voxel. */
  stored: Int16Array | Uint16Array;
}

export interface RescaleChoice {
  slope: number;
  intercept: number;
}

/** The most decimals tried when looking for a slope 10^-d that represents float values. */
const MAX_DECIMALS = 6;

/**
 * Stored pixels and rescale for `data`: integers fitting int16 or uint16 are stored as they are;
 * other integers and floats get a slope and intercept (`rescale` when given, else the smallest
 * power of ten 10^-d, d ≤ 6, and an intercept at the minimum when needed). Values that no choice
 * represents exactly are an InvalidSettingsError naming the first voxel that does not fit.
 */
export function choosePixelEncoding(data: VoxelArray, rescale?: RescaleChoice): PixelEncoding {
  const float32 = data instanceof Float32Array;
  if (rescale) {
    const encoding = tryEncoding(data, formatNumberString(rescale.slope), formatNumberString(rescale.intercept), float32);
    if (typeof encoding === 'string') throw new InvalidSettingsError(`rescale: ${encoding}`);
    return encoding;
  }
  const { min, max } = range(data);
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new InvalidSettingsError('rescale: the volume holds NaN or infinite values');
  let firstProblem = '';
  for (let decimals = 0; decimals <= MAX_DECIMALS; decimals++) {
    const scale = 10 ** decimals;
    const slope = formatNumberString(1 / scale);
    for (const intercept of ['0', formatNumberString(Math.round(min * scale) / scale)]) {
      const encoding = tryEncoding(data, slope, intercept, float32);
      if (typeof encoding !== 'string') return encoding;
      firstProblem ||= encoding;
    }
  }
  throw new InvalidSettingsError(
    `rescale: voxel values cannot be stored exactly as 16-bit integers with a slope 10^-d (d ≤ ${MAX_DECIMALS}) ` +
      `(${firstProblem}); pass rescale { slope, intercept } or round the volume`,
  );
}

/** The encoding with this slope/intercept, or a sentence saying which voxel does not come back. */
function tryEncoding(data: VoxelArray, slopeText: string, interceptText: string, float32: boolean): PixelEncoding | string {
  const slope = Number(slopeText);
  const intercept = Number(interceptText);
  if (!(slope !== 0 && Number.isFinite(slope) && Number.isFinite(intercept))) return `slope ${slopeText} / intercept ${interceptText} are not usable`;
  const { min, max } = range(data);
  const lowest = Math.round((min - intercept) / slope);
  const highest = Math.round((max - intercept) / slope);
  const signed = Math.min(lowest, highest) < 0;
  const [low, high] = signed ? [-32768, 32767] : [0, 65535];
  const stored = signed ? new Int16Array(data.length) : new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const s = Math.round((data[i] - intercept) / slope);
    if (s < low || s > high) return `voxel ${i} (${data[i]}) needs stored value ${s}, outside ${low}..${high}`;
    const back = s * slope + intercept;
    if ((float32 ? Math.fround(back) : back) !== data[i]) return `voxel ${i} (${data[i]}) would read back as ${back}`;
    stored[i] = s;
  }
  return { pixelRepresentation: signed ? 1 : 0, slope: slopeText, intercept: interceptText, stored };
}

function range(data: VoxelArray): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (Number.isNaN(v)) return { min: NaN, max: NaN };
  }
  return { min, max };
}
