/**
 * Voxel-based GLRLM, GLSZM, GLDM and NGTDM. Each kernel's matrix is built here as PyRadiomics' C
 * code builds it for a kernel (calculate_* with set_bb in _cmatrices.c): runs, zones and
 * neighbourhoods end at the kernel box and use only the voxels kernels may use (see grid.ts).
 * GLSZM, GLDM and NGTDM features are then those of the segment code (glszm.ts, gldm.ts, ngtdm.ts)
 * on that small matrix; GLRLM features are the formulas of glrlm.ts, summed here straight from
 * each direction's run-length matrix into reused buffers (glrlm.ts' general code allocates too
 * much per kernel), then averaged over the directions with runs (numpy.nanmean).
 * These classes have no batch effects, and the ROI's gray levels absent from a kernel only add
 * zero rows, which change no value, so the segment formulas apply unchanged. Neighbour offsets
 * are computed once per grid. */
import { textureAngles } from '../angles';
import { gldmFeatures } from '../gldm';
import { GLRLM_FEATURE_NAMES, glrlmDirectionWeight } from '../glrlm';
import { glszmFeatures } from '../glszm';
import { tallyLevelSize } from '../level-size-matrix';
import { neighbourhood, type Neighbourhood } from '../neighbourhood';
import { ngtdmFeatures } from '../ngtdm';
import type { RadiomicsSettings } from '../settings';
import { EPSILON } from '../texture-common';
import { kernelBox, maxKernelVoxels, type KernelGrid } from './grid';

export type KernelTextureClass = 'glrlm' | 'glszm' | 'gldm' | 'ngtdm';

/** The GLRLM features, in the order addRunFeatures computes them (glrlm.ts' order). */
const GLRLM_NAMES = [
  'GrayLevelNonUniformity',
  'GrayLevelNonUniformityNormalized',
  'GrayLevelVariance',
  'HighGrayLevelRunEmphasis',
  'LongRunEmphasis',
  'LongRunHighGrayLevelEmphasis',
  'LongRunLowGrayLevelEmphasis',
  'LowGrayLevelRunEmphasis',
  'RunEntropy',
  'RunLengthNonUniformity',
  'RunLengthNonUniformityNormalized',
  'RunPercentage',
  'RunVariance',
  'ShortRunEmphasis',
  'ShortRunHighGrayLevelEmphasis',
  'ShortRunLowGrayLevelEmphasis',
];
if (GLRLM_NAMES.join() !== GLRLM_FEATURE_NAMES.join()) throw new Error('voxel/texture.ts: GLRLM feature list out of date');

/** The feature names of a class, in the order its segment function returns them. */
export function kernelTextureNames(className: KernelTextureClass): string[] {
  switch (className) {
    case 'glrlm':
      return [...GLRLM_NAMES];
    case 'glszm':
      return Object.keys(glszmFeatures(tallyLevelSize(Int32Array.of(1), Int32Array.of(1), 1)));
    case 'gldm':
      return Object.keys(gldmFeatures(tallyLevelSize(Int32Array.of(1), Int32Array.of(1), 1)));
    case 'ngtdm':
      return Object.keys(ngtdmFeatures({ grayLevels: Float64Array.of(1), counts: Float64Array.of(1), differences: Float64Array.of(0) }));
  }
}

/**
 * Fill `maps[name]` (the features wanted) at every kernel centre. The maps are grid-sized and
 * already hold initValue elsewhere.
 */
export function textureVoxelMaps(
  className: KernelTextureClass,
  grid: KernelGrid,
  settings: RadiomicsSettings,
  maps: Record<string, Float64Array>,
): void {
  const names = Object.keys(maps);
  const kernel = new KernelTexture(grid, settings);
  if (className === 'glrlm') {
    const columns = GLRLM_NAMES.map((name) => maps[name]);
    const out = new Float64Array(GLRLM_NAMES.length);
    for (const centre of grid.centres) {
      kernel.glrlm(centre, out);
      for (let f = 0; f < out.length; f++) {
        const map = columns[f];
        if (map) map[centre] = out[f];
      }
    }
    return;
  }
  const features: (centre: number) => Record<string, number> =
    className === 'glszm'
      ? (c) => glszmFeatures(kernel.glszm(c))
      : className === 'gldm'
        ? (c) => gldmFeatures(kernel.gldm(c))
        : (c) => ngtdmFeatures(kernel.ngtdm(c));
  for (const centre of grid.centres) {
    const values = features(centre);
    for (const name of names) maps[name][centre] = values[name];
  }
}

