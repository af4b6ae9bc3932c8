/**
 * PyRadiomics' LoG image type (radiomics.imageoperations.getLoGImage): the Laplacian of a Gaussian,
 * computed as SimpleITK's LaplacianRecursiveGaussianImageFilter computes it with
 * NormalizeAcrossScale on (ITK 5.4, itkLaplacianRecursiveGaussianImageFilter.hxx,
 * itkRecursiveGaussianImageFilter.hxx, itkRecursiveSeparableImageFilter.hxx), so that the
 * filtered voxels match SimpleITK's to the last bit of their float32 output.
 *
 * The Laplacian is separable: for each axis d,
 *   L_d = G''_d ∘ G_a ∘ G_b            (a < b: the two other axes, smoothed in increasing order)
 *   LoG = Σ_d σ² · L_d / s_d²          (s_d: spacing of axis d in mm, σ in mm)
 * where G is a Gaussian and G'' its second derivative, each applied along one axis as a
 * recursive (IIR) filter of order 4 (Deriche's method, with the Farnebäck–Westin 2006 fit):
 *   g(t) ≈ Σ_{k=1,2} (a_k cos(w_k t/σd) + b_k sin(w_k t/σd)) · exp(l_k t/σd),   σd = σ / s_d voxels,
 *   w1 = 0.6681, l1 = −1.3932, w2 = 2.0787, l2 = −1.3732, and per derivative order
 *   order 0:  a1 = 1.3530,  b1 = 1.8151,  a2 = −0.3531, b2 = 0.0902
 *   order 2:  a1 = −1.3563, b1 = 5.2318,  a2 = 0.3446,  b2 = −2.2355   (plus β times the order-0 fit)
 * With e_k = exp(l_k/σd), c_k = cos(w_k/σd), s_k = sin(w_k/σd), one line x[0..n−1] is filtered as
 *   causal:      y⁺[i] = n0 x[i] + n1 x[i−1] + n2 x[i−2] + n3 x[i−3] − (d1 y⁺[i−1] + d2 y⁺[i−2] + d3 y⁺[i−3] + d4 y⁺[i−4])
 *   anticausal:  y⁻[i] = m1 x[i+1] + m2 x[i+2] + m3 x[i+3] + m4 x[i+4] − (d1 y⁻[i+1] + d2 y⁻[i+2] + d3 y⁻[i+3] + d4 y⁻[i+4])
 *   output:      y[i]  = y⁺[i] + y⁻[i]
 * with the denominator  d1 = −2(e2 c2 + e1 c1),  d2 = 4 c2 c1 e1 e2 + e1² + e2²,
 *   d3 = −2 c1 e1 e2² − 2 c2 e2 e1²,  d4 = e1² e2²,
 * the numerator         n0 = a1 + a2,  n1 = e2 (b2 s2 − (a2 + 2a1) c2) + e1 (b1 s1 − (a1 + 2a2) c1),
 *   n2 = 2 e1 e2 ((a1 + a2) c2 c1 − b1 c2 s1 − b2 c1 s2) + a2 e1² + a1 e2²,
 *   n3 = e2 e1² (b2 s2 − a2 c2) + e1 e2² (b1 s1 − a1 c1),
 * and, both kernels being symmetric, m_j = n_j − d_j n0 (j = 1..3), m4 = −d4 n0.
 * The n_j are scaled so that the kernel has unit sum (order 0) or unit second moment, i.e.
 * (1/2) Σ t² h(t) = 1 (order 2), times σ² when normalizing across scale (order 2 only:
 * NormalizeAcrossScale leaves the Gaussians alone). Outside the line the signal is taken as the
 * border value repeated: the first four outputs of each pass are started from the response of the
 * filter to a constant (coefficients bn_j = d_j Σn / Σd, bm_j = d_j Σm / Σd).
 *
 * Precision follows ITK exactly: every sum is evaluated in double in ITK's order, but each pass
 * writes a float32 image (the filter's InternalRealType), and the accumulated Laplacian is
 * float32 too: acc ← float32(acc + L_d · (1 / s_d²)). The result is returned as float64.
 * The sines, cosines and exponentials of the coefficients are correctly rounded (glibc's values,
 * which SimpleITK uses; V8's Math differs in the last bit often enough to flip float32 voxels).
 *
 * Properties worth knowing (all SimpleITK's too): the filter works along the index axes with the
 * spacing only (the direction matrix is ignored); the smoothing kernel's variance is ≈ 0.938 σd²,
 * not σd²; values within a few σ of the image border depend on the border-repeat assumption, which
 * is why PyRadiomics' preCrop (filtering a crop of ROI box ± padDistance) changes LoG features.
 */
