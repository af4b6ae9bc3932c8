/**
 * PyRadiomics Gray Level Run Length Matrix features (radiomics/glrlm.py,
 * https://pyradiomics.readthedocs.io/en/latest/features.html#module-radiomics.glrlm).
 *
 * Matrix P(i, j | θ): the number of runs of gray level i and length j along direction θ, a run
 * being a maximal line of consecutive ROI voxels with the same gray level. Directions are the
 * distance-1 offsets of textureAngles (13 in 3D, 4 with force2D; the `distances` setting does not
 * apply). Every line of the bounding box along θ is walked from the voxel where it enters the box.
 * Like PyRadiomics, a direction in which no line holds more than one ROI voxel (the ROI is flat
 * across it) counts no runs at all.
 *
 * Merging directions (weightingNorm):
 *   null                       features per direction, then averaged (directions without runs dropped)
 *   'no_weighting'             P = Σθ P(θ)
 *   'manhattan' | 'euclidean' | 'infinity'   P = Σθ ‖d‖·P(θ), d = |θ| ⊙ spacing (mm), ‖d‖ the named
 *                              norm (a plain distance here, not GLCM's exp(−‖d‖²))
 * Features, with i the gray level value and j the run length (sums over both):
 *   Nr = Σ P(i, j) (number of runs), p(i, j) = P(i, j) / Nr, pg(i) = Σj P(i, j), pr(j) = Σi P(i, j)
 *   Np = Σ pr(j)·j (voxels in runs: the ROI size per direction, times the weights when merged)
 *   ε = 2.2e−16 (numpy.spacing(1))
 *
 * Matrices are Float64Array, row-major: P[i * Nr + r], row i = gray level grayLevels[i], column
 * r = run length runLengths[r].
 */
import { textureAngles, type Offset } from './angles';
import type { RadiomicsSettings } from './settings';
import { compactGrayLevels, EPSILON as SHARED_EPSILON, meanIgnoringNaN, offsetMillimetres, paddedLevels } from './texture-common';
import type { TextureInput } from './texture-input';

/** ε, as a module constant: an imported binding is a property read on every use in compiled CommonJS. */
const EPSILON = SHARED_EPSILON;

export type GlrlmSettings = Pick<RadiomicsSettings, 'force2D' | 'force2Ddimension' | 'weightingNorm'>;

export interface GlrlmMatrices {
  /** Gray levels present in the ROI, ascending: row i stands for grayLevels[i]. */
  grayLevels: Int32Array;
  /** Run length of each column (1..max box extent from glrlmMatrices; only those that occur after glrlmForFeatures). */
  runLengths: Int32Array;
  /** One direction per matrix, in PyRadiomics' order (a merged matrix has none). */
  angles: Offset[];
  /** Run counts per direction, grayLevels.length × runLengths.length, row-major. */
  matrices: Float64Array[];
}

/** The run-length matrix of every direction, with columns for run lengths 1..max(box size). */
export function glrlmMatrices(input: TextureInput, settings: GlrlmSettings): GlrlmMatrices {
  const { grayLevels } = compactGrayLevels(input);
  const [nx, ny, nz] = input.size;
  const nr = Math.max(nx, ny, nz);
  const angles = textureAngles(input.size, {
    force2Ddimension: settings.force2D ? settings.force2Ddimension : undefined,
  });
  const matrices = angles.map((angle) => runLengthMatrix(input, angle, nr));
  const runLengths = new Int32Array(nr);
  for (let r = 0; r < nr; r++) runLengths[r] = r + 1;
  return { grayLevels, runLengths, angles, matrices };
}

/**
 * Count the runs along one direction (each offset component is −1, 0 or 1): from every ROI voxel
 * that starts a run (the voxel one step back has another level, or is outside the ROI), step
 * forward while the level stays the same. The box is padded by a voxel of level 0, so no step
 * leaves the array and no run goes on outside the box.
 */
function runLengthMatrix(input: TextureInput, angle: Offset, nr: number): Float64Array {
  const { levels, size, voxels } = paddedLevels(input, 1);
  const { grayLevels, position: row } = compactGrayLevels(input);
  const [dx, dy, dz] = angle;
  const step = dx + size[0] * (dy + size[1] * dz);
  const P = new Float64Array(grayLevels.length * nr);
  let longestRun = 0;
  for (let k = 0; k < voxels.length; k++) {
    const v = voxels[k];
    const level = levels[v];
    if (levels[v - step] === level) continue; // inside a run that started earlier
    let run = 1;
    while (levels[v + run * step] === level) run++;
    P[row[level] * nr + run - 1]++;
    if (run > longestRun) longestRun = run;
  }
  // PyRadiomics drops a direction in which no line holds more than one ROI voxel (only runs of
  // length 1, and no two ROI voxels on one line even apart).
  if (longestRun < 2 && !someLineHoldsSeveral(input, angle)) P.fill(0);
  return P;
}