/** Neighbour offsets as flat arrays, with their step in the grid's flat index. */
function offsets(grid: KernelGrid, distances: number[], settings: RadiomicsSettings): Neighbourhood {
  return neighbourhood(grid.size, { distances, force2D: settings.force2D, force2Ddimension: settings.force2Ddimension });
}

/** Per-kernel matrices of the four classes, with buffers allocated once. */
class KernelTexture {
  private readonly grid: KernelGrid;
  private readonly settings: RadiomicsSettings;
  private readonly box = new Int32Array(6);
  /** Zones (GLSZM) and GLDM/NGTDM use these neighbours. */
  private readonly zoneNeighbours: Neighbourhood;
  private readonly neighbours: Neighbourhood;
  /** Per item (zone, voxel): gray level and size/dependence. */
  private readonly itemLevel: Int32Array;
  private readonly itemSize: Int32Array;
  /** GLSZM flood fill: voxel → kernel it was last assigned in (1-based), and the stack. */
  private readonly assigned: Int32Array;
  private readonly stack: Int32Array;
  private kernelNumber = 0;
  /** NGTDM per gray level: n_i and s_i. */
  private readonly count: Float64Array;
  private readonly difference: Float64Array;
  /** GLRLM: the ROI level → kernel level map and the kernel's levels. */
  private readonly localOf: Int32Array;
  private readonly present: Int32Array;
  private readonly level: Float64Array;
  private readonly runAngles: [number, number, number][];
  private readonly runWeights: Float64Array | null;
  /** GLRLM buffers: one direction's runs, the merged matrix (weightingNorm), marginals, sums. */
  private readonly runs: Float64Array;
  private readonly merged: Float64Array;
  private readonly pg: Float64Array;
  private readonly pr: Float64Array;
  private readonly sums = new Float64Array(GLRLM_NAMES.length);
  private readonly valid = new Int32Array(GLRLM_NAMES.length);

  constructor(grid: KernelGrid, settings: RadiomicsSettings) {
    this.grid = grid;
    this.settings = settings;
    this.zoneNeighbours = offsets(grid, [1], settings);
    this.neighbours = offsets(grid, settings.distances, settings);
    const voxels = maxKernelVoxels(grid);
    this.itemLevel = new Int32Array(voxels);
    this.itemSize = new Int32Array(voxels);
    this.assigned = new Int32Array(grid.levels.length);
    this.stack = new Int32Array(voxels);
    this.count = new Float64Array(grid.Ng + 1);
    this.difference = new Float64Array(grid.Ng + 1);
    this.localOf = new Int32Array(grid.Ng + 1).fill(-1);
    this.present = new Int32Array(Math.min(grid.Ng, voxels));
    this.level = new Float64Array(this.present.length);
    const longest = Math.max(...[0, 1, 2].map((a) => (a === grid.fixedAxis ? 1 : Math.min(2 * grid.radius + 1, grid.size[a]))));
    this.runs = new Float64Array(this.present.length * longest);
    this.merged = new Float64Array(this.present.length * longest);
    this.pg = new Float64Array(this.present.length);
    this.pr = new Float64Array(longest);
    // GLRLM directions (distance 1, as PyRadiomics: `distances` does not apply).
    this.runAngles = textureAngles(grid.size, { force2Ddimension: settings.force2D ? settings.force2Ddimension : undefined });
    const norm = settings.weightingNorm;
    this.runWeights = norm === null ? null : Float64Array.from(this.runAngles, (a) => glrlmDirectionWeight(a, grid.spacing, norm));
  }