import { InvalidSettingsError } from '../../errors';
import { voxelCount, type Mat3, type Vec3, type Volume, type VoxelArray } from '../../imaging/volume';
import { cos, exp, sin } from './correctly-rounded';
import { croppedGrid, type IndexBox } from './crop';

/** A sigma as PyRadiomics sees it: a number is a Python float (YAML `2.0`), a bigint a Python int (YAML `2`). */
export type LogSigma = number | bigint;

export interface LogImage {
  /** PyRadiomics image type name, e.g. `log-sigma-2-0-mm-3D` (sigma 2.0) or `log-sigma-2-mm-3D` (sigma 2). */
  name: string;
  sigmaMm: number;
  image: Volume<Float64Array>;
}

export interface LogImagesOptions {
  /** Told why a sigma, or every sigma, yields no image (PyRadiomics logs these as warnings). */
  onSkip?: (message: string) => void;
  /** Compute the images only within this box of the image (see laplacianOfGaussian). */
  region?: IndexBox;
}

/** Coefficients of one recursive pass (ITK's m_N*, m_D*, m_M*, m_BN*, m_BM*). */
export interface RecursiveCoefficients {
  n0: number; n1: number; n2: number; n3: number;
  d1: number; d2: number; d3: number; d4: number;
  m1: number; m2: number; m3: number; m4: number;
  bn1: number; bn2: number; bn3: number; bn4: number;
  bm1: number; bm2: number; bm3: number; bm4: number;
}

// Farnebäck & Westin (2006) fit of the Gaussian (order 0) and its second derivative (order 2).
const W1 = 0.6681;
const L1 = -1.3932;
const W2 = 2.0787;
const L2 = -1.3732;
const FIT = {
  0: { a1: 1.353, b1: 1.8151, a2: -0.3531, b2: 0.0902 },
  2: { a1: -1.3563, b1: 5.2318, a2: 0.3446, b2: -2.2355 },
} as const;

interface Numerator { n0: number; n1: number; n2: number; n3: number; sn: number; dn: number; en: number }

/** Numerator n0..n3 of one fit, with its sum SN and first/second moments DN, EN (ITK's ComputeNCoefficients). */
function numerator(sigmad: number, fit: { a1: number; b1: number; a2: number; b2: number }): Numerator {
  const { a1, b1, a2, b2 } = fit;
  const sin1 = sin(W1 / sigmad);
  const sin2 = sin(W2 / sigmad);
  const cos1 = cos(W1 / sigmad);
  const cos2 = cos(W2 / sigmad);
  const exp1 = exp(L1 / sigmad);
  const exp2 = exp(L2 / sigmad);
  // Each expression keeps ITK's evaluation order, so the doubles come out bit for bit the same.
  const n0 = a1 + a2;
  let n1 = exp2 * (b2 * sin2 - (a2 + 2 * a1) * cos2);
  n1 += exp1 * (b1 * sin1 - (a1 + 2 * a2) * cos1);
  let n2 = (a1 + a2) * cos2 * cos1;
  n2 -= b1 * cos2 * sin1 + b2 * cos1 * sin2;
  n2 *= 2 * exp1 * exp2;
  n2 += a2 * exp1 * exp1 + a1 * exp2 * exp2;
  let n3 = exp2 * exp1 * exp1 * (b2 * sin2 - a2 * cos2);
  n3 += exp1 * exp2 * exp2 * (b1 * sin1 - a1 * cos1);
  return { n0, n1, n2, n3, sn: n0 + n1 + n2 + n3, dn: n1 + 2 * n2 + 3 * n3, en: n1 + 4 * n2 + 9 * n3 };
}

