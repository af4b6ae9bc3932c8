/**
 * Cubic B-spline interpolation as scipy.ndimage.map_coordinates(order=3, mode='nearest') does it,
 * which is what MIRP (the IBSI lead author's implementation) uses for IBSI's "tricubic spline".
 *
 * A cubic B-spline interpolant f(x) = Σ_k c_k β³(x − k) passes through the samples: the
 * coefficients c_k come from the samples by a recursive prefilter (Unser's, one pole
 * z = √3 − 2: gain (1 − z)(1 − 1/z) = 6, then a causal and an anti-causal first-order pass).
 * scipy first pads each axis with 12 copies of its edge sample (mode 'nearest'), prefilters the
 * padded line with half-sample symmetric ("reflect") boundary conditions, and evaluates the spline
 * there; the padding is what extrapolates beyond the image. Along one axis:
 *   β³ weights at t = x − ⌊x⌋ for c_{⌊x⌋−1} … c_{⌊x⌋+2}:
 *   (1 − t)³/6,  (4 − 6t² + 3t³)/6,  (1 + 3t + 3t² − 3t³)/6,  t³/6
 * The 3D spline is the tensor product of these, so it can be applied one axis at a time.
 */

/** Samples of edge padding scipy adds before prefiltering in mode 'nearest'. */
export const SPLINE_PAD = 12;

const POLE = Math.sqrt(3) - 2;

/** Index of sample k of a line of length n extended by half-sample symmetry (… x1 x0 | x0 x1 … x_{n−1} | x_{n−1} …). */
function reflectIndex(k: number, n: number): number {
  const period = 2 * n;
  const m = ((k % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

/** Turn the samples of a line into its cubic B-spline coefficients, in place. */
export function cubicSplineCoefficients(line: Float64Array): void {
  const n = line.length;
  if (n < 2) return;
  const z = POLE;
  const gain = (1 - z) * (1 - 1 / z);
  for (let k = 0; k < n; k++) line[k] *= gain;
  // Causal start: c⁺_0 = Σ_{k≥0} z^k x_{−k} over the symmetric extension (|z|^60 < 1e-34: truncated).
  let sum = 0;
  let power = 1;
  for (let k = 0; k < 60; k++, power *= z) sum += power * line[reflectIndex(-k, n)];
  line[0] = sum;
  for (let k = 1; k < n; k++) line[k] += z * line[k - 1];
  // Anti-causal start for the half-sample symmetric extension, then the backward pass.
  line[n - 1] *= z / (z - 1);
  for (let k = n - 2; k >= 0; k--) line[k] = z * (line[k + 1] - line[k]);
}

/** The four β³ weights at fractional position t ∈ [0, 1), for coefficients ⌊x⌋−1 … ⌊x⌋+2. */
export function cubicSplineWeights(t: number): [number, number, number, number] {
  const t2 = t * t;
  const t3 = t2 * t;
  return [(1 - t) ** 3 / 6, (4 - 6 * t2 + 3 * t3) / 6, (1 + 3 * t + 3 * t2 - 3 * t3) / 6, t3 / 6];
}
