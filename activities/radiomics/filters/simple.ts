/**
 * PyRadiomics' voxel-wise intensity filters (radiomics.imageoperations getSquareImage,
 * getSquareRootImage, getLogarithmImage, getExponentialImage;
 * https://pyradiomics.readthedocs.io/en/latest/radiomics.html#radiomics.imageoperations.getSquareImage).
 * Each maps every voxel x of the image it is given to f(x) in float64, where
 *   M = max |x| over that whole image (not only the ROI: the filter sees the full image, or the
 *       pre-cropped one when PyRadiomics pre-crops, so M depends on that choice; see crop.ts)
 *   square        f(x) = (x / √M)²
 *   squareroot    f(x) = sign(x) · √(|x| · M)
 *   logarithm     f(x) = sign(x) · ln(|x| + 1) · M / max|ln(|x| + 1)|
 *   exponential   f(x) = exp(x · ln(M) / M)
 * Operations are done in the order PyRadiomics does them, so results agree to the last bit
 * up to the libm differences of sqrt/log/exp. A NaN voxel makes M NaN, as numpy.max does.
 * The filtered image keeps the grid (size, spacing, origin, direction) of its input.
 */
import type { Volume, VoxelArray } from '../../imaging/volume';

/** PyRadiomics' feature-name prefix of each filter (`square_firstorder_Mean`, ...). */
export const SIMPLE_FILTER_NAMES = {
  Square: 'square',
  SquareRoot: 'squareroot',
  Logarithm: 'logarithm',
  Exponential: 'exponential',
} as const;

/** f(x) = (c·x)², c = 1/√M: squares rescaled back to the original intensity range. */
export function square(image: Volume): Volume<Float64Array> {
  const c = 1 / Math.sqrt(maxAbs(image.data));
  return derived(
    image,
    mapVoxels(image.data, (x) => {
      const y = c * x;
      return y * y; // numpy's x ** 2 is x * x
    }),
  );
}

/** f(x) = √(x·M) for x > 0, −√(−x·M) for x < 0, 0 for x = 0. */
export function squareRoot(image: Volume): Volume<Float64Array> {
  const m = maxAbs(image.data);
  return derived(
    image,
    mapVoxels(image.data, (x) => (x > 0 ? Math.sqrt(x * m) : x < 0 ? -Math.sqrt(-x * m) : x)),
  );
}

/** f(x) = ±ln(|x| + 1), then scaled by M / max|f| so the result spans the original range. */
export function logarithm(image: Volume): Volume<Float64Array> {
  const m = maxAbs(image.data);
  // Negative values: PyRadiomics writes −ln(−(x − 1)), which is −ln(1 − x) to the last bit.
  const logs = mapVoxels(image.data, (x) => (x > 0 ? Math.log(x + 1) : x < 0 ? -Math.log(-(x - 1)) : x));
  const scale = m / maxAbs(logs);
  for (let i = 0; i < logs.length; i++) logs[i] *= scale;
  return derived(image, logs);
}

/** f(x) = exp(c·x), c = ln(M)/M: the maximum M maps onto itself. */
export function exponential(image: Volume): Volume<Float64Array> {
  const m = maxAbs(image.data);
  const c = Math.log(m) / m;
  return derived(image, mapVoxels(image.data, (x) => Math.exp(c * x)));
}

/** f applied to every voxel, in float64. */
function mapVoxels(data: VoxelArray, f: (x: number) => number): Float64Array {
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = f(data[i]);
  return out;
}

/** max |x| over all voxels; NaN when any voxel is NaN (numpy.max semantics). */
export function maxAbs(data: VoxelArray): number {
  let m = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const a = Math.abs(data[i]);
    if (Number.isNaN(a)) return NaN;
    if (a > m) m = a;
  }
  return m;
}

/** A new volume with these voxel values on the grid of `image`. */
export function derived<T extends VoxelArray>(image: Volume, data: T): Volume<T> {
  return {
    data,
    size: [...image.size],
    spacing: [...image.spacing],
    origin: [...image.origin],
    direction: [...image.direction],
  };
}