/**
 * Coefficients of ITK's RecursiveGaussianImageFilter for a Gaussian (order 0) or its second
 * derivative (order 2) of width sigmaMm, along an axis of spacing spacingMm.
 */
export function recursiveGaussianCoefficients(
  sigmaMm: number,
  spacingMm: number,
  order: 0 | 2,
  normalizeAcrossScale: boolean,
): RecursiveCoefficients {
  const spacing = Math.abs(spacingMm);
  if (!(spacing >= 1e-8)) throw new InvalidSettingsError(`spacing ${spacingMm} mm is too small for a recursive Gaussian`);
  if (!(sigmaMm > 0)) throw new InvalidSettingsError(`sigma must be greater than 0 (got ${sigmaMm})`);
  const sigmad = sigmaMm / spacing;

  // Denominator (ITK's ComputeDCoefficients).
  const cos1 = cos(W1 / sigmad);
  const cos2 = cos(W2 / sigmad);
  const exp1 = exp(L1 / sigmad);
  const exp2 = exp(L2 / sigmad);
  const d4 = exp1 * exp1 * exp2 * exp2;
  let d3 = -2 * cos1 * exp1 * exp2 * exp2;
  d3 += -2 * cos2 * exp2 * exp1 * exp1;
  let d2 = 4 * cos2 * cos1 * exp1 * exp2;
  d2 += exp1 * exp1 + exp2 * exp2;
  const d1 = -2 * (exp2 * cos2 + exp1 * cos1);
  const sd = 1.0 + d1 + d2 + d3 + d4;
  const dd = d1 + 2 * d2 + 3 * d3 + 4 * d4;
  const ed = d1 + 4 * d2 + 9 * d3 + 16 * d4;

  let n: [number, number, number, number];
  if (order === 0) {
    // Unit sum: α0 = 2 SN/SD − n0 is the sum of the two-sided kernel.
    const g = numerator(sigmad, FIT[0]);
    const alpha0 = (2 * g.sn) / sd - g.n0;
    const scale = 1.0 / alpha0; // ITK multiplies by (normalization / α), normalization = 1 here
    n = [g.n0 * scale, g.n1 * scale, g.n2 * scale, g.n3 * scale];
  } else {
    // Second derivative fit plus β times the Gaussian fit, β chosen so that the kernel sums to 0.
    const g0 = numerator(sigmad, FIT[0]);
    const g2 = numerator(sigmad, FIT[2]);
    const beta = -(2 * g2.sn - sd * g2.n0) / (2 * g0.sn - sd * g0.n0);
    const n0 = g2.n0 + beta * g0.n0;
    const n1 = g2.n1 + beta * g0.n1;
    const n2 = g2.n2 + beta * g0.n2;
    const n3 = g2.n3 + beta * g0.n3;
    const sn = g2.sn + beta * g0.sn;
    const dn = g2.dn + beta * g0.dn;
    const en = g2.en + beta * g0.en;
    // α2 = half the second moment of the two-sided kernel.
    let alpha2 = en * sd * sd - ed * sn * sd - 2 * dn * dd * sd + 2 * dd * dd * sn;
    alpha2 /= sd * sd * sd;
    const scale = (normalizeAcrossScale ? sigmaMm * sigmaMm : 1.0) / alpha2;
    n = [n0 * scale, n1 * scale, n2 * scale, n3 * scale];
  }
  const [n0, n1, n2, n3] = n;

  // Symmetric kernel: the anticausal numerator mirrors the causal one (ITK's ComputeRemainingCoefficients).
  const m1 = n1 - d1 * n0;
  const m2 = n2 - d2 * n0;
  const m3 = n3 - d3 * n0;
  const m4 = -d4 * n0;
  // Response to a constant signal, used to start each pass at the borders.
  const sumN = n0 + n1 + n2 + n3;
  const sumM = m1 + m2 + m3 + m4;
  const sumD = 1.0 + d1 + d2 + d3 + d4;
  return {
    n0, n1, n2, n3, d1, d2, d3, d4, m1, m2, m3, m4,
    bn1: (d1 * sumN) / sumD, bn2: (d2 * sumN) / sumD, bn3: (d3 * sumN) / sumD, bn4: (d4 * sumN) / sumD,
    bm1: (d1 * sumM) / sumD, bm2: (d2 * sumM) / sumD, bm3: (d3 * sumM) / sumD, bm4: (d4 * sumM) / sumD,
  };
}

