/**
 * Voxel-based GLCM features (PyRadiomics radiomics/glcm.py with voxelBased, matrices from
 * calculate_glcm in _cmatrices.c with a kernel): for each ROI voxel, the co-occurrence matrices of
 * its kernel (pairs with both voxels inside the kernel box and usable, see grid.ts), one per
 * direction of textureAngles on the cropped grid, symmetrized and merged as glcm.ts describes,
 * then the 24 features of glcm.ts averaged over the directions (numpy.nanmean).
 *
 * The gray levels are those of the whole ROI (Ng = the ROI's highest level in Idmn and Idn); the
 * matrices are built here only over the levels present in the kernel, which gives the same values
 * (absent levels have p = 0 everywhere, and add exact zero eigenvalues to MCC's Q).
 *
 * PyRadiomics computes the voxels in batches (setting voxelBatch, default all voxels in one batch),
 * and some results depend on the batch, reproduced here:
 *   - a direction is dropped only when no kernel of the batch has a pair along it; a kernel
 *     without pairs along a kept direction has a NaN matrix for it, which the averages skip;
 *   - JointAverage is a plain mean over the kept directions: NaN for such a kernel;
 *   - MCC: numpy.linalg.eigvals refuses the batch's stack of Q matrices when any holds NaN, so
 *     PyRadiomics' MCC fails for the whole batch and its voxels keep initValue. (With masked
 *     kernels this is the usual case: most ROIs have an edge voxel whose kernel lacks some
 *     direction.) When the ROI has a single gray level, MCC is 1.
 * With weightingNorm there is one merged matrix per kernel: NaN only for a kernel without any pair.
 */
import { textureAngles } from '../angles';
import { GLCM_FEATURE_NAMES, glcmDirectionWeight, type GlcmSettings } from '../glcm';
import { symmetricEigenvalues } from '../symmetric-eigenvalues';
import { EPSILON } from '../texture-common';
import { kernelBox, maxKernelVoxels, type KernelGrid } from './grid';

/** The GLCM features, in glcm.ts' order (GLCM_FEATURE_NAMES); the code below indexes them by position. */
export const VOXEL_GLCM_NAMES: readonly string[] = [
  'Autocorrelation', // 0
  'ClusterProminence', // 1
  'ClusterShade', // 2
  'ClusterTendency', // 3
  'Contrast', // 4
  'Correlation', // 5
  'DifferenceAverage', // 6
  'DifferenceEntropy', // 7
  'DifferenceVariance', // 8
  'Id', // 9
  'Idm', // 10
  'Idmn', // 11
  'Idn', // 12
  'Imc1', // 13
  'Imc2', // 14
  'InverseVariance', // 15
  'JointAverage', // 16
  'JointEnergy', // 17
  'JointEntropy', // 18
  'MCC', // 19
  'MaximumProbability', // 20
  'SumAverage', // 21
  'SumEntropy', // 22
  'SumSquares', // 23
];
if (VOXEL_GLCM_NAMES.join() !== GLCM_FEATURE_NAMES.join()) throw new Error('voxel/glcm.ts: GLCM feature list out of date');

const FEATURE_COUNT = VOXEL_GLCM_NAMES.length;
const JOINT_AVERAGE = 16;
const MCC = 19;
/** Largest matrix total whose row × column products get a memo table (total² + 1 entries). */
const MAX_PRODUCT_TABLE_TOTAL = 128;
/** Eigenvalues of Q (largest 1) below this are rounding noise around 0. */
const ZERO_EIGENVALUE = 1e-13;

export interface VoxelGlcmOptions {
  /** Voxels per batch (PyRadiomics voxelBatch); ≤ 0 = all in one. */
  voxelBatch: number;
  initValue: number;
}

/**
 * Fill `maps[f]` (one per name of VOXEL_GLCM_NAMES; undefined = not wanted) at every kernel centre.
 * The maps are grid-sized and already hold initValue elsewhere.
 */
