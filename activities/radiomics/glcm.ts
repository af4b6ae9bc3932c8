/**
 * PyRadiomics Gray Level Co-occurrence Matrix features (radiomics/glcm.py,
 * https://pyradiomics.readthedocs.io/en/latest/features.html#module-radiomics.glcm).
 *
 * Matrix P(i, j | δ, θ): for direction θ = (dx, dy, dz) (offsets from textureAngles, Chebyshev
 * distance δ in `distances`), the number of ROI voxels with gray level i whose neighbour at +θ is an
 * ROI voxel with gray level j. Only the gray levels present in the ROI get a row/column. With
 * symmetricalGLCM, P + Pᵀ (each pair counted in both directions).
 *
 * Merging directions (weightingNorm):
 *   null                       features per direction, then averaged (directions without any pair dropped)
 *   'no_weighting'             P = Σθ P(θ)
 *   'manhattan' | 'euclidean' | 'infinity'   P = Σθ W(θ)·P(θ), W = exp(−‖d‖²), d = |θ| ⊙ spacing (mm),
 *                              ‖d‖ the named norm
 * Features use p = P / ΣP and (all sums over the present gray levels i, j, by their values):
 *   ε = 2.2e−16 (numpy.spacing(1)),  Ng = the highest gray level present (not the number present)
 *   px(i) = Σj p(i, j), py(j) = Σi p(i, j),  μx = Σ p(i, j)·i,  μy = Σ p(i, j)·j
 *   σx² = Σ p(i, j)(i − μx)², σy² = Σ p(i, j)(j − μy)²
 *   px+y(k) = Σ_{i+j=k} p(i, j), k = 2..2Ng;  px−y(k) = Σ_{|i−j|=k} p(i, j), k = 0..Ng−1
 *   HX = −Σ px log2(px + ε), HY = −Σ py log2(py + ε), HXY = −Σ p log2(p + ε)
 *   HXY1 = −Σ p(i, j) log2(px(i)py(j) + ε), HXY2 = −Σ px(i)py(j) log2(px(i)py(j) + ε)
 *
 * Matrices are Float64Array, row-major: P[i * n + j], n = number of gray levels present,
 * row i = gray level grayLevels[i] of the centre voxel, column j = that of its neighbour.
 */
import { textureAngles, type Offset } from './angles';
import type { RadiomicsSettings } from './settings';
import { symmetricEigenvalues } from './symmetric-eigenvalues';
import { compactGrayLevels, EPSILON, meanIgnoringNaN, offsetMillimetres } from './texture-common';
import type { TextureInput } from './texture-input';

export type GlcmSettings = Pick<
  RadiomicsSettings,
  'distances' | 'force2D' | 'force2Ddimension' | 'symmetricalGLCM' | 'weightingNorm'
>;

export interface GlcmMatrices {
  /** Gray levels present in the ROI, ascending: row/column i stands for grayLevels[i]. */
  grayLevels: Int32Array;
  /** One direction per matrix, in PyRadiomics' order. */
  angles: Offset[];
  /** Co-occurrence counts per direction, n×n row-major (n = grayLevels.length). */
  matrices: Float64Array[];
}

/** The co-occurrence count matrix of every direction (symmetrical when settings.symmetricalGLCM). */
export function glcmMatrices(input: TextureInput, settings: GlcmSettings): GlcmMatrices {
  const { grayLevels, index } = compactGrayLevels(input);
  const n = grayLevels.length;
  const [nx, ny, nz] = input.size;
  const angles = textureAngles(input.size, {
    distances: settings.distances,
    force2Ddimension: settings.force2D ? settings.force2Ddimension : undefined,
  });
  const matrices = angles.map(([dx, dy, dz]) => {
    const P = new Float64Array(n * n);
    const step = dx + nx * (dy + ny * dz);
    // Only centres whose neighbour at +θ lies inside the box.
    const x0 = Math.max(0, -dx);
    const x1 = Math.min(nx, nx - dx);
    const y0 = Math.max(0, -dy);
    const y1 = Math.min(ny, ny - dy);
    const z0 = Math.max(0, -dz);
    const z1 = Math.min(nz, nz - dz);
    for (let z = z0; z < z1; z++) {
      for (let y = y0; y < y1; y++) {
        const row = nx * (y + ny * z);
        for (let v = row + x0; v < row + x1; v++) {
          const centre = index[v];
          if (centre < 0) continue;
          const neighbour = index[v + step];
          if (neighbour >= 0) P[centre * n + neighbour]++;
        }
      }
    }
    if (settings.symmetricalGLCM) addTranspose(P, n);
    return P;
  });
  return { grayLevels, angles, matrices };
}

