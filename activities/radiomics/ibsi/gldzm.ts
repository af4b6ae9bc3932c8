/**
 * IBSI grey level distance zone matrix features (family VMDZ; tags dzm_*).
 *
 * Zones are those of the GLSZM (same grey level, linked at Chebyshev distance 1: 26-connected in
 * 3D, 8-connected in a slice). The distance of an ROI voxel to the ROI edge is the least number of
 * face-neighbour steps (6-connected in 3D, 4-connected in 2D: the Manhattan distance) to a voxel
 * outside the ROI, a voxel beside the edge having distance 1; voxels beyond the box are outside.
 * A zone's distance is the smallest distance of its voxels, and d_ij counts the zones of grey level
 * i and distance j. IBSI takes distances from the morphological mask and zones from the intensity
 * mask (which lies within it); without re-segmentation both are the ROI (see region.ts).
 * With N_s = Σ d_ij zones, N_v voxels, p_ij = d_ij / N_s and the marginals d_i. and d_.j:
 */
import * as ls from '../level-size-matrix';
import { neighbourhood } from '../neighbourhood';
import type { TextureInput } from '../texture-input';
import type { Vec3 } from '../../imaging/volume';
import { aggregateFeatures, zoneAggregations } from './aggregation';
import { countPercentage, levelSizeTerms, mergeCounted, type CountedMatrix, type LevelSizeTerms } from './level-size';
import type { IbsiRegion } from './region';
import { textureBox, type TextureBox } from './texture-grid';

type T = LevelSizeTerms;

/**
 * Distance to the ROI edge of every voxel of the grid (0 outside the ROI), by breadth-first search
 * from the edge voxels. `planar`: 4-connected within the (single) slice, else 6-connected.
 */
export function edgeDistances(grid: TextureInput, planar: boolean): Int32Array {
  const [nx, ny, nz] = grid.size;
  const axes = planar ? 2 : 3;
  const distance = new Int32Array(grid.levels.length);
  const queue = new Int32Array(grid.levels.length);
  let tail = 0;
  // Face neighbour of voxel (x, y, z) along axis a, direction s; −1 outside the box.
  const neighbour = (v: number, x: number, y: number, z: number, a: number, s: number): number => {
    if (a === 0) return x + s >= 0 && x + s < nx ? v + s : -1;
    if (a === 1) return y + s >= 0 && y + s < ny ? v + s * nx : -1;
    return z + s >= 0 && z + s < nz ? v + s * nx * ny : -1;
  };
  const coordinates = (v: number) => [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
  for (let v = 0; v < grid.levels.length; v++) {
    if (grid.levels[v] === 0) continue;
    const [x, y, z] = coordinates(v);
    let onEdge = false;
    for (let a = 0; a < axes && !onEdge; a++) {
      for (const s of [-1, 1]) {
        const w = neighbour(v, x, y, z, a, s);
        if (w < 0 || grid.levels[w] === 0) onEdge = true;
      }
    }
    if (onEdge) {
      distance[v] = 1;
      queue[tail++] = v;
    }
  }
  for (let head = 0; head < tail; head++) {
    const v = queue[head];
    const [x, y, z] = coordinates(v);
    for (let a = 0; a < axes; a++) {
      for (const s of [-1, 1]) {
        const w = neighbour(v, x, y, z, a, s);
        if (w < 0 || grid.levels[w] === 0 || distance[w] !== 0) continue;
        distance[w] = distance[v] + 1;
        queue[tail++] = w;
      }
    }
  }
  return distance;
}

/** Edge distances on a texture grid's box: within slices (2D) and in 3D. */
export interface EdgeDistances {
  planar: Int32Array;
  volume: Int32Array;
}

/**
 * Edge distances of the region's morphological mask, laid out on `box` (the texture grid's box, which
 * holds the intensity mask). They are found on the morphological mask's own bounding box, as the
 * mask may reach beyond the intensity mask's box.
 */
export function morphologicalEdgeDistances(region: IbsiRegion, box: TextureBox): EdgeDistances {
  const own = textureBox(region.morphologicalIndices, region.size);
  const levels = new Int32Array(own.size[0] * own.size[1] * own.size[2]);
  const local = (n: number, b: TextureBox) => {
    const [nx, ny] = region.size;
    const [i, j, k] = [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))];
    return i - b.lower[0] + b.size[0] * (j - b.lower[1] + b.size[1] * (k - b.lower[2]));
  };
  for (const n of region.morphologicalIndices) levels[local(n, own)] = 1;
  const mask: TextureInput = { size: own.size, spacing: region.spacing, levels, maxLevel: 1, voxelCount: region.morphologicalIndices.length };
  const onBox = (distance: Int32Array) => {
    const out = new Int32Array(box.size[0] * box.size[1] * box.size[2]);
    for (let k = 0; k < box.size[2]; k++) {
      for (let j = 0; j < box.size[1]; j++) {
        for (let i = 0; i < box.size[0]; i++) {
          const [x, y, z] = [i + box.lower[0] - own.lower[0], j + box.lower[1] - own.lower[1], k + box.lower[2] - own.lower[2]];
          const inside = x >= 0 && x < own.size[0] && y >= 0 && y < own.size[1] && z >= 0 && z < own.size[2];
          out[i + box.size[0] * (j + box.size[1] * k)] = inside ? distance[x + own.size[0] * (y + own.size[1] * z)] : 0;
        }
      }
    }
    return out;
  };
  return { planar: onBox(edgeDistances(mask, true)), volume: onBox(edgeDistances(mask, false)) };
}