/**
 * Filter w interleaved lines (n ≥ 4 samples each; sample i of line t at x[i·w + t]) into out,
 * causal pass then anticausal pass, each line exactly as ITK's
 * RecursiveSeparableImageFilter::FilterDataArray filters it; `s` holds the anticausal part.
 * Interleaving only changes the loop order (lines are independent), so memory is read in rows.
 * Only samples lo..hi of out are complete (default: all): see filterStridedLines.
 */
export function filterLines(
  out: Float64Array,
  x: Float64Array,
  s: Float64Array,
  n: number,
  w: number,
  c: RecursiveCoefficients,
  lo = 0,
  hi = n - 1,
): void {
  filterStridedLines(out, x, s, { n, w, lineStride: 1, sampleStride: w }, c, lo, hi);
}

/** Where w lines of n samples lie in an array: sample i of line t at t·lineStride + i·sampleStride. */
interface LineLayout {
  n: number;
  w: number;
  lineStride: number;
  sampleStride: number;
}

/**
 * filterLines for lines laid out as `layout` says (out, x and s alike). The lines are filtered
 * together, sample by sample, so the recursions of different lines overlap. Only samples lo..hi
 * are completed: the causal pass stops after hi, the anticausal one at lo, and every sample in
 * lo..hi gets exactly the value of a whole-line run.
 */
function filterStridedLines(
  out: Float64Array,
  x: Float64Array,
  s: Float64Array,
  layout: LineLayout,
  c: RecursiveCoefficients,
  lo: number,
  hi: number,
): void {
  const { n0, n1, n2, n3, d1, d2, d3, d4, m1, m2, m3, m4, bn1, bn2, bn3, bn4, bm1, bm2, bm3, bm4 } = c;
  const { n, w, lineStride, sampleStride: step } = layout;
  const end = w * lineStride; // one past the last line's offset
  const last = (n - 1) * step;
  for (let t = 0; t < end; t += lineStride) {
    // Causal: the signal is x[0] from −∞ to 0; the state starts at the filter's response to that constant.
    const x0 = t, x1 = t + step, x2 = t + 2 * step, x3 = t + 3 * step;
    const v1 = x[x0];
    out[x0] = v1 * n0 + v1 * n1 + v1 * n2 + v1 * n3;
    out[x1] = x[x1] * n0 + v1 * n1 + v1 * n2 + v1 * n3;
    out[x2] = x[x2] * n0 + x[x1] * n1 + v1 * n2 + v1 * n3;
    out[x3] = x[x3] * n0 + x[x2] * n1 + x[x1] * n2 + v1 * n3;
    out[x0] -= v1 * bn1 + v1 * bn2 + v1 * bn3 + v1 * bn4;
    out[x1] -= out[x0] * d1 + v1 * bn2 + v1 * bn3 + v1 * bn4;
    out[x2] -= out[x1] * d1 + out[x0] * d2 + v1 * bn3 + v1 * bn4;
    out[x3] -= out[x2] * d1 + out[x1] * d2 + out[x0] * d3 + v1 * bn4;
    // Anticausal: the signal is x[n−1] from n−1 to +∞.
    const y0 = last + t, y1 = y0 - step, y2 = y0 - 2 * step, y3 = y0 - 3 * step;
    const v2 = x[y0];
    s[y0] = v2 * m1 + v2 * m2 + v2 * m3 + v2 * m4;
    s[y1] = x[y0] * m1 + v2 * m2 + v2 * m3 + v2 * m4;
    s[y2] = x[y1] * m1 + x[y0] * m2 + v2 * m3 + v2 * m4;
    s[y3] = x[y2] * m1 + x[y1] * m2 + x[y0] * m3 + v2 * m4;
    s[y0] -= v2 * bm1 + v2 * bm2 + v2 * bm3 + v2 * bm4;
    s[y1] -= s[y0] * d1 + v2 * bm2 + v2 * bm3 + v2 * bm4;
    s[y2] -= s[y1] * d1 + s[y0] * d2 + v2 * bm3 + v2 * bm4;
    s[y3] -= s[y2] * d1 + s[y1] * d2 + s[y0] * d3 + v2 * bm4;
  }
  causalRecursion(out, x, layout, c, 4, hi);
  anticausalRecursion(s, x, layout, c, n - 5, lo);
  // Output = causal + anticausal.
  for (let i = lo; i <= hi; i++) {
    for (let t = i * step; t < i * step + end; t += lineStride) out[t] += s[t];
  }
}