/** P ← P + Pᵀ */
function addTranspose(P: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    P[i * n + i] *= 2;
    for (let j = i + 1; j < n; j++) P[i * n + j] = P[j * n + i] = P[i * n + j] + P[j * n + i];
  }
}

/** PyRadiomics' GLCM weight W = exp(−‖d‖²) of a direction (1 for 'no_weighting'). */
export function glcmDirectionWeight(
  offset: Offset,
  spacing: readonly number[],
  norm: NonNullable<GlcmSettings['weightingNorm']>,
): number {
  const d = offsetMillimetres(offset, spacing);
  switch (norm) {
    case 'infinity':
      return Math.exp(-(Math.max(d[0], d[1], d[2]) ** 2));
    case 'euclidean':
      return Math.exp(-(d[0] ** 2 + d[1] ** 2 + d[2] ** 2));
    case 'manhattan':
      return Math.exp(-((d[0] + d[1] + d[2]) ** 2));
    case 'no_weighting':
      return 1;
  }
}

/**
 * The normalized matrices p = P / ΣP that features are computed on, as PyRadiomics prepares them:
 * with weightingNorm one weighted sum of all directions; without, one per direction, dropping
 * directions without any pair (when there is more than one). A matrix without any pair is all NaN.
 */
export function glcmProbabilities(glcm: GlcmMatrices, settings: GlcmSettings, spacing: readonly number[]): Float64Array[] {
  let matrices = glcm.matrices;
  const norm = settings.weightingNorm;
  if (norm !== null) {
    const merged = new Float64Array(glcm.grayLevels.length ** 2);
    glcm.matrices.forEach((P, a) => {
      const w = glcmDirectionWeight(glcm.angles[a], spacing, norm);
      for (let k = 0; k < P.length; k++) merged[k] += w * P[k];
    });
    matrices = [merged];
  } else if (matrices.length > 1) {
    matrices = matrices.filter((P) => total(P) !== 0);
  }
  return matrices.map((P) => {
    const sum = total(P);
    return P.map((value) => (sum === 0 ? NaN : value / sum));
  });
}

function total(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum;
}

/** Marginals and sums of one normalized GLCM that the features share. */
export interface GlcmCoefficients {
  /** p(i, j), n×n row-major. */
  p: Float64Array;
  n: number;
  /** Gray level value of row/column i. */
  level: Float64Array;
  /** Highest gray level present (PyRadiomics' Ng). */
  Ng: number;
  px: Float64Array;
  py: Float64Array;
  ux: number;
  uy: number;
  /** pxAddy[k] = px+y(k), k = 0..2Ng (entries 0 and 1 stay 0). */
  pxAddy: Float64Array;
  /** pxSuby[k] = px−y(k), k = 0..Ng−1. */
  pxSuby: Float64Array;
  /** HXY, the joint entropy. */
  HXY: number;
}

