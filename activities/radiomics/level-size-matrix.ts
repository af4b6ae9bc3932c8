/**
 * The gray level × size matrix that GLSZM (sizes = zone volumes in voxels) and GLDM (sizes =
 * dependence counts) share, and the features both families compute from it with the same formulas
 * (PyRadiomics names them per family: SmallAreaEmphasis in GLSZM is SmallDependenceEmphasis in GLDM).
 *
 *   P(i, j)  number of zones (GLSZM) or voxels (GLDM) with gray level i and size j
 *   Nz       Σ P(i, j), the total count (1 when the matrix is empty, as PyRadiomics guards it)
 *   pg(i)    Σ_j P(i, j), the gray-level marginal;  ps(j) = Σ_i P(i, j), the size marginal
 *   p(i, j)  P(i, j) / Nz
 *
 * As in PyRadiomics, rows hold only the gray levels present in the ROI and columns only the sizes
 * that occur, so i and j below are the actual gray level and size of a row and column, not its index.
 */

/** Machine epsilon (numpy.spacing(1)), keeps log2 finite in the entropies. */
const EPSILON = 2.220446049250313e-16;

export interface LevelSizeMatrix {
  /** Gray level of each row, ascending. */
  grayLevels: Float64Array;
  /** Size of each column, ascending. */
  sizes: Float64Array;
  /** P(i, j), row-major: counts[row * sizes.length + column]. */
  counts: Float64Array;
}

/**
 * Tally `n` items, item k having gray level `levels[k]` ≥ 1 and size `sizes[k]` ≥ 1, into a matrix
 * with only the occupied rows and columns.
 */
export function tallyLevelSize(levels: Int32Array, sizes: Int32Array, n: number): LevelSizeMatrix {
  let maxLevel = 0;
  let maxSize = 0;
  for (let k = 0; k < n; k++) {
    if (levels[k] > maxLevel) maxLevel = levels[k];
    if (sizes[k] > maxSize) maxSize = sizes[k];
  }
  // Row/column of each level/size: first mark the occupied ones, then number them in ascending order.
  const row = new Int32Array(maxLevel + 1);
  const column = new Int32Array(maxSize + 1);
  for (let k = 0; k < n; k++) {
    row[levels[k]] = 1;
    column[sizes[k]] = 1;
  }
  const grayLevels = numberOccupied(row);
  const sizeValues = numberOccupied(column);
  const ns = sizeValues.length;
  const counts = new Float64Array(grayLevels.length * ns);
  for (let k = 0; k < n; k++) counts[row[levels[k]] * ns + column[sizes[k]]]++;
  return { grayLevels, sizes: sizeValues, counts };
}

/** Replace each 1 in `flags` by its rank among the 1s; return the values (indices) that were flagged. */
function numberOccupied(flags: Int32Array): Float64Array {
  let count = 0;
  for (let v = 0; v < flags.length; v++) if (flags[v]) count++;
  const values = new Float64Array(count);
  let next = 0;
  for (let v = 0; v < flags.length; v++) {
    if (!flags[v]) continue;
    values[next] = v;
    flags[v] = next++;
  }
  return values;
}

/** The matrix with its marginals and total, computed once for all features. */
export interface LevelSizeSums {
  matrix: LevelSizeMatrix;
  /** pg(i) = Σ_j P(i, j) per row. */
  pg: Float64Array;
  /** ps(j) = Σ_i P(i, j) per column. */
  ps: Float64Array;
  /** Nz = Σ P(i, j) (1 if the matrix is empty). */
  total: number;
}

export function levelSizeSums(matrix: LevelSizeMatrix): LevelSizeSums {
  const ng = matrix.grayLevels.length;
  const ns = matrix.sizes.length;
  const pg = new Float64Array(ng);
  const ps = new Float64Array(ns);
  let total = 0;
  for (let r = 0; r < ng; r++) {
    for (let c = 0; c < ns; c++) {
      const v = matrix.counts[r * ns + c];
      pg[r] += v;
      ps[c] += v;
      total += v;
    }
  }
  return { matrix, pg, ps, total: total === 0 ? 1 : total };
}

/** Σ_i w(i) · pg(i) over the rows. */
function sumRows(s: LevelSizeSums, weight: (i: number) => number): number {
  let sum = 0;
  for (let r = 0; r < s.pg.length; r++) sum += s.pg[r] * weight(s.matrix.grayLevels[r]);
  return sum;
}

/** Σ_j w(j) · ps(j) over the columns. */
function sumColumns(s: LevelSizeSums, weight: (j: number) => number): number {
  let sum = 0;
  for (let c = 0; c < s.ps.length; c++) sum += s.ps[c] * weight(s.matrix.sizes[c]);
  return sum;
}