export function glcmVoxelMaps(
  grid: KernelGrid,
  settings: GlcmSettings,
  options: VoxelGlcmOptions,
  maps: readonly (Float64Array | undefined)[],
): void {
  const calculator = new KernelGlcm(grid, settings);
  const { centres } = grid;
  const batchSize = options.voxelBatch > 0 ? options.voxelBatch : Math.max(centres.length, 1);
  const wantMcc = maps[MCC] !== undefined;
  const out = new Float64Array(FEATURE_COUNT);
  for (let start = 0; start < centres.length; start += batchSize) {
    const end = Math.min(start + batchSize, centres.length);
    // Pass 1: which directions the batch keeps, and whether some kernel has a NaN matrix.
    const kept = calculator.keptDirections(centres, start, end);
    let batchHasNaN = false;
    for (let k = start; k < end && !batchHasNaN; k++) batchHasNaN = calculator.hasNaNMatrix(centres[k], kept);
    // Pass 2: the features.
    for (let k = start; k < end; k++) {
      const centre = centres[k];
      calculator.features(centre, kept, wantMcc && !batchHasNaN, out);
      if (batchHasNaN) out[MCC] = options.initValue;
      for (let f = 0; f < FEATURE_COUNT; f++) {
        const map = maps[f];
        if (map) map[centre] = out[f];
      }
    }
  }
}

/** Per-kernel GLCM matrices and features, with every buffer allocated once. */
class KernelGlcm {
  private readonly grid: KernelGrid;
  private readonly symmetrical: boolean;
  /** Direction weights when directions are merged (weightingNorm), else null. */
  private readonly weights: Float64Array | null;
  private readonly directions: number;
  private readonly dx: Int32Array;
  private readonly dy: Int32Array;
  private readonly dz: Int32Array;
  private readonly step: Int32Array;
  /** Per grid voxel: index of its gray level in grid.grayLevels, −1 when kernels may not use it. */
  private readonly levelIndex: Int32Array;
  /** Per ROI gray level index: its index among the kernel's levels (−1 = absent). */
  private readonly localOf: Int32Array;
  private readonly present: Int32Array;
  /** Gray level value of each of the kernel's levels, ascending. */
  private readonly level: Float64Array;
  private readonly box = new Int32Array(6);
  /** Most cells a kernel matrix can have (levels²) and most non-zero ones. */
  private readonly maxCells: number;
  /**
   * Counts per direction, m×m each (m = levels in the kernel), one after the other; only the cells
   * listed in `cells` are non-zero, and they are set back to 0 once the kernel is done.
   */
  private readonly counts: Float64Array;
  /** Per direction, at a·maxCells: the flat indices (i·m + j) of its non-zero cells. */
  private readonly cells: Int32Array;
  private readonly cellCount: Int32Array;
  private readonly totals: Float64Array;
  /** The merged matrix with weightingNorm, its non-zero cells and their marks. */
  private readonly merged: Float64Array;
  private readonly mergedCells: Int32Array;
  private readonly mergedMarked: Uint8Array;
  /** Memoized logs by integer total (see termTable, productTable). */
  private readonly termTables: (Float64Array | undefined)[] = [];
  private readonly productTables: (Float64Array | undefined)[] = [];
  private readonly rowCount: Float64Array;
  private readonly columnCount: Float64Array;
  // Feature buffers.
  private readonly p: Float64Array;
  private readonly px: Float64Array;
  private readonly py: Float64Array;
  private readonly sumDistribution: Float64Array;
  private readonly differenceDistribution: Float64Array;
  private readonly sumMarked: Uint8Array;
  private readonly differenceMarked: Uint8Array;
  private readonly sumTouched: Int32Array;
  private readonly differenceTouched: Int32Array;
  private readonly weighted: Float64Array;
  private readonly scale: Float64Array;
  private readonly eigen: Float64Array[];
  private readonly sums = new Float64Array(FEATURE_COUNT);
  private readonly valid = new Int32Array(FEATURE_COUNT);
  private readonly angle = new Float64Array(FEATURE_COUNT);
  private m = 0;