export function glcmCoefficients(p: Float64Array, grayLevels: Int32Array, Ng: number): GlcmCoefficients {
  const n = grayLevels.length;
  const level = Float64Array.from(grayLevels);
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  const pxAddy = new Float64Array(2 * Ng + 1);
  const pxSuby = new Float64Array(Ng);
  let ux = 0;
  let uy = 0;
  let HXY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const pij = p[i * n + j];
      px[i] += pij;
      py[j] += pij;
      ux += pij * level[i];
      uy += pij * level[j];
      pxAddy[grayLevels[i] + grayLevels[j]] += pij;
      pxSuby[Math.abs(grayLevels[i] - grayLevels[j])] += pij;
      HXY -= pij * Math.log2(pij + EPSILON);
    }
  }
  return { p, n, level, Ng, px, py, ux, uy, pxAddy, pxSuby, HXY };
}

/** Σ p(i, j) · f(i, j) over the matrix, with i, j the gray level values. */
function expectation(c: GlcmCoefficients, f: (i: number, j: number) => number): number {
  let sum = 0;
  for (let a = 0; a < c.n; a++) {
    for (let b = 0; b < c.n; b++) {
      const pab = c.p[a * c.n + b];
      if (pab !== 0) sum += pab * f(c.level[a], c.level[b]);
    }
  }
  return sum;
}

/** −Σ q log2(q + ε) */
function entropyOf(q: Float64Array): number {
  let sum = 0;
  for (const v of q) sum -= v * Math.log2(v + EPSILON);
  return sum;
}

/** Autocorrelation = Σ p(i, j)·i·j */
export function autocorrelation(c: GlcmCoefficients): number {
  return expectation(c, (i, j) => i * j);
}

/** JointAverage = μx = Σ p(i, j)·i */
export function jointAverage(c: GlcmCoefficients): number {
  return c.ux;
}

/** ClusterProminence = Σ (i + j − μx − μy)⁴ p(i, j) */
export function clusterProminence(c: GlcmCoefficients): number {
  return expectation(c, (i, j) => (i + j - c.ux - c.uy) ** 4);
}

/** ClusterShade = Σ (i + j − μx − μy)³ p(i, j) */
export function clusterShade(c: GlcmCoefficients): number {
  return expectation(c, (i, j) => (i + j - c.ux - c.uy) ** 3);
}

/** ClusterTendency = Σ (i + j − μx − μy)² p(i, j) */
export function clusterTendency(c: GlcmCoefficients): number {
  return expectation(c, (i, j) => (i + j - c.ux - c.uy) ** 2);
}

/** Contrast = Σ (i − j)² p(i, j) */
export function contrast(c: GlcmCoefficients): number {
  return expectation(c, (i, j) => (i - j) ** 2);
}

/** Correlation = (Σ p(i, j)(i − μx)(j − μy)) / (σx σy + ε); 1 when σx σy = 0 (flat region) */
export function correlation(c: GlcmCoefficients): number {
  const sigmaX = Math.sqrt(expectation(c, (i) => (i - c.ux) ** 2));
  const sigmaY = Math.sqrt(expectation(c, (_, j) => (j - c.uy) ** 2));
  if (sigmaX * sigmaY === 0) return 1;
  return expectation(c, (i, j) => (i - c.ux) * (j - c.uy)) / (sigmaX * sigmaY + EPSILON);
}

/** DifferenceAverage = Σk k·px−y(k) */
export function differenceAverage(c: GlcmCoefficients): number {
  let sum = 0;
  for (let k = 0; k < c.pxSuby.length; k++) sum += k * c.pxSuby[k];
  return sum;
}

/** DifferenceEntropy = −Σk px−y(k) log2(px−y(k) + ε) */
export function differenceEntropy(c: GlcmCoefficients): number {
  return entropyOf(c.pxSuby);
}

/** DifferenceVariance = Σk (k − DifferenceAverage)² px−y(k) */
export function differenceVariance(c: GlcmCoefficients): number {
  const mean = differenceAverage(c);
  let sum = 0;
  for (let k = 0; k < c.pxSuby.length; k++) sum += (k - mean) ** 2 * c.pxSuby[k];
  return sum;
}

/** JointEnergy = Σ p(i, j)² */
export function jointEnergy(c: GlcmCoefficients): number {
  let sum = 0;
  for (const v of c.p) sum += v * v;
  return sum;
}