  /** Whether voxel (x, y, z) lies in the current box. */
  private inBox(x: number, y: number, z: number): boolean {
    const b = this.box;
    return x >= b[0] && x <= b[1] && y >= b[2] && y <= b[3] && z >= b[4] && z <= b[5];
  }

  /** GLSZM of the kernel at `centre`: zones of equal gray level grown within the box. */
  glszm(centre: number) {
    const { grid, box, assigned, stack, itemLevel, itemSize } = this;
    const { count, dx, dy, dz, step } = this.zoneNeighbours;
    const [nx, ny] = grid.size;
    const plane = nx * ny;
    kernelBox(grid, centre, box);
    const mark = ++this.kernelNumber;
    let zones = 0;
    for (let z = box[4]; z <= box[5]; z++) {
      for (let y = box[2]; y <= box[3]; y++) {
        for (let x = box[0], start = x + nx * y + plane * z; x <= box[1]; x++, start++) {
          if (!grid.inKernel[start] || assigned[start] === mark) continue;
          const gray = grid.levels[start];
          assigned[start] = mark;
          stack[0] = start;
          let top = 1;
          let voxels = 0;
          while (top > 0) {
            const k = stack[--top];
            voxels++;
            const kx = k % nx;
            const ky = ((k - kx) / nx) % ny;
            const kz = (k - kx - nx * ky) / plane;
            for (let a = 0; a < count; a++) {
              if (!this.inBox(kx + dx[a], ky + dy[a], kz + dz[a])) continue;
              const neighbour = k + step[a];
              if (!grid.inKernel[neighbour] || grid.levels[neighbour] !== gray || assigned[neighbour] === mark) continue;
              assigned[neighbour] = mark;
              stack[top++] = neighbour;
            }
          }
          itemLevel[zones] = gray;
          itemSize[zones++] = voxels;
        }
      }
    }
    return tallyLevelSize(itemLevel, itemSize, zones);
  }

  /** GLDM of the kernel at `centre`: each voxel's dependent neighbours within the box. */
  gldm(centre: number) {
    const { grid, box, itemLevel, itemSize } = this;
    const { count, dx, dy, dz, step } = this.neighbours;
    const [nx, ny] = grid.size;
    const plane = nx * ny;
    const alpha = this.settings.gldm_a;
    kernelBox(grid, centre, box);
    let n = 0;
    for (let z = box[4]; z <= box[5]; z++) {
      for (let y = box[2]; y <= box[3]; y++) {
        for (let x = box[0], v = x + nx * y + plane * z; x <= box[1]; x++, v++) {
          if (!grid.inKernel[v]) continue;
          const gray = grid.levels[v];
          let dependent = 1;
          for (let a = 0; a < count; a++) {
            if (!this.inBox(x + dx[a], y + dy[a], z + dz[a])) continue;
            const neighbour = v + step[a];
            if (grid.inKernel[neighbour] && Math.abs(gray - grid.levels[neighbour]) <= alpha) dependent++;
          }
          itemLevel[n] = gray;
          itemSize[n++] = dependent;
        }
      }
    }
    return tallyLevelSize(itemLevel, itemSize, n);
  }

  /** NGTDM of the kernel at `centre`: each voxel's |level − mean of its neighbours within the box|. */
  ngtdm(centre: number) {
    const { grid, box, count: n, difference: s, present } = this;
    const { count, dx, dy, dz, step } = this.neighbours;
    const [nx, ny] = grid.size;
    const plane = nx * ny;
    kernelBox(grid, centre, box);
    let levels = 0;
    for (let z = box[4]; z <= box[5]; z++) {
      for (let y = box[2]; y <= box[3]; y++) {
        for (let x = box[0], v = x + nx * y + plane * z; x <= box[1]; x++, v++) {
          if (!grid.inKernel[v]) continue;
          const gray = grid.levels[v];
          let neighbours = 0;
          let sum = 0;
          for (let a = 0; a < count; a++) {
            if (!this.inBox(x + dx[a], y + dy[a], z + dz[a])) continue;
            const neighbour = v + step[a];
            if (!grid.inKernel[neighbour]) continue;
            neighbours++;
            sum += grid.levels[neighbour];
          }
          if (n[gray]++ === 0) present[levels++] = gray;
          if (neighbours > 0) s[gray] += Math.abs(gray - sum / neighbours);
        }
      }
    }
    sortAscending(present, levels);
    const matrix = { grayLevels: new Float64Array(levels), counts: new Float64Array(levels), differences: new Float64Array(levels) };
    for (let r = 0; r < levels; r++) {
      const gray = present[r];
      matrix.grayLevels[r] = gray;
      matrix.counts[r] = n[gray];
      matrix.differences[r] = s[gray];
      n[gray] = 0;
      s[gray] = 0;
    }
    return matrix;
  }