/**
 * The causal recursion for samples from..to of every line, in order:
 *   y⁺[i] = n0 x[i] + n1 x[i−1] + n2 x[i−2] + n3 x[i−3] − (d1 y⁺[i−1] + d2 y⁺[i−2] + d3 y⁺[i−3] + d4 y⁺[i−4])
 * two samples at a time (the second reuses the inputs and output the first has read).
 */
function causalRecursion(y: Float64Array, x: Float64Array, layout: LineLayout, c: RecursiveCoefficients, from: number, to: number): void {
  const { n0, n1, n2, n3, d1, d2, d3, d4 } = c;
  const { w, lineStride, sampleStride: step } = layout;
  const end = w * lineStride;
  for (let i = from; i <= to; i += 2) {
    const pair = i < to;
    for (let k = i * step; k < i * step + end; k += lineStride) {
      const x0 = x[k], x1 = x[k - step], x2 = x[k - 2 * step], x3 = x[k - 3 * step];
      const y1 = y[k - step], y2 = y[k - 2 * step], y3 = y[k - 3 * step], y4 = y[k - 4 * step];
      const y0 = x0 * n0 + x1 * n1 + x2 * n2 + x3 * n3 - (y1 * d1 + y2 * d2 + y3 * d3 + y4 * d4);
      y[k] = y0;
      if (pair) y[k + step] = x[k + step] * n0 + x0 * n1 + x1 * n2 + x2 * n3 - (y0 * d1 + y1 * d2 + y2 * d3 + y3 * d4);
    }
  }
}

/**
 * The anticausal recursion for samples from down to `to` of every line:
 *   y⁻[i] = m1 x[i+1] + m2 x[i+2] + m3 x[i+3] + m4 x[i+4] − (d1 y⁻[i+1] + d2 y⁻[i+2] + d3 y⁻[i+3] + d4 y⁻[i+4])
 * two samples at a time (the second reuses the inputs and output the first has read).
 */
function anticausalRecursion(y: Float64Array, x: Float64Array, layout: LineLayout, c: RecursiveCoefficients, from: number, to: number): void {
  const { m1, m2, m3, m4, d1, d2, d3, d4 } = c;
  const { w, lineStride, sampleStride: step } = layout;
  const end = w * lineStride;
  for (let i = from; i >= to; i -= 2) {
    const pair = i > to;
    for (let k = i * step; k < i * step + end; k += lineStride) {
      const x1 = x[k + step], x2 = x[k + 2 * step], x3 = x[k + 3 * step], x4 = x[k + 4 * step];
      const y1 = y[k + step], y2 = y[k + 2 * step], y3 = y[k + 3 * step], y4 = y[k + 4 * step];
      const y0 = x1 * m1 + x2 * m2 + x3 * m3 + x4 * m4 - (y1 * d1 + y2 * d2 + y3 * d3 + y4 * d4);
      y[k] = y0;
      if (pair) y[k - step] = x[k] * m1 + x1 * m2 + x2 * m3 + x3 * m4 - (y0 * d1 + y1 * d2 + y2 * d3 + y3 * d4);
    }
  }
}