/** JointEntropy = HXY = −Σ p(i, j) log2(p(i, j) + ε) */
export function jointEntropy(c: GlcmCoefficients): number {
  return c.HXY;
}

/** Imc1 = (HXY − HXY1) / max(HX, HY); 0 when HX = HY = 0 (flat region) */
export function imc1(c: GlcmCoefficients): number {
  const HX = entropyOf(c.px);
  const HY = entropyOf(c.py);
  let HXY1 = 0;
  for (let a = 0; a < c.n; a++) {
    for (let b = 0; b < c.n; b++) HXY1 -= c.p[a * c.n + b] * Math.log2(c.px[a] * c.py[b] + EPSILON);
  }
  const div = Math.max(HX, HY);
  return div === 0 ? 0 : (c.HXY - HXY1) / div;
}

/**
 * Imc2 = sqrt(1 − exp(−2(HXY2 − HXY))); 0 when HXY2 = HXY, NaN (left out of the average over
 * directions, as numpy's nanmean does) when rounding makes HXY2 < HXY.
 */
export function imc2(c: GlcmCoefficients): number {
  let HXY2 = 0;
  for (let a = 0; a < c.n; a++) {
    for (let b = 0; b < c.n; b++) {
      const q = c.px[a] * c.py[b];
      HXY2 -= q * Math.log2(q + EPSILON);
    }
  }
  if (HXY2 === c.HXY) return 0;
  const value = 1 - Math.exp(-2 * (HXY2 - c.HXY));
  return value < 0 ? NaN : Math.sqrt(value);
}

/** Idm = Σk px−y(k) / (1 + k²) */
export function idm(c: GlcmCoefficients): number {
  let sum = 0;
  for (let k = 0; k < c.pxSuby.length; k++) sum += c.pxSuby[k] / (1 + k * k);
  return sum;
}

/**
 * MCC = sqrt(second largest eigenvalue of Q), Q(i, j) = Σk p(i, k) p(j, k) / (px(i) py(k)).
 * Q = Dx⁻¹·P·Dy⁻¹·Pᵀ (D = diag of the marginals) is similar to the symmetric positive semi-definite
 * B = Dx^−½·P·Dy⁻¹·Pᵀ·Dx^−½, whose eigenvalues a symmetric solver finds robustly; rows of gray
 * levels absent in this direction (px(i) = 0) are zero in both. PyRadiomics adds ε to Q's
 * denominators, which moves the eigenvalues by far less than 1e−12 here, and takes the square root
 * in complex arithmetic; a rounding-negative eigenvalue is taken as 0. With a single gray level
 * (Q is 1×1, no second eigenvalue) PyRadiomics returns 1.
 */
export function mcc(c: GlcmCoefficients): number {
  const { n, p, px, py } = c;
  if (n < 2) return 1;
  const scale = Float64Array.from(px, (v) => (v > 0 ? 1 / Math.sqrt(v) : 0));
  const weighted = new Float64Array(n * n); // p(i, k) / sqrt(py(k))
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) weighted[i * n + k] = py[k] > 0 ? p[i * n + k] / Math.sqrt(py[k]) : 0;
  }
  const B = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    if (scale[i] === 0) continue;
    for (let j = i; j < n; j++) {
      if (scale[j] === 0) continue;
      let sum = 0;
      for (let k = 0; k < n; k++) sum += weighted[i * n + k] * weighted[j * n + k];
      B[i * n + j] = B[j * n + i] = sum * scale[i] * scale[j];
    }
  }
  const eigenvalues = symmetricEigenvalues(B, n);
  return Math.sqrt(Math.max(eigenvalues[n - 2], 0));
}

/** Idmn = Σk px−y(k) / (1 + k²/Ng²) */
export function idmn(c: GlcmCoefficients): number {
  let sum = 0;
  for (let k = 0; k < c.pxSuby.length; k++) sum += c.pxSuby[k] / (1 + (k * k) / (c.Ng * c.Ng));
  return sum;
}