/**
 * The distance zone matrix of a grid (3D, or 2D when `planar`, for a slice grid), with the edge
 * distances of its voxels (default: those of the grid's own ROI).
 */
export function distanceZoneMatrix(
  grid: TextureInput,
  planar: boolean,
  distance: Int32Array = edgeDistances(grid, planar),
): CountedMatrix {
  const links = neighbourhood(grid.size, { distances: [1], force2D: false, force2Ddimension: 0 });
  const [nx, ny, nz] = grid.size;
  const done = new Uint8Array(grid.levels.length);
  const stack: number[] = [];
  const zoneLevel: number[] = [];
  const zoneDistance: number[] = [];
  for (let start = 0; start < grid.levels.length; start++) {
    const level = grid.levels[start];
    if (level === 0 || done[start]) continue;
    // Flood-fill the zone of `start`, keeping its smallest edge distance.
    done[start] = 1;
    stack.push(start);
    let nearest = Infinity;
    while (stack.length > 0) {
      const v = stack.pop()!;
      nearest = Math.min(nearest, distance[v]);
      const x = v % nx;
      const y = Math.floor(v / nx) % ny;
      const z = Math.floor(v / (nx * ny));
      for (let a = 0; a < links.count; a++) {
        const [xn, yn, zn] = [x + links.dx[a], y + links.dy[a], z + links.dz[a]];
        if (xn < 0 || xn >= nx || yn < 0 || yn >= ny || zn < 0 || zn >= nz) continue;
        const w = v + links.step[a];
        if (grid.levels[w] !== level || done[w]) continue;
        done[w] = 1;
        stack.push(w);
      }
    }
    zoneLevel.push(level);
    zoneDistance.push(nearest);
  }
  const matrix = ls.tallyLevelSize(Int32Array.from(zoneLevel), Int32Array.from(zoneDistance), zoneLevel.length);
  return { matrix, voxels: grid.voxelCount };
}