  constructor(grid: KernelGrid, settings: GlcmSettings) {
    this.grid = grid;
    this.symmetrical = settings.symmetricalGLCM;
    const angles = textureAngles(grid.size, {
      distances: settings.distances,
      force2Ddimension: settings.force2D ? settings.force2Ddimension : undefined,
    });
    const norm = settings.weightingNorm;
    this.weights = norm === null ? null : Float64Array.from(angles, (a) => glcmDirectionWeight(a, grid.spacing, norm));
    this.directions = angles.length;
    const [nx, ny] = grid.size;
    this.dx = Int32Array.from(angles, (a) => a[0]);
    this.dy = Int32Array.from(angles, (a) => a[1]);
    this.dz = Int32Array.from(angles, (a) => a[2]);
    this.step = Int32Array.from(angles, (a) => a[0] + nx * (a[1] + ny * a[2]));

    const n = grid.grayLevels.length;
    const indexOfLevel = new Int32Array(grid.Ng + 1).fill(-1);
    grid.grayLevels.forEach((level, i) => (indexOfLevel[level] = i));
    this.levelIndex = Int32Array.from(grid.levels, (level, v) => (grid.inKernel[v] ? indexOfLevel[level] : -1));
    this.localOf = new Int32Array(n).fill(-1);
    const kernelVoxels = maxKernelVoxels(grid);
    const m = Math.max(1, Math.min(n, kernelVoxels));
    const directions = Math.max(this.directions, 1);
    this.maxCells = m * m;
    this.present = new Int32Array(m);
    this.level = new Float64Array(m);
    this.counts = new Float64Array(directions * m * m);
    this.cells = new Int32Array(directions * m * m);
    this.cellCount = new Int32Array(directions);
    this.totals = new Float64Array(directions);
    this.merged = new Float64Array(m * m);
    this.mergedCells = new Int32Array(m * m);
    this.mergedMarked = new Uint8Array(m * m);
    this.rowCount = new Float64Array(m);
    this.columnCount = new Float64Array(m);
    this.p = new Float64Array(m * m);
    this.px = new Float64Array(m);
    this.py = new Float64Array(m);
    this.sumDistribution = new Float64Array(2 * grid.Ng + 1);
    this.differenceDistribution = new Float64Array(grid.Ng + 1);
    this.sumMarked = new Uint8Array(2 * grid.Ng + 1);
    this.differenceMarked = new Uint8Array(grid.Ng + 1);
    this.sumTouched = new Int32Array(m * m);
    this.differenceTouched = new Int32Array(m * m);
    this.weighted = new Float64Array(m * m);
    this.scale = new Float64Array(m);
    // symmetricEigenvalues wants an array of exactly size × size: one buffer per size.
    this.eigen = Array.from({ length: m + 1 }, (_, size) => new Float64Array(size * size));
  }

  /** kept[a] = 1 when some kernel of centres[start..end) has a pair along direction a. */
  keptDirections(centres: Int32Array, start: number, end: number): Uint8Array {
    const kept = new Uint8Array(this.directions);
    let remaining = this.directions;
    for (let k = start; k < end && remaining > 0; k++) {
      kernelBox(this.grid, centres[k], this.box);
      for (let a = 0; a < this.directions; a++) {
        if (!kept[a] && this.hasPair(a)) {
          kept[a] = 1;
          remaining--;
        }
      }
    }
    return kept;
  }

  /** Whether PyRadiomics would give this kernel a NaN matrix (a kept direction without a pair, or none at all when merged). */
  hasNaNMatrix(centre: number, kept: Uint8Array): boolean {
    kernelBox(this.grid, centre, this.box);
    if (this.weights) {
      for (let a = 0; a < this.directions; a++) if (this.hasPair(a)) return false;
      return true;
    }
    for (let a = 0; a < this.directions; a++) if (kept[a] && !this.hasPair(a)) return true;
    return false;
  }

  /** Whether the current box has a pair of usable voxels along direction a. */
  private hasPair(a: number): boolean {
    const { levelIndex } = this;
    const [nx, ny] = this.grid.size;
    const plane = nx * ny;
    const box = this.box;
    const dx = this.dx[a];
    const dy = this.dy[a];
    const dz = this.dz[a];
    const step = this.step[a];
    const x0 = box[0] + Math.max(0, -dx);
    const x1 = box[1] - Math.max(0, dx);
    for (let z = box[4] + Math.max(0, -dz); z <= box[5] - Math.max(0, dz); z++) {
      for (let y = box[2] + Math.max(0, -dy); y <= box[3] - Math.max(0, dy); y++) {
        const row = nx * y + plane * z;
        for (let v = row + x0; v <= row + x1; v++) {
          if (levelIndex[v] >= 0 && levelIndex[v + step] >= 0) return true;
        }
      }
    }
    return false;
  }