  /** The 16 GLRLM features of the kernel at `centre`, in GLRLM_FEATURE_NAMES order, into `out`. */
  glrlm(centre: number, out: Float64Array): void {
    const { grid, box, localOf, present, level, runs, merged, sums, valid } = this;
    const [nx, ny] = grid.size;
    const plane = nx * ny;
    kernelBox(grid, centre, box);
    // The kernel's gray levels, ascending.
    let ng = 0;
    for (let z = box[4]; z <= box[5]; z++) {
      for (let y = box[2]; y <= box[3]; y++) {
        for (let v = box[0] + nx * y + plane * z, end = v + box[1] - box[0]; v <= end; v++) {
          if (grid.inKernel[v] && localOf[grid.levels[v]] < 0) {
            localOf[grid.levels[v]] = 0;
            present[ng++] = grid.levels[v];
          }
        }
      }
    }
    sortAscending(present, ng);
    for (let i = 0; i < ng; i++) {
      localOf[present[i]] = i;
      level[i] = present[i];
    }
    const nr = Math.max(box[1] - box[0] + 1, box[3] - box[2] + 1, box[5] - box[4] + 1);
    sums.fill(0);
    valid.fill(0);
    const weights = this.runWeights;
    if (weights) merged.fill(0, 0, ng * nr);
    for (let a = 0; a < this.runAngles.length; a++) {
      this.runLengthMatrix(this.runAngles[a], ng, nr);
      if (weights) {
        for (let k = 0; k < ng * nr; k++) merged[k] += weights[a] * runs[k];
      } else {
        this.addRunFeatures(runs, ng, nr); // a direction without runs adds nothing (PyRadiomics drops it)
      }
    }
    if (weights) this.addRunFeatures(merged, ng, nr);
    for (let i = 0; i < ng; i++) localOf[present[i]] = -1;
    for (let f = 0; f < out.length; f++) out[f] = valid[f] > 0 ? sums[f] / valid[f] : NaN;
  }