/** Small distance emphasis = Σ d_.j / j² / N_s */
export const smallDistanceEmphasis = (t: T) => ls.smallSizeEmphasis(t);
/** Large distance emphasis = Σ j² d_.j / N_s */
export const largeDistanceEmphasis = (t: T) => ls.largeSizeEmphasis(t);
/** Low grey level zone emphasis = Σ d_i. / i² / N_s */
export const lowGreyLevelZoneEmphasis = (t: T) => ls.lowGrayLevelEmphasis(t);
/** High grey level zone emphasis = Σ i² d_i. / N_s */
export const highGreyLevelZoneEmphasis = (t: T) => ls.highGrayLevelEmphasis(t);
/** Small distance low grey level emphasis = Σ d_ij / (i² j²) / N_s */
export const smallDistanceLowGreyLevelEmphasis = (t: T) => ls.smallSizeLowGrayLevelEmphasis(t);
/** Small distance high grey level emphasis = Σ i² d_ij / j² / N_s */
export const smallDistanceHighGreyLevelEmphasis = (t: T) => ls.smallSizeHighGrayLevelEmphasis(t);
/** Large distance low grey level emphasis = Σ j² d_ij / i² / N_s */
export const largeDistanceLowGreyLevelEmphasis = (t: T) => ls.largeSizeLowGrayLevelEmphasis(t);
/** Large distance high grey level emphasis = Σ i² j² d_ij / N_s */
export const largeDistanceHighGreyLevelEmphasis = (t: T) => ls.largeSizeHighGrayLevelEmphasis(t);
/** Grey level non-uniformity = Σ d_i.² / N_s */
export const greyLevelNonUniformity = (t: T) => ls.grayLevelNonUniformity(t);
/** Normalised grey level non-uniformity = Σ d_i.² / N_s² */
export const normalisedGreyLevelNonUniformity = (t: T) => ls.grayLevelNonUniformityNormalized(t);
/** Zone distance non-uniformity = Σ d_.j² / N_s */
export const zoneDistanceNonUniformity = (t: T) => ls.sizeNonUniformity(t);
/** Normalised zone distance non-uniformity = Σ d_.j² / N_s² */
export const normalisedZoneDistanceNonUniformity = (t: T) => ls.sizeNonUniformityNormalized(t);
/** Zone percentage = N_s / N_v */
export const zonePercentage = (t: T) => countPercentage(t);
/** Grey level variance = Σ (i − μ)² p_ij, μ = Σ i p_ij */
export const greyLevelVariance = (t: T) => ls.grayLevelVariance(t);
/** Zone distance variance = Σ (j − μ)² p_ij, μ = Σ j p_ij */
export const zoneDistanceVariance = (t: T) => ls.sizeVariance(t);
/** Zone distance entropy = −Σ p_ij log2 p_ij */
export const zoneDistanceEntropy = (t: T) => ls.sizeEntropy(t);

/** IBSI GLDZM features by tag stem (dzm_<stem>_<aggregation>). */
export const GLDZM_FEATURES: Record<string, (t: T) => number> = {
  sde: smallDistanceEmphasis,
  lde: largeDistanceEmphasis,
  lgze: lowGreyLevelZoneEmphasis,
  hgze: highGreyLevelZoneEmphasis,
  sdlge: smallDistanceLowGreyLevelEmphasis,
  sdhge: smallDistanceHighGreyLevelEmphasis,
  ldlge: largeDistanceLowGreyLevelEmphasis,
  ldhge: largeDistanceHighGreyLevelEmphasis,
  glnu: greyLevelNonUniformity,
  glnu_norm: normalisedGreyLevelNonUniformity,
  zdnu: zoneDistanceNonUniformity,
  zdnu_norm: normalisedZoneDistanceNonUniformity,
  z_perc: zonePercentage,
  gl_var: greyLevelVariance,
  zd_var: zoneDistanceVariance,
  zd_entr: zoneDistanceEntropy,
};

/**
 * All dzm_* features of a 3D texture grid, in 2D, 2.5D and 3D. `distances`: the edge distances on the
 * grid's box (default: from the grid's own ROI, i.e. morphological mask = intensity mask).
 */
export function ibsiGldzmFeatures(grid: TextureInput, distances?: EdgeDistances): Record<string, number> {
  const planar = distances?.planar ?? edgeDistances(grid, true); // per slice: only in-plane steps
  const volume = distances?.volume ?? edgeDistances(grid, false);
  const [nx, ny, nz] = grid.size;
  const plane = nx * ny;
  const slices: CountedMatrix[] = [];
  for (let z = 0; z < nz; z++) {
    const levels = grid.levels.subarray(z * plane, (z + 1) * plane);
    const voxelCount = levels.reduce((count, level) => count + (level > 0 ? 1 : 0), 0);
    if (voxelCount === 0) continue;
    const slice: TextureInput = { size: [nx, ny, 1] as Vec3, spacing: grid.spacing, levels, maxLevel: grid.maxLevel, voxelCount };
    slices.push(distanceZoneMatrix(slice, true, planar.subarray(z * plane, (z + 1) * plane)));
  }
  const aggregations = zoneAggregations(slices, distanceZoneMatrix(grid, false, volume), mergeCounted);
  return aggregateFeatures('dzm', aggregations, levelSizeTerms, GLDZM_FEATURES);
}
