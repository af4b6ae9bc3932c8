/**
 * Gray-level discretization as PyRadiomics does it (radiomics.imageoperations.getBinEdges / binImage),
 * with one of two rules, chosen as PyRadiomics chooses: binCount when it is set (binWidth is then
 * ignored), binWidth otherwise.
 *
 * Fixed bin width w:
 *   edges = low, low + w, low + 2w, ...  for every edge < max + 2w,  where low = min − (min mod w)
 * so edges sit on multiples of the bin width (not on the ROI minimum), and a value belongs to bin i
 * when edges[i] ≤ value < edges[i + 1] (numpy.histogram; its closed last bin lies above the
 * maximum, so every occupied bin is half-open). This is not the IBSI fixed-bin-size formula.
 *
 * Fixed bin count N:
 *   edges = numpy.histogram(roi, N) edges: min + i·(max − min)/N for i < N, and max for i = N,
 * then the last edge is raised by 1 so that the maximum falls in bin N under numpy.digitize
 * (gray level = ⌊N (x − min)/(max − min)⌋ + 1, and N for the maximum).
 */
import { InvalidSettingsError } from '../errors';

/** More gray levels than this means a binWidth far too small for the intensity range. */
export const MAX_GRAY_LEVELS = 100_000;

/** How intensities are binned: a fixed bin count when binCount is set, a fixed bin width otherwise. */
export interface Binning {
  binWidth: number;
  binCount?: number | null;
}

/** Python's `a % b`: the result has the sign of b (so min − (min mod w) rounds down, also below 0). */
function pythonMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** numpy.arange(low, max + 2w, w) with low = min − (min mod w), filled as numpy fills it. */
export function binEdges(min: number, max: number, binWidth: number): Float64Array {
  const low = min - pythonMod(min, binWidth);
  const step = low + binWidth - low; // numpy fills edge i ≥ 2 as low + i·(edge 1 − edge 0)
  const count = Math.ceil((max + 2 * binWidth - low) / binWidth);
  if (!(count <= MAX_GRAY_LEVELS + 1)) {
    throw new InvalidSettingsError(
      `binWidth ${binWidth} splits intensities ${min}..${max} into more than ${MAX_GRAY_LEVELS} gray levels`,
    );
  }
  const edges = new Float64Array(count);
  for (let i = 0; i < count; i++) edges[i] = i === 1 ? low + binWidth : low + i * step;
  return edges;
}

/**
 * numpy.histogram(values, binCount) edges (numpy.linspace(min, max, binCount + 1): i·step + min,
 * the last one exactly max; min ∓ 0.5 and max + 0.5 for a flat region), with the last edge + 1
 * as PyRadiomics does, so numpy.digitize puts the maximum in the last bin.
 */
export function binCountEdges(min: number, max: number, binCount: number): Float64Array {
  if (!(Number.isInteger(binCount) && binCount >= 1 && binCount <= MAX_GRAY_LEVELS)) {
    throw new InvalidSettingsError(`binCount must be an integer from 1 to ${MAX_GRAY_LEVELS}, not ${binCount}`);
  }
  const [first, last] = min === max ? [min - 0.5, max + 0.5] : [min, max];
  const step = (last - first) / binCount;
  const edges = new Float64Array(binCount + 1);
  for (let i = 0; i < binCount; i++) edges[i] = i * step + first;
  edges[binCount] = last + 1;
  return edges;
}

/** The PyRadiomics bin edges of these values: binCount when set (binWidth is then ignored), else binWidth. */
export function roiBinEdges(values: Float64Array, binning: Binning | number): Float64Array {
  const { binWidth, binCount } = typeof binning === 'number' ? { binWidth: binning, binCount: null } : binning;
  const { min, max } = extent(values);
  return binCount === null || binCount === undefined ? binEdges(min, max, binWidth) : binCountEdges(min, max, binCount);
}

/** Index i of the bin with edges[i] ≤ value < edges[i + 1] (the last bin also takes its right edge). */
export function binIndex(value: number, edges: Float64Array): number {
  const last = edges.length - 2;
  let i = Math.floor((value - edges[0]) / (edges[1] - edges[0]));
  i = Math.min(Math.max(i, 0), last);
  // The estimate can be one off through rounding: settle it with exact comparisons, as numpy does.
  while (i > 0 && value < edges[i]) i--;
  while (i < last && value >= edges[i + 1]) i++;
  return i;
}

/** 1-based gray level of every value (numpy.digitize over the PyRadiomics edges). A number is a binWidth. */
export function discretize(values: Float64Array, binning: Binning | number): Int32Array {
  const edges = roiBinEdges(values, binning);
  const levels = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) levels[i] = binIndex(values[i], edges) + 1;
  return levels;
}

/** Voxel counts per bin (numpy.histogram(values, edges)[0]). A number is a binWidth. */
export function histogram(values: Float64Array, binning: Binning | number): Float64Array {
  const edges = roiBinEdges(values, binning);
  const counts = new Float64Array(edges.length - 1);
  for (let i = 0; i < values.length; i++) counts[binIndex(values[i], edges)]++;
  return counts;
}

function extent(values: Float64Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