  /** The kernel's gray levels (ascending, local indices set in localOf); returns their number. */
  private kernelLevels(): number {
    const { levelIndex, localOf, present, box } = this;
    const [nx, ny] = this.grid.size;
    const plane = nx * ny;
    for (let i = 0; i < this.m; i++) localOf[present[i]] = -1; // forget the previous kernel's levels
    let m = 0;
    for (let z = box[4]; z <= box[5]; z++) {
      for (let y = box[2]; y <= box[3]; y++) {
        const row = nx * y + plane * z;
        for (let v = row + box[0]; v <= row + box[1]; v++) {
          const g = levelIndex[v];
          if (g < 0 || localOf[g] >= 0) continue;
          localOf[g] = 0;
          // Insert g into present[0..m), ascending.
          let j = m++ - 1;
          while (j >= 0 && present[j] > g) {
            present[j + 1] = present[j];
            j--;
          }
          present[j + 1] = g;
        }
      }
    }
    for (let i = 0; i < m; i++) {
      localOf[present[i]] = i;
      this.level[i] = this.grid.grayLevels[present[i]];
    }
    return m;
  }

  /**
   * Count the pairs of every direction into counts (m×m each, P + Pᵀ when symmetrical), listing
   * the non-zero cells; totals[a] = Σ P(a).
   */
  private countPairs(m: number): void {
    const { levelIndex, localOf, box, counts, cells } = this;
    const [nx, ny] = this.grid.size;
    const plane = nx * ny;
    const symmetrical = this.symmetrical;
    for (let a = 0; a < this.directions; a++) {
      const base = a * m * m;
      const listBase = a * this.maxCells;
      let listed = 0;
      const dx = this.dx[a];
      const dy = this.dy[a];
      const dz = this.dz[a];
      const step = this.step[a];
      const x0 = box[0] + Math.max(0, -dx);
      const x1 = box[1] - Math.max(0, dx);
      let total = 0;
      for (let z = box[4] + Math.max(0, -dz); z <= box[5] - Math.max(0, dz); z++) {
        for (let y = box[2] + Math.max(0, -dy); y <= box[3] - Math.max(0, dy); y++) {
          const row = nx * y + plane * z;
          for (let v = row + x0; v <= row + x1; v++) {
            const gi = levelIndex[v];
            if (gi < 0) continue;
            const gj = levelIndex[v + step];
            if (gj < 0) continue;
            const i = localOf[gi];
            const j = localOf[gj];
            const cell = i * m + j;
            if (counts[base + cell]++ === 0) cells[listBase + listed++] = cell;
            if (symmetrical) {
              const mirror = j * m + i;
              if (counts[base + mirror]++ === 0) cells[listBase + listed++] = mirror;
            }
            total++;
          }
        }
      }
      this.cellCount[a] = listed;
      this.totals[a] = symmetrical ? 2 * total : total;
    }
  }

  /** Set the listed cells of every direction back to 0. */
  private clearCounts(m: number): void {
    const { counts, cells } = this;
    for (let a = 0; a < this.directions; a++) {
      const base = a * m * m;
      const listBase = a * this.maxCells;
      for (let t = 0; t < this.cellCount[a]; t++) counts[base + cells[listBase + t]] = 0;
    }
  }

