/**
 * Gradient magnitude, as PyRadiomics' getGradientImage gets it from SimpleITK's
 * GradientMagnitudeImageFilter (itk::GradientMagnitudeImageFilter):
 *   |∇f|(v) = √( Σ_axis g_axis² ),   g_axis = c · f(v − e_axis) − c · f(v + e_axis),
 *   c = 0.5 / spacing[axis]  (0.5 when useSpacing is false)
 * i.e. central differences (the sign of g does not matter once squared). A neighbour outside the
 * image takes the value of the nearest voxel inside it (ITK's zero-flux Neumann boundary), so the
 * difference along an axis of size 1 is 0. Only the spacing is used, never the direction.
 * ITK accumulates in double and writes a 32-bit float image whatever the input pixel type, and
 * PyRadiomics computes features from those float32 values: the result is a Float32Array volume.
 * The filter applies to the whole image it is given, before PyRadiomics crops to the ROI box.
 */
import type { Volume } from '../../imaging/volume';
import { derived } from './simple';

/** PyRadiomics' feature-name prefix: `gradient_firstorder_Mean`, ... */
export const GRADIENT_FILTER_NAME = 'gradient';

export interface GradientOptions {
  /** PyRadiomics setting `gradientUseSpacing` (default true): differences per mm, not per voxel. */
  useSpacing?: boolean;
}

export function gradientMagnitude(image: Volume, options: GradientOptions = {}): Volume<Float32Array> {
  const useSpacing = options.useSpacing ?? true;
  const [nx, ny, nz] = image.size;
  const strides = [1, nx, nx * ny];
  const sizes = [nx, ny, nz];
  // ITK scales the derivative operator (0.5, 0, −0.5) by 1/spacing: coefficient · (1/spacing).
  const coefficients = image.spacing.map((s) => {
    if (useSpacing && s === 0) throw new RangeError('gradient: image spacing cannot be zero');
    return useSpacing ? 0.5 * (1 / s) : 0.5;
  });
  const f = image.data;
  const out = new Float32Array(f.length);
  const index = [0, 0, 0];
  let v = 0;
  for (index[2] = 0; index[2] < nz; index[2]++) {
    for (index[1] = 0; index[1] < ny; index[1]++) {
      for (index[0] = 0; index[0] < nx; index[0]++, v++) {
        let sumOfSquares = 0;
        for (let axis = 0; axis < 3; axis++) {
          const i = index[axis];
          const stride = strides[axis];
          const before = i > 0 ? f[v - stride] : f[v];
          const after = i < sizes[axis] - 1 ? f[v + stride] : f[v];
          const c = coefficients[axis];
          // ITK's inner product runs over (−1, 0, +1) with weights (c, 0, −c), starting from 0.
          const g = c * before + 0 * f[v] + -c * after;
          sumOfSquares += g * g;
        }
        out[v] = Math.sqrt(sumOfSquares);
      }
    }
  }
  return derived(image, out);
}