/** Id = Σk px−y(k) / (1 + k) */
export function id(c: GlcmCoefficients): number {
  let sum = 0;
  for (let k = 0; k < c.pxSuby.length; k++) sum += c.pxSuby[k] / (1 + k);
  return sum;
}

/** Idn = Σk px−y(k) / (1 + k/Ng) */
export function idn(c: GlcmCoefficients): number {
  let sum = 0;
  for (let k = 0; k < c.pxSuby.length; k++) sum += c.pxSuby[k] / (1 + k / c.Ng);
  return sum;
}

/** InverseVariance = Σ_{k≥1} px−y(k) / k² */
export function inverseVariance(c: GlcmCoefficients): number {
  let sum = 0;
  for (let k = 1; k < c.pxSuby.length; k++) sum += c.pxSuby[k] / (k * k);
  return sum;
}

/** MaximumProbability = max p(i, j) */
export function maximumProbability(c: GlcmCoefficients): number {
  let max = -Infinity;
  for (const v of c.p) if (v > max) max = v;
  return max;
}

/** SumAverage = Σk k·px+y(k) */
export function sumAverage(c: GlcmCoefficients): number {
  let sum = 0;
  for (let k = 2; k < c.pxAddy.length; k++) sum += k * c.pxAddy[k];
  return sum;
}

/** SumEntropy = −Σk px+y(k) log2(px+y(k) + ε) */
export function sumEntropy(c: GlcmCoefficients): number {
  return entropyOf(c.pxAddy);
}

/** SumSquares = Σ (i − μx)² p(i, j) */
export function sumSquares(c: GlcmCoefficients): number {
  return expectation(c, (i) => (i - c.ux) ** 2);
}

/** Every GLCM feature, by PyRadiomics name, as a function of one normalized matrix. */
const FEATURES: Record<string, (c: GlcmCoefficients) => number> = {
  Autocorrelation: autocorrelation,
  ClusterProminence: clusterProminence,
  ClusterShade: clusterShade,
  ClusterTendency: clusterTendency,
  Contrast: contrast,
  Correlation: correlation,
  DifferenceAverage: differenceAverage,
  DifferenceEntropy: differenceEntropy,
  DifferenceVariance: differenceVariance,
  Id: id,
  Idm: idm,
  Idmn: idmn,
  Idn: idn,
  Imc1: imc1,
  Imc2: imc2,
  InverseVariance: inverseVariance,
  JointAverage: jointAverage,
  JointEnergy: jointEnergy,
  JointEntropy: jointEntropy,
  MCC: mcc,
  MaximumProbability: maximumProbability,
  SumAverage: sumAverage,
  SumEntropy: sumEntropy,
  SumSquares: sumSquares,
};

/** The names of the GLCM features, as glcmFeatures returns them. */
export const GLCM_FEATURE_NAMES = Object.keys(FEATURES);

/**
 * All 24 GLCM features of the ROI: each computed on every normalized matrix (one per direction,
 * or one merged matrix with weightingNorm) and averaged over them, ignoring NaN (numpy.nanmean).
 * NaN throughout when no two ROI voxels are neighbours.
 */
export function glcmFeatures(input: TextureInput, settings: GlcmSettings): Record<string, number> {
  const glcm = glcmMatrices(input, settings);
  const coefficients = glcmProbabilities(glcm, settings, input.spacing).map((p) =>
    glcmCoefficients(p, glcm.grayLevels, input.maxLevel),
  );
  const features: Record<string, number> = {};
  for (const [name, feature] of Object.entries(FEATURES)) {
    const values = coefficients.map((c) => (Number.isNaN(c.p[0]) ? NaN : feature(c)));
    features[name] = meanIgnoringNaN(values);
  }
  // PyRadiomics returns MCC = 1 for a single gray level (Q is 1×1: no second eigenvalue).
  if (glcm.grayLevels.length < 2 && !Number.isNaN(features.JointEnergy)) features.MCC = 1;
  return features;
}
