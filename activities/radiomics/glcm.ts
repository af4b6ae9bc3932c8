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
import { compactGrayLevels, EPSILON as SHARED_EPSILON, meanIgnoringNaN, offsetMillimetres, paddedLevels } from './texture-common';
import type { TextureInput } from './texture-input';

/** ε, as a module constant: an imported binding is a property read on every use in compiled CommonJS. */
const EPSILON = SHARED_EPSILON;

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
  const { grayLevels, position } = compactGrayLevels(input);
  const n = grayLevels.length;
  const angles = textureAngles(input.size, {
    distances: settings.distances,
    force2Ddimension: settings.force2D ? settings.force2Ddimension : undefined,
  });
  // On the box padded by the largest distance, a neighbour outside the box reads level 0.
  const padded = paddedLevels(input, Math.max(...settings.distances));
  const index = levelIndex(padded.levels, position);
  const matrices = angles.map(([dx, dy, dz]) => {
    const P = countPairs(index, padded.voxels, dx + padded.size[0] * (dy + padded.size[1] * dz), n);
    if (settings.symmetricalGLCM) addTranspose(P, n);
    return P;
  });
  return { grayLevels, angles, matrices };
}

/** Every voxel's row/column in P: position[level] (−1 outside the ROI). */
function levelIndex(levels: Int32Array, position: Int32Array): Int32Array {
  const index = new Int32Array(levels.length);
  for (let v = 0; v < index.length; v++) index[v] = position[levels[v]];
  return index;
}

/** P(i, j): ROI voxels of index i whose neighbour `step` further is an ROI voxel of index j. */
function countPairs(index: Int32Array, voxels: Int32Array, step: number, n: number): Float64Array {
  const P = new Float64Array(n * n);
  for (let k = 0; k < voxels.length; k++) {
    const neighbour = index[voxels[k] + step];
    if (neighbour >= 0) P[index[voxels[k]] * n + neighbour]++;
  }
  return P;
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
    const p = new Float64Array(P.length);
    for (let k = 0; k < P.length; k++) p[k] = sum === 0 ? NaN : P[k] / sum;
    return p;
  });
}

function total(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
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
  /** The expectations Σ p(i, j)·f(i, j) of several features, see GlcmSums. */
  sums: GlcmSums;
}

/**
 * Expectations Σ p(i, j)·f(i, j) over the matrix (i, j the gray level values), each accumulated
 * over the non-zero p(i, j) in row-major order, as its feature would sum it on its own; they are
 * gathered in one pass because there are many matrices (one per direction and image).
 */
export interface GlcmSums {
  /** Σ p(i, j)·i·j */
  autocorrelation: number;
  /** Σ p(i, j)(i + j − μx − μy)⁴, ³ and ² */
  clusterProminence: number;
  clusterShade: number;
  clusterTendency: number;
  /** Σ p(i, j)(i − j)² */
  contrast: number;
  /** σx² = Σ p(i, j)(i − μx)², σy² = Σ p(i, j)(j − μy)² */
  varianceX: number;
  varianceY: number;
  /** Σ p(i, j)(i − μx)(j − μy) */
  covariance: number;
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
      // −p log2(p + ε); a zero p adds −0, which changes no sum, so it is skipped.
      if (pij !== 0) HXY -= pij * Math.log2(pij + EPSILON);
    }
  }
  const sums = glcmSums(p, n, level, Ng, ux, uy);
  return { p, n, level, Ng, px, py, ux, uy, pxAddy, pxSuby, HXY, sums };
}

function glcmSums(p: Float64Array, n: number, level: Float64Array, Ng: number, ux: number, uy: number): GlcmSums {
  // The powers depend on i + j, i − j, i or j alone: each is computed once per value.
  const cluster4 = new Float64Array(2 * Ng + 1);
  const cluster3 = new Float64Array(2 * Ng + 1);
  const cluster2 = new Float64Array(2 * Ng + 1);
  const difference2 = new Float64Array(2 * Ng + 1);
  for (let k = 0; k <= 2 * Ng; k++) {
    const cluster = k - ux - uy; // i + j − μx − μy for i + j = k
    cluster4[k] = cluster ** 4;
    cluster3[k] = cluster ** 3;
    cluster2[k] = cluster ** 2;
    difference2[k] = (k - Ng) ** 2; // (i − j)² for i − j = k − Ng
  }
  const dx = new Float64Array(n); // i − μx per row, and its square
  const dy = new Float64Array(n); // j − μy per column, and its square
  const dx2 = new Float64Array(n);
  const dy2 = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    dx[a] = level[a] - ux;
    dy[a] = level[a] - uy;
    dx2[a] = dx[a] ** 2;
    dy2[a] = dy[a] ** 2;
  }
  let autocorrelation = 0, clusterProminence = 0, clusterShade = 0, clusterTendency = 0;
  let contrast = 0, varianceX = 0, varianceY = 0, covariance = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const pab = p[a * n + b];
      if (pab === 0) continue;
      const i = level[a];
      const j = level[b];
      autocorrelation += pab * (i * j);
      clusterProminence += pab * cluster4[i + j];
      clusterShade += pab * cluster3[i + j];
      clusterTendency += pab * cluster2[i + j];
      contrast += pab * difference2[i - j + Ng];
      varianceX += pab * dx2[a];
      varianceY += pab * dy2[b];
      covariance += pab * (dx[a] * dy[b]);
    }
  }
  return { autocorrelation, clusterProminence, clusterShade, clusterTendency, contrast, varianceX, varianceY, covariance };
}