/**
 * Most samples filtered together (lines × samples per line). A tile is copied in with one
 * contiguous copy per row: lines along x are taken whole, several consecutive ones (line-major),
 * lines along y or z as many as the box is wide along x (interleaved, x fastest).
 */
const TILE_SAMPLES = 65536;
/** Lines along x filtered together. */
const X_TILE = 16;

/** The arrays a tile of lines is filtered in (input, output, anticausal part), shared by the passes of one LoG. */
interface TileBuffers {
  x: Float64Array;
  out: Float64Array;
  scratch: Float64Array;
}

/** Tile buffers large enough for every pass over a volume of this size. */
function tileBuffers(size: Vec3): TileBuffers {
  const length = Math.max(TILE_SAMPLES, X_TILE * size[0], ...size);
  return { x: new Float64Array(length), out: new Float64Array(length), scratch: new Float64Array(length) };
}

/**
 * One recursive pass along `axis` of a volume of the given size, restricted to `box`: every line
 * along the axis that crosses the box (the box's extent along the two other axes) is read whole
 * from `source`, filtered in double, and its samples within the box's extent along `axis` are
 * stored into `target`, rounded to float32 (ITK's float image; `target` may be `source` itself).
 */
function filterAxis(
  source: VoxelArray,
  target: Float32Array,
  size: Vec3,
  axis: 0 | 1 | 2,
  coefficients: RecursiveCoefficients,
  box: IndexBox,
  tiles: TileBuffers,
): void {
  const n = size[axis];
  const strides = [1, size[0], size[0] * size[1]];
  // Lines are numbered by the two other axes, u (the faster in memory) and v.
  const [u, v] = axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
  const lo = box.lower[axis];
  const hi = box.upper[axis];
  const tile = Math.max(1, Math.min(box.upper[u] - box.lower[u] + 1, axis === 0 ? X_TILE : Math.floor(TILE_SAMPLES / n)));
  const { x, out, scratch } = tiles;
  for (let lineV = box.lower[v]; lineV <= box.upper[v]; lineV++) {
    for (let first = box.lower[u]; first <= box.upper[u]; first += tile) {
      const w = Math.min(tile, box.upper[u] + 1 - first);
      const start = lineV * strides[v] + first * strides[u];
      if (axis === 0) {
        // w whole rows, one after the other in memory: line t at start + t·n.
        const layout = { n, w, lineStride: n, sampleStride: 1 };
        x.set(source.subarray(start, start + w * n));
        filterStridedLines(out, x, scratch, layout, coefficients, lo, hi);
        for (let t = 0; t < w * n; t += n) {
          for (let i = t + lo; i <= t + hi; i++) target[start + i] = out[i];
        }
      } else {
        // Sample i of the w lines: source[start + i·stride + t], t < w (one block when stride = w).
        const stride = strides[axis];
        const layout = { n, w, lineStride: 1, sampleStride: w };
        if (stride === w) x.set(source.subarray(start, start + n * w));
        else for (let i = 0; i < n; i++) x.set(source.subarray(start + i * stride, start + i * stride + w), i * w);
        filterStridedLines(out, x, scratch, layout, coefficients, lo, hi);
        if (stride === w) target.set(out.subarray(lo * w, (hi + 1) * w), start + lo * stride);
        else for (let i = lo; i <= hi; i++) target.set(out.subarray(i * w, i * w + w), start + i * stride);
      }
    }
  }
}