/** Whether some line of the box along `angle` holds more than one ROI voxel. */
function someLineHoldsSeveral(input: TextureInput, angle: Offset): boolean {
  const [nx, ny, nz] = input.size;
  const [dx, dy, dz] = angle;
  const step = dx + nx * (dy + ny * dz);
  // A line starts where the voxel one step back lies outside the box.
  const outside = (x: number, y: number, z: number) => x < 0 || x >= nx || y < 0 || y >= ny || z < 0 || z >= nz;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        if (!outside(x - dx, y - dy, z - dz)) continue;
        let roiVoxels = 0;
        for (let [i, j, k, v] = [x, y, z, x + nx * (y + ny * z)]; !outside(i, j, k); i += dx, j += dy, k += dz, v += step) {
          if (input.levels[v] !== 0) roiVoxels++;
        }
        if (roiVoxels > 1) return true;
      }
    }
  }
  return false;
}

/** PyRadiomics' GLRLM weight ‖d‖ of a direction (1 for 'no_weighting'). */
export function glrlmDirectionWeight(
  offset: Offset,
  spacing: readonly number[],
  norm: NonNullable<GlrlmSettings['weightingNorm']>,
): number {
  const d = offsetMillimetres(offset, spacing);
  switch (norm) {
    case 'infinity':
      return Math.max(d[0], d[1], d[2]);
    case 'euclidean':
      return Math.sqrt(d[0] ** 2 + d[1] ** 2 + d[2] ** 2);
    case 'manhattan':
      return d[0] + d[1] + d[2];
    case 'no_weighting':
      return 1;
  }
}

/**
 * The matrices features are computed on, as PyRadiomics prepares them: with weightingNorm one
 * weighted sum of all directions (angles then empty); without, one per direction, dropping
 * directions without runs (when there is more than one). Columns of run lengths that occur in none
 * of the matrices are dropped.
 */
export function glrlmForFeatures(glrlm: GlrlmMatrices, settings: GlrlmSettings, spacing: readonly number[]): GlrlmMatrices {
  let matrices = glrlm.matrices;
  let angles = glrlm.angles;
  const norm = settings.weightingNorm;
  if (norm !== null) {
    const merged = new Float64Array(glrlm.grayLevels.length * glrlm.runLengths.length);
    glrlm.matrices.forEach((P, a) => {
      const w = glrlmDirectionWeight(glrlm.angles[a], spacing, norm);
      for (let k = 0; k < P.length; k++) merged[k] += w * P[k];
    });
    matrices = [merged];
    angles = [];
  } else if (matrices.length > 1) {
    const kept = matrices.map((P) => P.some((v) => v !== 0));
    matrices = matrices.filter((_, a) => kept[a]);
    angles = angles.filter((_, a) => kept[a]);
  }
  // Keep the run-length columns that hold a run in some matrix.
  const ng = glrlm.grayLevels.length;
  const nr = glrlm.runLengths.length;
  const columns: number[] = [];
  for (let r = 0; r < nr; r++) {
    if (matrices.some((P) => columnHasRuns(P, r, ng, nr))) columns.push(r);
  }
  const compacted = matrices.map((P) => {
    const Q = new Float64Array(ng * columns.length);
    for (let i = 0; i < ng; i++) columns.forEach((r, c) => (Q[i * columns.length + c] = P[i * nr + r]));
    return Q;
  });
  return {
    grayLevels: glrlm.grayLevels,
    runLengths: Int32Array.from(columns.map((r) => glrlm.runLengths[r])),
    angles,
    matrices: compacted,
  };
}

function columnHasRuns(P: Float64Array, r: number, ng: number, nr: number): boolean {
  for (let i = 0; i < ng; i++) if (P[i * nr + r] !== 0) return true;
  return false;
}