/** Σ_i Σ_j w(i, j) · P(i, j) over every cell. */
function sumCells(s: LevelSizeSums, weight: (i: number, j: number) => number): number {
  const { grayLevels, sizes, counts } = s.matrix;
  const ns = sizes.length;
  let sum = 0;
  for (let r = 0; r < grayLevels.length; r++) {
    for (let c = 0; c < ns; c++) {
      const v = counts[r * ns + c];
      if (v !== 0) sum += v * weight(grayLevels[r], sizes[c]);
    }
  }
  return sum;
}

/** SmallSizeEmphasis = Σ P(i, j) / j² / Nz */
export function smallSizeEmphasis(s: LevelSizeSums): number {
  return sumColumns(s, (j) => 1 / (j * j)) / s.total;
}

/** LargeSizeEmphasis = Σ P(i, j) · j² / Nz */
export function largeSizeEmphasis(s: LevelSizeSums): number {
  return sumColumns(s, (j) => j * j) / s.total;
}

/** GrayLevelNonUniformity = Σ_i pg(i)² / Nz */
export function grayLevelNonUniformity(s: LevelSizeSums): number {
  return sumOfSquares(s.pg) / s.total;
}

/** GrayLevelNonUniformityNormalized = Σ_i pg(i)² / Nz² */
export function grayLevelNonUniformityNormalized(s: LevelSizeSums): number {
  return sumOfSquares(s.pg) / (s.total * s.total);
}

/** SizeNonUniformity = Σ_j ps(j)² / Nz */
export function sizeNonUniformity(s: LevelSizeSums): number {
  return sumOfSquares(s.ps) / s.total;
}

/** SizeNonUniformityNormalized = Σ_j ps(j)² / Nz² */
export function sizeNonUniformityNormalized(s: LevelSizeSums): number {
  return sumOfSquares(s.ps) / (s.total * s.total);
}

/** GrayLevelVariance = Σ p(i, j) · (i − μ)², μ = Σ p(i, j) · i */
export function grayLevelVariance(s: LevelSizeSums): number {
  const mu = sumRows(s, (i) => i / s.total);
  return sumRows(s, (i) => (i - mu) ** 2 / s.total);
}

/** SizeVariance = Σ p(i, j) · (j − μ)², μ = Σ p(i, j) · j */
export function sizeVariance(s: LevelSizeSums): number {
  const mu = sumColumns(s, (j) => j / s.total);
  return sumColumns(s, (j) => (j - mu) ** 2 / s.total);
}

/** SizeEntropy = −Σ p(i, j) · log2(p(i, j) + ε) */
export function sizeEntropy(s: LevelSizeSums): number {
  let sum = 0;
  for (let k = 0; k < s.matrix.counts.length; k++) {
    const p = s.matrix.counts[k] / s.total;
    sum -= p * Math.log2(p + EPSILON);
  }
  return sum;
}

/** LowGrayLevelEmphasis = Σ P(i, j) / i² / Nz */
export function lowGrayLevelEmphasis(s: LevelSizeSums): number {
  return sumRows(s, (i) => 1 / (i * i)) / s.total;
}

/** HighGrayLevelEmphasis = Σ P(i, j) · i² / Nz */
export function highGrayLevelEmphasis(s: LevelSizeSums): number {
  return sumRows(s, (i) => i * i) / s.total;
}

/** SmallSizeLowGrayLevelEmphasis = Σ P(i, j) / (i² j²) / Nz */
export function smallSizeLowGrayLevelEmphasis(s: LevelSizeSums): number {
  return sumCells(s, (i, j) => 1 / (i * i * j * j)) / s.total;
}

/** SmallSizeHighGrayLevelEmphasis = Σ P(i, j) · i² / j² / Nz */
export function smallSizeHighGrayLevelEmphasis(s: LevelSizeSums): number {
  return sumCells(s, (i, j) => (i * i) / (j * j)) / s.total;
}

/** LargeSizeLowGrayLevelEmphasis = Σ P(i, j) · j² / i² / Nz */
export function largeSizeLowGrayLevelEmphasis(s: LevelSizeSums): number {
  return sumCells(s, (i, j) => (j * j) / (i * i)) / s.total;
}

/** LargeSizeHighGrayLevelEmphasis = Σ P(i, j) · i² j² / Nz */
export function largeSizeHighGrayLevelEmphasis(s: LevelSizeSums): number {
  return sumCells(s, (i, j) => i * i * j * j) / s.total;
}

function sumOfSquares(values: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < values.length; k++) sum += values[k] * values[k];
  return sum;
}