/**
 * Laplacian of Gaussian of width sigmaMm (mm), scale-normalized (σ² ∇²(G_σ ∗ I)), as SimpleITK's
 * LaplacianRecursiveGaussianImageFilter with SetNormalizeAcrossScale(True) and SetSigma(sigmaMm).
 * Needs at least 4 voxels along every axis. Float32 values held in float64, on the grid of
 * `image`, or only within `region` (a box of it; the grid cropVolume gives), whose voxels are
 * those of the whole-image result: each pass along an axis filters whole lines, and only the
 * lines the later passes read are filtered.
 */
export function laplacianOfGaussian(image: Volume, sigmaMm: number, region?: IndexBox): Volume<Float64Array> {
  const { size, spacing } = image;
  if (!(sigmaMm > 0)) throw new InvalidSettingsError(`LoG: sigma must be greater than 0 (got ${sigmaMm})`);
  if (size.some((n) => n < 4)) {
    throw new InvalidSettingsError(`LoG: the recursive Gaussian needs at least 4 voxels along every axis (size ${size.join('×')})`);
  }
  const box = region ?? wholeGrid(size);
  const grid = region
    ? croppedGrid(image, region)
    : { size: [...size] as Vec3, spacing: [...spacing] as Vec3, origin: [...image.origin] as Vec3, direction: [...image.direction] as Mat3 };
  const accumulated = new Float32Array(voxelCount(grid.size)); // ITK's cumulative image, zero-initialized
  const term = new Float32Array(voxelCount(size));
  const tiles = tileBuffers(size);
  const axes = [0, 1, 2] as const;
  for (const d of axes) {
    // L_d = G''_d ∘ G_a ∘ G_b: the pass along d, then the others in increasing order. Each pass
    // filters the lines the next one reads: the box along the axes done, whole along the others.
    const done = [d, ...axes.filter((a) => a !== d)];
    done.forEach((a, pass) => {
      const order = pass === 0 ? 2 : 0;
      const passBox = boxWithin(box, size, done.slice(0, pass + 1));
      filterAxis(pass === 0 ? image.data : term, term, size, a, recursiveGaussianCoefficients(sigmaMm, spacing[a], order, true), passBox, tiles);
    });
    const spacing2 = spacing[d] * spacing[d];
    const inverse = 1.0 / spacing2;
    accumulate(accumulated, term, size, box, inverse);
  }
  return { data: Float64Array.from(accumulated), ...grid };
}

/** The whole grid of `size` as a box. */
function wholeGrid(size: Vec3): IndexBox {
  return { lower: [0, 0, 0], upper: [size[0] - 1, size[1] - 1, size[2] - 1] };
}

/** `box` along the axes listed, the whole grid along the others. */
function boxWithin(box: IndexBox, size: Vec3, axes: readonly number[]): IndexBox {
  const whole = wholeGrid(size);
  for (const a of axes) {
    whole.lower[a] = box.lower[a];
    whole.upper[a] = box.upper[a];
  }
  return whole;
}

/** acc ← float32(acc + term · inverse) over `box` (acc on the box's grid, term on the whole grid). */
function accumulate(accumulated: Float32Array, term: Float32Array, size: Vec3, box: IndexBox, inverse: number): void {
  const [nx, ny] = size;
  const width = box.upper[0] - box.lower[0] + 1;
  let v = 0;
  for (let z = box.lower[2]; z <= box.upper[2]; z++) {
    for (let y = box.lower[1]; y <= box.upper[1]; y++) {
      const row = box.lower[0] + nx * (y + ny * z);
      for (let i = 0; i < width; i++, v++) accumulated[v] = accumulated[v] + term[row + i] * inverse;
    }
  }
}

/**
 * Python's str() of a sigma: a float prints as repr (shortest round-trip digits, at least one
 * decimal, exponent form below 1e-4 and from 1e16 on: 1.0, 0.5, 1e-05, 1e+16), an int as digits.
 */