  /**
   * The features of one run-length matrix P (ng × nr, row i = level[i], column r = run length
   * r + 1), added to sums (glrlm.ts formulas; none when P has no run: NaN there, skipped by nanmean).
   */
  private addRunFeatures(P: Float64Array, ng: number, nr: number): void {
    const { level, pg, pr, sums, valid } = this;
    let Nr = 0;
    pg.fill(0, 0, ng);
    pr.fill(0, 0, nr);
    for (let i = 0; i < ng; i++) {
      for (let r = 0; r < nr; r++) {
        const value = P[i * nr + r];
        pg[i] += value;
        pr[r] += value;
        Nr += value;
      }
    }
    if (Nr === 0) return;
    let gln = 0;
    let glMean = 0;
    let low = 0;
    let high = 0;
    for (let a = 0; a < ng; a++) {
      const i = level[a];
      gln += pg[a] * pg[a];
      glMean += pg[a] * i;
      low += pg[a] * (1 / (i * i));
      high += pg[a] * (i * i);
    }
    glMean /= Nr;
    let glVariance = 0;
    for (let a = 0; a < ng; a++) glVariance += pg[a] * ((level[a] - glMean) ** 2 / Nr);
    let short = 0;
    let long = 0;
    let rln = 0;
    let voxels = 0;
    for (let r = 0; r < nr; r++) {
      const j = r + 1;
      short += pr[r] * (1 / (j * j));
      long += pr[r] * (j * j);
      rln += pr[r] * pr[r];
      voxels += pr[r] * j;
    }
    const runMean = voxels / Nr;
    let runVariance = 0;
    for (let r = 0; r < nr; r++) runVariance += pr[r] * (r + 1 - runMean) ** 2;
    let entropy = 0;
    let shortLow = 0;
    let shortHigh = 0;
    let longLow = 0;
    let longHigh = 0;
    for (let a = 0; a < ng; a++) {
      const i2 = level[a] * level[a];
      for (let r = 0; r < nr; r++) {
        const value = P[a * nr + r];
        if (value === 0) continue;
        const j2 = (r + 1) * (r + 1);
        const p = value / Nr;
        entropy -= p * Math.log2(p + EPSILON);
        shortLow += value * (1 / (i2 * j2));
        shortHigh += value * (i2 / j2);
        longLow += value * (j2 / i2);
        longHigh += value * (i2 * j2);
      }
    }
    const add = (f: number, value: number) => {
      if (Number.isNaN(value)) return; // as numpy.nanmean
      sums[f] += value;
      valid[f]++;
    };
    // GLRLM_FEATURE_NAMES order.
    add(0, gln / Nr);
    add(1, gln / (Nr * Nr));
    add(2, glVariance);
    add(3, high / Nr);
    add(4, long / Nr);
    add(5, longHigh / Nr);
    add(6, longLow / Nr);
    add(7, low / Nr);
    add(8, entropy);
    add(9, rln / Nr);
    add(10, rln / (Nr * Nr));
    add(11, Nr / voxels);
    add(12, runVariance / Nr);
    add(13, short / Nr);
    add(14, shortHigh / Nr);
    add(15, shortLow / Nr);
  }

  /**
   * Runs along one direction within the box into `runs` (ng kernel levels × nr run lengths), as
   * glrlm.ts counts them; a direction in which no line holds more than one usable voxel counts no runs.
   */
  private runLengthMatrix(angle: readonly number[], ng: number, nr: number): void {
    const { grid, box, localOf, runs: P } = this;
    const [nx, ny] = grid.size;
    const [dx, dy, dz] = angle;
    P.fill(0, 0, ng * nr);
    const step = dx + nx * (dy + ny * dz);
    let lineWithSeveralVoxels = false;
    for (let z = box[4]; z <= box[5]; z++) {
      for (let y = box[2]; y <= box[3]; y++) {
        for (let x = box[0]; x <= box[1]; x++) {
          // A line starts where the voxel one step back lies outside the box.
          if (this.inBox(x - dx, y - dy, z - dz)) continue;
          let length = Infinity;
          if (dx !== 0) length = Math.min(length, dx > 0 ? box[1] - x + 1 : x - box[0] + 1);
          if (dy !== 0) length = Math.min(length, dy > 0 ? box[3] - y + 1 : y - box[2] + 1);
          if (dz !== 0) length = Math.min(length, dz > 0 ? box[5] - z + 1 : z - box[4] + 1);
          let v = x + nx * (y + ny * z);
          let current = -1;
          let run = 0;
          let voxels = 0;
          for (let s = 0; s < length; s++, v += step) {
            const here = grid.inKernel[v] ? localOf[grid.levels[v]] : -1;
            if (here === current && current >= 0) {
              run++;
            } else {
              if (current >= 0) P[current * nr + run - 1]++;
              current = here;
              run = here >= 0 ? 1 : 0;
            }
            if (here >= 0) voxels++;
          }
          if (current >= 0) P[current * nr + run - 1]++;
          if (voxels > 1) lineWithSeveralVoxels = true;
        }
      }
    }
    if (!lineWithSeveralVoxels) P.fill(0, 0, ng * nr);
  }
}

function sortAscending(values: Int32Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const value = values[i];
    let j = i - 1;
    while (j >= 0 && values[j] > value) {
      values[j + 1] = values[j];
      j--;
    }
    values[j + 1] = value;
  }
}