/** Sums of one run-length matrix that the features share. */
export interface GlrlmCoefficients {
  /** P(i, j), ng × nr row-major (raw counts, or weighted counts when merged). */
  P: Float64Array;
  ng: number;
  nr: number;
  /** Gray level value i of each row. */
  i: Float64Array;
  /** Run length j of each column. */
  j: Float64Array;
  /** pg(i) = Σj P(i, j) */
  pg: Float64Array;
  /** pr(j) = Σi P(i, j) */
  pr: Float64Array;
  /** Nr = Σ P(i, j), NaN when there is no run (PyRadiomics' marker for an empty matrix). */
  Nr: number;
}

export function glrlmCoefficients(P: Float64Array, grayLevels: Int32Array, runLengths: Int32Array): GlrlmCoefficients {
  const ng = grayLevels.length;
  const nr = runLengths.length;
  const pg = new Float64Array(ng);
  const pr = new Float64Array(nr);
  let Nr = 0;
  for (let a = 0; a < ng; a++) {
    for (let b = 0; b < nr; b++) {
      const value = P[a * nr + b];
      pg[a] += value;
      pr[b] += value;
      Nr += value;
    }
  }
  return { P, ng, nr, i: Float64Array.from(grayLevels), j: Float64Array.from(runLengths), pg, pr, Nr: Nr === 0 ? NaN : Nr };
}

/** Σ over rows of pg(i)·f(i) */
function overGrayLevels(c: GlrlmCoefficients, f: (i: number) => number): number {
  let sum = 0;
  for (let a = 0; a < c.ng; a++) sum += c.pg[a] * f(c.i[a]);
  return sum;
}

/** Σ over columns of pr(j)·f(j) */
function overRunLengths(c: GlrlmCoefficients, f: (j: number) => number): number {
  let sum = 0;
  for (let b = 0; b < c.nr; b++) sum += c.pr[b] * f(c.j[b]);
  return sum;
}

/** Σ P(i, j)·f(i, j) */
function overMatrix(c: GlrlmCoefficients, f: (i: number, j: number) => number): number {
  let sum = 0;
  for (let a = 0; a < c.ng; a++) {
    for (let b = 0; b < c.nr; b++) {
      const value = c.P[a * c.nr + b];
      if (value !== 0) sum += value * f(c.i[a], c.j[b]);
    }
  }
  return sum;
}

/** ShortRunEmphasis = Σ P(i, j)/j² / Nr */
export function shortRunEmphasis(c: GlrlmCoefficients): number {
  return overRunLengths(c, (j) => 1 / (j * j)) / c.Nr;
}

/** LongRunEmphasis = Σ P(i, j)·j² / Nr */
export function longRunEmphasis(c: GlrlmCoefficients): number {
  return overRunLengths(c, (j) => j * j) / c.Nr;
}

/** GrayLevelNonUniformity = Σi pg(i)² / Nr */
export function grayLevelNonUniformity(c: GlrlmCoefficients): number {
  return sumOfSquares(c.pg) / c.Nr;
}

/** GrayLevelNonUniformityNormalized = Σi pg(i)² / Nr² */
export function grayLevelNonUniformityNormalized(c: GlrlmCoefficients): number {
  return sumOfSquares(c.pg) / (c.Nr * c.Nr);
}

/** RunLengthNonUniformity = Σj pr(j)² / Nr */
export function runLengthNonUniformity(c: GlrlmCoefficients): number {
  return sumOfSquares(c.pr) / c.Nr;
}

/** RunLengthNonUniformityNormalized = Σj pr(j)² / Nr² */
export function runLengthNonUniformityNormalized(c: GlrlmCoefficients): number {
  return sumOfSquares(c.pr) / (c.Nr * c.Nr);
}

/** RunPercentage = Nr / Np, Np = Σj pr(j)·j */
export function runPercentage(c: GlrlmCoefficients): number {
  return c.Nr / overRunLengths(c, (j) => j);
}

/** GrayLevelVariance = Σ p(i, j)(i − μ)², μ = Σ p(i, j)·i */
export function grayLevelVariance(c: GlrlmCoefficients): number {
  const mu = overGrayLevels(c, (i) => i) / c.Nr;
  return overGrayLevels(c, (i) => (i - mu) ** 2) / c.Nr;
}

/** RunVariance = Σ p(i, j)(j − μ)², μ = Σ p(i, j)·j */
export function runVariance(c: GlrlmCoefficients): number {
  const mu = overRunLengths(c, (j) => j) / c.Nr;
  return overRunLengths(c, (j) => (j - mu) ** 2) / c.Nr;
}