  /** All features of one kernel into out (MCC only when computeMcc; NaN where PyRadiomics has NaN). */
  features(centre: number, kept: Uint8Array, computeMcc: boolean, out: Float64Array): void {
    kernelBox(this.grid, centre, this.box);
    const m = this.kernelLevels();
    this.m = m;
    this.countPairs(m);
    const { sums, valid, counts, cells } = this;
    sums.fill(0);
    valid.fill(0);
    let jointAverageNaN = false;
    let anyDirection = false;
    if (this.weights) {
      // One merged matrix: Σ w(a) P(a).
      anyDirection = true;
      const { merged, mergedCells, mergedMarked } = this;
      let listed = 0;
      for (let a = 0; a < this.directions; a++) {
        const w = this.weights[a];
        const base = a * m * m;
        const listBase = a * this.maxCells;
        for (let t = 0; t < this.cellCount[a]; t++) {
          const cell = cells[listBase + t];
          if (!mergedMarked[cell]) {
            mergedMarked[cell] = 1;
            mergedCells[listed++] = cell;
          }
          merged[cell] += w * counts[base + cell];
        }
      }
      let total = 0;
      for (let c = 0; c < m * m; c++) total += merged[c];
      if (total === 0) jointAverageNaN = true;
      else this.accumulate(merged, 0, mergedCells, 0, listed, total, false, computeMcc);
      for (let t = 0; t < listed; t++) {
        merged[mergedCells[t]] = 0;
        mergedMarked[mergedCells[t]] = 0;
      }
    } else {
      for (let a = 0; a < this.directions; a++) {
        if (!kept[a]) continue; // dropped for the whole batch
        anyDirection = true;
        if (this.totals[a] === 0) {
          jointAverageNaN = true; // a NaN matrix: skipped by nanmean, not by JointAverage's mean
          continue;
        }
        this.accumulate(counts, a * m * m, cells, a * this.maxCells, this.cellCount[a], this.totals[a], true, computeMcc);
      }
    }
    this.clearCounts(m);
    for (let f = 0; f < FEATURE_COUNT; f++) out[f] = valid[f] > 0 ? sums[f] / valid[f] : NaN;
    if (jointAverageNaN || !anyDirection) out[JOINT_AVERAGE] = NaN;
    if (this.grid.grayLevels.length < 2 && computeMcc) out[MCC] = 1;
  }

  /**
   * Memo of p·log2(p + ε) for p = count / total (index count), NaN where not computed yet: one
   * table per integer total (no weighting), shared by every kernel.
   */
  private termTable(total: number): Float64Array {
    return (this.termTables[total] ??= new Float64Array(total + 1).fill(NaN));
  }

  /** Memo of log2(product / total² + ε) (index product ≤ total²), or undefined when too large. */
  private productTable(total: number): Float64Array | undefined {
    if (total > MAX_PRODUCT_TABLE_TOTAL) return undefined;
    return (this.productTables[total] ??= new Float64Array(total * total + 1).fill(NaN));
  }