/** −Σ q log2(q + ε) */
function entropyOf(q: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < q.length; k++) sum -= q[k] * Math.log2(q[k] + EPSILON);
  return sum;
}

/** Autocorrelation = Σ p(i, j)·i·j */
export function autocorrelation(c: GlcmCoefficients): number {
  return c.sums.autocorrelation;
}

/** JointAverage = μx = Σ p(i, j)·i */
export function jointAverage(c: GlcmCoefficients): number {
  return c.ux;
}

/** ClusterProminence = Σ (i + j − μx − μy)⁴ p(i, j) */
export function clusterProminence(c: GlcmCoefficients): number {
  return c.sums.clusterProminence;
}

/** ClusterShade = Σ (i + j − μx − μy)³ p(i, j) */
export function clusterShade(c: GlcmCoefficients): number {
  return c.sums.clusterShade;
}

/** ClusterTendency = Σ (i + j − μx − μy)² p(i, j) */
export function clusterTendency(c: GlcmCoefficients): number {
  return c.sums.clusterTendency;
}

/** Contrast = Σ (i − j)² p(i, j) */
export function contrast(c: GlcmCoefficients): number {
  return c.sums.contrast;
}

/** Correlation = (Σ p(i, j)(i − μx)(j − μy)) / (σx σy + ε); 1 when σx σy = 0 (flat region) */
export function correlation(c: GlcmCoefficients): number {
  const sigmaX = Math.sqrt(c.sums.varianceX);
  const sigmaY = Math.sqrt(c.sums.varianceY);
  if (sigmaX * sigmaY === 0) return 1;
  return c.sums.covariance / (sigmaX * sigmaY + EPSILON);
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
  for (let k = 0; k < c.p.length; k++) sum += c.p[k] * c.p[k];
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
    for (let b = 0; b < c.n; b++) {
      const pab = c.p[a * c.n + b];
      if (pab !== 0) HXY1 -= pab * Math.log2(c.px[a] * c.py[b] + EPSILON); // a zero p adds −0: skipped
    }
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
      if (q !== 0) HXY2 -= q * Math.log2(q + EPSILON); // a zero q adds −0: skipped
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
  if (c.n < 2) return 1;
  const eigenvalues = symmetricEigenvalues(mccMatrix(c), c.n);
  return Math.sqrt(Math.max(eigenvalues[c.n - 2], 0));
}

/** B = Dx^−½·P·Dy⁻¹·Pᵀ·Dx^−½ (see mcc), n×n row-major. */
function mccMatrix(c: GlcmCoefficients): Float64Array {
  const { n, p, px, py } = c;
  const scale = new Float64Array(n);
  const sqrtPy = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    scale[k] = px[k] > 0 ? 1 / Math.sqrt(px[k]) : 0;
    sqrtPy[k] = Math.sqrt(py[k]);
  }
  const weighted = new Float64Array(n * n); // p(i, k) / sqrt(py(k))
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) weighted[i * n + k] = py[k] > 0 ? p[i * n + k] / sqrtPy[k] : 0;
  }
  // Σk over the k where row i of `weighted` is not zero: the other terms are +0 (all are ≥ 0).
  const nonZero: number[][] = [];
  for (let i = 0; i < n; i++) nonZero.push(nonZeroColumns(weighted, i, n));
  const B = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    if (scale[i] === 0) continue;
    const columns = nonZero[i];
    for (let j = i; j < n; j++) {
      if (scale[j] === 0) continue;
      let sum = 0;
      for (let c = 0; c < columns.length; c++) sum += weighted[i * n + columns[c]] * weighted[j * n + columns[c]];
      B[i * n + j] = B[j * n + i] = sum * scale[i] * scale[j];
    }
  }
  return B;
}

/** The columns k, ascending, where m(i, k) ≠ 0 (m n×n row-major). */
function nonZeroColumns(m: Float64Array, i: number, n: number): number[] {
  const columns: number[] = [];
  for (let k = 0; k < n; k++) if (m[i * n + k] !== 0) columns.push(k);
  return columns;
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
  for (let k = 0; k < c.p.length; k++) if (c.p[k] > max) max = c.p[k];
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
  return c.sums.varianceX;
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