export function pythonSigmaText(sigma: LogSigma): string {
  if (typeof sigma === 'bigint') return sigma.toString();
  if (Number.isNaN(sigma)) return 'nan';
  if (!Number.isFinite(sigma)) return sigma > 0 ? 'inf' : '-inf';
  if (sigma === 0) return Object.is(sigma, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = sigma.toExponential().split('e'); // shortest round-trip digits
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
    return `${sign}${body}e${e}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1) || '0';
  return `${sign}${whole}.${fraction}`;
}

/** PyRadiomics' image type name for one sigma: `log-sigma-<str(sigma) with '.' → '-'>-mm-3D`. */
export function logImageName(sigma: LogSigma): string {
  return `log-sigma-${pythonSigmaText(sigma).replace(/\./g, '-')}-mm-3D`;
}

/**
 * The LoG images PyRadiomics yields for these sigmas (getLoGImage), in order. As in PyRadiomics:
 *  - an image with fewer than 4 voxels along some axis yields nothing (skipped, not an error);
 *  - a sigma is skipped unless size ≥ ceil(sigma / spacing) + 1 along every axis (so infinity is skipped);
 *  - a NaN sigma is skipped ("sigma must be greater than 0").
 * A sigma ≤ 0 or one that is not a number is an InvalidSettingsError: PyRadiomics' params schema
 * (sigma: list of float > 0) refuses it before any image is read.
 */
export function logImages(image: Volume, sigmas: readonly LogSigma[], options: LogImagesOptions = {}): LogImage[] {
  for (const sigma of sigmas) validateSigma(sigma);
  const skip = options.onSkip ?? (() => {});
  const { size, spacing } = image;
  if (Math.min(...size) < 4) {
    skip(`LoG: image too small to apply the LoG filter, size ${size.join('×')} (every axis needs at least 4 voxels)`);
    return [];
  }
  const out: LogImage[] = [];
  for (const sigma of sigmas) {
    const sigmaMm = Number(sigma);
    if (!(sigmaMm > 0)) {
      skip(`LoG: sigma must be greater than 0.0: ${pythonSigmaText(sigma)}`);
      continue;
    }
    if (!size.every((n, d) => n >= Math.ceil(sigmaMm / spacing[d]) + 1)) {
      skip(
        `LoG: sigma ${pythonSigmaText(sigma)} mm skipped: ceil(sigma / spacing) + 1 exceeds the image size ` +
          `along some axis (spacing ${spacing.join(', ')} mm, size ${size.join('×')})`,
      );
      continue;
    }
    out.push({ name: logImageName(sigma), sigmaMm, image: laplacianOfGaussian(image, sigmaMm, options.region) });
  }
  return out;
}

/** PyRadiomics' schema for one sigma: an int or float (not a boolean), > 0 (NaN and infinity pass). */
function validateSigma(sigma: unknown): void {
  if (typeof sigma === 'bigint') {
    if (sigma <= 0n) throw new InvalidSettingsError(`imageType.LoG.sigma: ${sigma} must be greater than 0`);
    return;
  }
  if (typeof sigma !== 'number') {
    throw new InvalidSettingsError(`imageType.LoG.sigma: ${show(sigma)} is not a number`);
  }
  if (sigma <= 0) throw new InvalidSettingsError(`imageType.LoG.sigma: ${sigma} must be greater than 0`);
}

/**
 * The sigma list of a params file's `imageType.LoG` options, checked as PyRadiomics' schema checks
 * it: `sigma` absent → [] (LoG enabled but no image); otherwise a list of numbers > 0.
 */
export function logSigmasFromOptions(options: Record<string, unknown>): LogSigma[] {
  if (!('sigma' in options)) return [];
  const sigma = options.sigma;
  if (!Array.isArray(sigma)) throw new InvalidSettingsError(`imageType.LoG.sigma must be a list of numbers (got ${show(sigma)})`);
  for (const s of sigma) validateSigma(s);
  return sigma as LogSigma[];
}

/** A settings value for an error message (JSON, but bigints as digits). */
function show(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? Number(v) : v)) ?? String(value);
}