  /**
   * Features of the matrix P = matrix[offset + cell] (its non-zero cells listed at
   * list[listOffset..], Σ P = total), added to sums where not NaN. Only non-zero cells add to any
   * sum (a zero cell adds 0, or −0·log2(ε) = −0). With integer counts (no weighting), every
   * probability is count / total for some integer count — of a cell, a row, a column, a k of
   * px+y or px−y, or a product of a row's and a column's for HXY1 — so each log2 is computed once
   * per distinct count.
   */
  private accumulate(
    matrix: Float64Array,
    offset: number,
    list: Int32Array,
    listOffset: number,
    listed: number,
    total: number,
    countsAreIntegers: boolean,
    computeMcc: boolean,
  ): void {
    const m = this.m;
    const { p, px, py, level, angle, rowCount, columnCount } = this;
    const Ng = this.grid.Ng;
    const sumDistribution = this.sumDistribution;
    const differenceDistribution = this.differenceDistribution;
    const { sumMarked, differenceMarked } = this;
    // With integer counts, every probability is count / total: memoized logs (see termTable).
    const terms = countsAreIntegers ? this.termTable(total) : undefined;
    const products = countsAreIntegers ? this.productTable(total) : undefined;
    rowCount.fill(0, 0, m);
    columnCount.fill(0, 0, m);
    if (computeMcc) p.fill(0, 0, m * m);
    let ux = 0;
    let uy = 0;
    let HXY = 0;
    let jointEnergy = 0;
    let maximum = -Infinity;
    let autocorrelation = 0;
    let contrast = 0;
    let sumTouched = 0;
    let differenceTouched = 0;
    for (let t = 0; t < listed; t++) {
      const cell = list[listOffset + t];
      const i = (cell / m) | 0;
      const j = cell - i * m;
      const count = matrix[offset + cell];
      const pij = count / total;
      p[cell] = pij;
      rowCount[i] += count;
      columnCount[j] += count;
      ux += pij * level[i];
      uy += pij * level[j];
      HXY -= termOf(count, total, terms);
      jointEnergy += pij * pij;
      if (pij > maximum) maximum = pij;
      autocorrelation += pij * level[i] * level[j];
      const difference = Math.abs(level[i] - level[j]);
      contrast += pij * difference * difference;
      const s = level[i] + level[j];
      if (!sumMarked[s]) {
        sumMarked[s] = 1;
        this.sumTouched[sumTouched++] = s;
      }
      sumDistribution[s] += count;
      if (!differenceMarked[difference]) {
        differenceMarked[difference] = 1;
        this.differenceTouched[differenceTouched++] = difference;
      }
      differenceDistribution[difference] += count;
    }
    let HX = 0;
    let HY = 0;
    for (let i = 0; i < m; i++) {
      px[i] = rowCount[i] / total;
      py[i] = columnCount[i] / total;
      if (rowCount[i] !== 0) HX -= termOf(rowCount[i], total, terms);
      if (columnCount[i] !== 0) HY -= termOf(columnCount[i], total, terms);
    }

    let clusterProminence = 0;
    let clusterShade = 0;
    let clusterTendency = 0;
    let sumSquares = 0;
    let varianceY = 0;
    let covariance = 0;
    let HXY1 = 0;
    const squaredTotal = total * total;
    for (let t = 0; t < listed; t++) {
      const cell = list[listOffset + t];
      const i = (cell / m) | 0;
      const j = cell - i * m;
      const pij = p[cell];
      const di = level[i] - ux;
      const dj = level[j] - uy;
      const c = level[i] + level[j] - ux - uy;
      const c2 = c * c;
      clusterProminence += pij * c2 * c2;
      clusterShade += pij * c2 * c;
      clusterTendency += pij * c2;
      sumSquares += pij * di * di;
      varianceY += pij * dj * dj;
      covariance += pij * di * dj;
      // log2(px(i)·py(j) + ε), px(i)·py(j) = rowCount·columnCount / total².
      if (products) {
        const product = rowCount[i] * columnCount[j];
        let log = products[product];
        if (log !== log) log = products[product] = Math.log2(product / squaredTotal + EPSILON);
        HXY1 -= pij * log;
      } else {
        HXY1 -= pij * Math.log2(px[i] * py[j] + EPSILON);
      }
    }
    // HXY2 = −Σ px(i)py(j) log2(px(i)py(j) + ε) = HX + HY up to ~1e−14 (Σ px = Σ py = 1). Imc2
    // compares HXY2 with HXY exactly (equal: Imc2 = 0), so when they are that close, sum it as
    // PyRadiomics does.
    let HXY2 = HX + HY;
    if (Math.abs(HXY2 - HXY) < 1e-9) {
      HXY2 = 0;
      for (let i = 0; i < m; i++) {
        if (px[i] === 0) continue;
        for (let j = 0; j < m; j++) {
          const q = px[i] * py[j];
          if (q !== 0) HXY2 -= q * Math.log2(q + EPSILON);
        }
      }
    }

    let differenceAverage = 0;
    let differenceEntropy = 0;
    let id = 0;
    let idm = 0;
    let idmn = 0;
    let idn = 0;
    let inverseVariance = 0;
    for (let t = 0; t < differenceTouched; t++) {
      const k = this.differenceTouched[t];
      const count = differenceDistribution[k];
      const q = count / total;
      differenceAverage += k * q;
      differenceEntropy -= termOf(count, total, terms);
      id += q / (1 + k);
      idm += q / (1 + k * k);
      idmn += q / (1 + (k * k) / (Ng * Ng));
      idn += q / (1 + k / Ng);
      if (k > 0) inverseVariance += q / (k * k);
    }
    let differenceVariance = 0;
    for (let t = 0; t < differenceTouched; t++) {
      const k = this.differenceTouched[t];
      differenceVariance += (k - differenceAverage) ** 2 * (differenceDistribution[k] / total);
      differenceDistribution[k] = 0;
      differenceMarked[k] = 0;
    }
    let sumAverage = 0;
    let sumEntropy = 0;
    for (let t = 0; t < sumTouched; t++) {
      const k = this.sumTouched[t];
      const count = sumDistribution[k];
      sumAverage += (k * count) / total;
      sumEntropy -= termOf(count, total, terms);
      sumDistribution[k] = 0;
      sumMarked[k] = 0;
    }

    const sigmaX = Math.sqrt(sumSquares);
    const sigmaY = Math.sqrt(varianceY);
    const div = Math.max(HX, HY);
    const imc2 = HXY2 === HXY ? 0 : Math.sqrt(1 - Math.exp(-2 * (HXY2 - HXY)));

    angle[0] = autocorrelation;
    angle[1] = clusterProminence;
    angle[2] = clusterShade;
    angle[3] = clusterTendency;
    angle[4] = contrast;
    angle[5] = sigmaX * sigmaY === 0 ? 1 : covariance / (sigmaX * sigmaY + EPSILON);
    angle[6] = differenceAverage;
    angle[7] = differenceEntropy;
    angle[8] = differenceVariance;
    angle[9] = id;
    angle[10] = idm;
    angle[11] = idmn;
    angle[12] = idn;
    angle[13] = div === 0 ? 0 : (HXY - HXY1) / div;
    angle[14] = imc2; // NaN when rounding makes HXY2 < HXY, as numpy's ** 0.5
    angle[15] = inverseVariance;
    angle[16] = ux;
    angle[17] = jointEnergy;
    angle[18] = HXY;
    angle[19] = computeMcc ? this.mcc() : NaN;
    angle[20] = maximum;
    angle[21] = sumAverage;
    angle[22] = sumEntropy;
    angle[23] = sumSquares;
    for (let f = 0; f < FEATURE_COUNT; f++) {
      const value = angle[f];
      if (Number.isNaN(value)) continue;
      this.sums[f] += value;
      this.valid[f]++;
    }
  }