/** RunEntropy = −Σ p(i, j) log2(p(i, j) + ε) */
export function runEntropy(c: GlrlmCoefficients): number {
  if (Number.isNaN(c.Nr)) return NaN; // no runs (numpy would sum an empty matrix to 0)
  let sum = 0;
  for (let k = 0; k < c.P.length; k++) {
    const p = c.P[k] / c.Nr;
    sum -= p * Math.log2(p + EPSILON);
  }
  return sum;
}

/** LowGrayLevelRunEmphasis = Σ P(i, j)/i² / Nr */
export function lowGrayLevelRunEmphasis(c: GlrlmCoefficients): number {
  return overGrayLevels(c, (i) => 1 / (i * i)) / c.Nr;
}

/** HighGrayLevelRunEmphasis = Σ P(i, j)·i² / Nr */
export function highGrayLevelRunEmphasis(c: GlrlmCoefficients): number {
  return overGrayLevels(c, (i) => i * i) / c.Nr;
}

/** ShortRunLowGrayLevelEmphasis = Σ P(i, j)/(i²j²) / Nr */
export function shortRunLowGrayLevelEmphasis(c: GlrlmCoefficients): number {
  return overMatrix(c, (i, j) => 1 / (i * i * j * j)) / c.Nr;
}

/** ShortRunHighGrayLevelEmphasis = Σ P(i, j)·i²/j² / Nr */
export function shortRunHighGrayLevelEmphasis(c: GlrlmCoefficients): number {
  return overMatrix(c, (i, j) => (i * i) / (j * j)) / c.Nr;
}

/** LongRunLowGrayLevelEmphasis = Σ P(i, j)·j²/i² / Nr */
export function longRunLowGrayLevelEmphasis(c: GlrlmCoefficients): number {
  return overMatrix(c, (i, j) => (j * j) / (i * i)) / c.Nr;
}

/** LongRunHighGrayLevelEmphasis = Σ P(i, j)·i²j² / Nr */
export function longRunHighGrayLevelEmphasis(c: GlrlmCoefficients): number {
  return overMatrix(c, (i, j) => i * i * j * j) / c.Nr;
}

function sumOfSquares(values: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < values.length; k++) sum += values[k] * values[k];
  return sum;
}

/** Every GLRLM feature, by PyRadiomics name, as a function of one matrix. */
const FEATURES: Record<string, (c: GlrlmCoefficients) => number> = {
  GrayLevelNonUniformity: grayLevelNonUniformity,
  GrayLevelNonUniformityNormalized: grayLevelNonUniformityNormalized,
  GrayLevelVariance: grayLevelVariance,
  HighGrayLevelRunEmphasis: highGrayLevelRunEmphasis,
  LongRunEmphasis: longRunEmphasis,
  LongRunHighGrayLevelEmphasis: longRunHighGrayLevelEmphasis,
  LongRunLowGrayLevelEmphasis: longRunLowGrayLevelEmphasis,
  LowGrayLevelRunEmphasis: lowGrayLevelRunEmphasis,
  RunEntropy: runEntropy,
  RunLengthNonUniformity: runLengthNonUniformity,
  RunLengthNonUniformityNormalized: runLengthNonUniformityNormalized,
  RunPercentage: runPercentage,
  RunVariance: runVariance,
  ShortRunEmphasis: shortRunEmphasis,
  ShortRunHighGrayLevelEmphasis: shortRunHighGrayLevelEmphasis,
  ShortRunLowGrayLevelEmphasis: shortRunLowGrayLevelEmphasis,
};

/** The names of the GLRLM features, as glrlmFeatures returns them. */
export const GLRLM_FEATURE_NAMES = Object.keys(FEATURES);

/**
 * All 16 GLRLM features of the ROI: each computed on every matrix (one per direction, or one
 * merged matrix with weightingNorm) and averaged over them, ignoring NaN (numpy.nanmean).
 * NaN when no direction has runs.
 */
export function glrlmFeatures(input: TextureInput, settings: GlrlmSettings): Record<string, number> {
  const glrlm = glrlmForFeatures(glrlmMatrices(input, settings), settings, input.spacing);
  const coefficients = glrlm.matrices.map((P) => glrlmCoefficients(P, glrlm.grayLevels, glrlm.runLengths));
  const features: Record<string, number> = {};
  for (const [name, feature] of Object.entries(FEATURES)) features[name] = meanIgnoringNaN(coefficients.map(feature));
  return features;
}