  /**
   * sqrt of the second largest eigenvalue of Q (see glcm.ts mcc) for the matrix in p, px, py, over
   * the ROI's gray levels: levels absent from the kernel add zero eigenvalues, so with one kernel
   * level (and several in the ROI) it is 0. An eigenvalue within rounding of 0 (< 1e−13; PyRadiomics
   * gets 0, a NaN it skips, or the root of its own rounding there) is taken as 0.
   */
  private mcc(): number {
    const m = this.m;
    if (m < 2) return 0;
    const { p, px, py, weighted, scale } = this;
    for (let i = 0; i < m; i++) scale[i] = px[i] > 0 ? 1 / Math.sqrt(px[i]) : 0;
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < m; k++) weighted[i * m + k] = py[k] > 0 ? p[i * m + k] / Math.sqrt(py[k]) : 0;
    }
    const B = this.eigen[m];
    B.fill(0);
    for (let i = 0; i < m; i++) {
      if (scale[i] === 0) continue;
      for (let j = i; j < m; j++) {
        if (scale[j] === 0) continue;
        let sum = 0;
        for (let k = 0; k < m; k++) sum += weighted[i * m + k] * weighted[j * m + k];
        B[i * m + j] = B[j * m + i] = sum * scale[i] * scale[j];
      }
    }
    const eigenvalues = symmetricEigenvalues(B, m);
    // Q's largest eigenvalue is 1; a second one within rounding of 0 is 0 (its square root would
    // turn 1e−17 of rounding into 3e−9 of MCC).
    const second = eigenvalues[m - 2];
    return second < ZERO_EIGENVALUE ? 0 : Math.sqrt(second);
  }
}

/** p·log2(p + ε) for p = count / total, through the memo `terms` (see termTable) when given. */
function termOf(count: number, total: number, terms: Float64Array | undefined): number {
  if (terms) {
    const known = terms[count];
    if (known === known) return known; // not NaN: computed before
  }
  const q = count / total;
  const value = q * Math.log2(q + EPSILON);
  if (terms) terms[count] = value;
  return value;
}
