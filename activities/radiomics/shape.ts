/**
 * PyRadiomics 3D shape features (radiomics/shape.py,
 * https://pyradiomics.readthedocs.io/en/latest/features.html#module-radiomics.shape), computed from
 * the mask alone, in float64 and in physical units (mm, mm², mm³).
 *
 * Like PyRadiomics, the geometry uses the voxel spacing but not the direction matrix or origin:
 * a voxel (i, j, k) sits at (i·Δx, j·Δy, k·Δz). Let
 *   V      = MeshVolume, the volume enclosed by the marching-cubes mesh of the ROI
 *   A      = SurfaceArea, the area of that mesh
 *   λ1 ≥ λ2 ≥ λ3 (λmajor, λminor, λleast) = eigenvalues of the covariance of the physical
 *            coordinates of the ROI voxel centres (population covariance, ÷ Np)
 *
 * The mesh is PyRadiomics' own (radiomics/src/cshape.c): the mask is cropped to the ROI bounding
 * box and padded with one voxel of background on every side, a 2×2×2 cube is marched over it, and
 * each cube's triangles come from the lookup table in marching-cubes-tables.ts, with vertices at the
 * midpoints of the cube edges that join a voxel inside the ROI to one outside. The diameters are
 * the largest distances between those mesh vertices, over all pairs (3D) or over the pairs in one
 * slice / column plane / row plane. Mesh sums are taken in PyRadiomics' order and frame, so A, V
 * and the diameters agree with its C code to the last bit on the reference cases.
 */
import { InvalidMaskError } from '../errors';
import type { Vec3, Volume } from '../imaging/volume';
import * as tables from './marching-cubes-tables';
import { roiBoundingBox } from './roi';
import { voxelVolume } from './shape-basic';

// Module constants: an imported binding is a property read (a getter) on every use in compiled CommonJS.
const { CUBE_CORNERS, EDGE_MIDPOINTS_X2, TRIANGLES, TRIANGLE_ROW } = tables;

/** PyRadiomics' deprecated shape features: computed only on request, never in the default set. */
export const DEPRECATED_SHAPE_FEATURES = ['Compactness1', 'Compactness2', 'SphericalDisproportion'] as const;

export interface ShapeOptions {
  /** URI of the mask file, named in error messages. */
  maskUri?: string;
  /** Also return Compactness1, Compactness2 and SphericalDisproportion (default true). */
  includeDeprecated?: boolean;
}

/**
 * The 3D shape features of the ROI `mask == label`, by PyRadiomics name.
 * Throws InvalidMaskError when the label is absent or the ROI is a single voxel (PyRadiomics
 * refuses to extract features from a single voxel).
 */
export function shapeFeatures(mask: Volume, label: number, options: ShapeOptions = {}): Record<string, number> {
  const roi = paddedRoi(mask, label, options.maskUri);
  const { surfaceArea: A, volume: V } = meshAreaAndVolume(roi);
  const diameters = meshDiameters(meshVertices(roi), roi.spacing);
  const [least, minor, major] = principalMoments(roi);
  const features: Record<string, number> = {
    Elongation: elongation(minor, major),
    Flatness: flatness(least, major),
    LeastAxisLength: axisLength(least),
    MajorAxisLength: axisLength(major),
    Maximum2DDiameterColumn: diameters.column,
    Maximum2DDiameterRow: diameters.row,
    Maximum2DDiameterSlice: diameters.slice,
    Maximum3DDiameter: diameters.all,
    MeshVolume: V,
    MinorAxisLength: axisLength(minor),
    Sphericity: sphericity(A, V),
    SurfaceArea: A,
    SurfaceVolumeRatio: surfaceVolumeRatio(A, V),
    VoxelVolume: voxelVolume(roi.count, roi.spacing),
  };
  if (options.includeDeprecated ?? true) {
    features.Compactness1 = compactness1(A, V);
    features.Compactness2 = compactness2(A, V);
    features.SphericalDisproportion = sphericalDisproportion(A, V);
  }
  return features;
}

// ---------------------------------------------------------------------------------------------
// Features from V, A and the principal moments
// ---------------------------------------------------------------------------------------------

/** SurfaceVolumeRatio = A / V */
export function surfaceVolumeRatio(A: number, V: number): number {
  return A / V;
}

/** Sphericity = ∛(36π V²) / A */
export function sphericity(A: number, V: number): number {
  return (36 * Math.PI * V ** 2) ** (1 / 3) / A;
}

/** Compactness1 = V / (√π · A^(3/2)) (deprecated) */
export function compactness1(A: number, V: number): number {
  return V / (A ** 1.5 * Math.sqrt(Math.PI));
}

/** Compactness2 = 36π V² / A³ (deprecated) */
export function compactness2(A: number, V: number): number {
  return (36 * Math.PI * V ** 2) / A ** 3;
}

/** SphericalDisproportion = A / ∛(36π V²) (deprecated) */
export function sphericalDisproportion(A: number, V: number): number {
  return A / (36 * Math.PI * V ** 2) ** (1 / 3);
}

/** Major/Minor/LeastAxisLength = 4 √λ for λ = λmajor, λminor, λleast */
export function axisLength(lambda: number): number {
  return 4 * Math.sqrt(lambda);
}

/** Elongation = √(λminor / λmajor) */
export function elongation(minor: number, major: number): number {
  return Math.sqrt(minor / major);
}

/** Flatness = √(λleast / λmajor) */
export function flatness(least: number, major: number): number {
  return Math.sqrt(least / major);
}

// ---------------------------------------------------------------------------------------------
// The ROI: its bounding box, grown by one voxel of background on every side
// ---------------------------------------------------------------------------------------------

/**
 * The ROI as a binary mask over its bounding box grown by one voxel of background on every side,
 * x fastest: the mask PyRadiomics' shape class works on (the image cropped to the ROI bounding box,
 * then padded with one voxel). Mesh and voxel coordinates are taken in this frame, with local voxel
 * (0, 0, 0) at the origin, as PyRadiomics does. That matters beyond rounding for MeshVolume: the
 * marching-cubes table leaves small holes in the mesh at some ambiguous configurations, and then the
 * signed-tetrahedra volume depends on the origin (for brain2, the frame of the uncropped mask gives
 * a MeshVolume 6 % higher than PyRadiomics').
 */
export interface PaddedRoi {
  inside: Uint8Array;
  size: Vec3;
  spacing: Vec3;
  /** Number of ROI voxels, Np. */
  count: number;
}

/** The PaddedRoi of `mask == label`; InvalidMaskError when the label is absent or covers one voxel. */
export function paddedRoi(mask: Volume, label: number, maskUri?: string): PaddedRoi {
  const [nx, ny] = mask.size;
  const { lower, upper, count } = roiBoundingBox(mask, label);
  const name = maskUri ?? 'mask';
  if (count === 0) throw new InvalidMaskError(`${name}: label ${label} is absent from the mask`, maskUri);
  if (count === 1) {
    const message = `${name}: label ${label} covers a single voxel; shape features need at least two (as PyRadiomics)`;
    throw new InvalidMaskError(message, maskUri);
  }

  const size: Vec3 = [upper[0] - lower[0] + 3, upper[1] - lower[1] + 3, upper[2] - lower[2] + 3];
  const inside = new Uint8Array(size[0] * size[1] * size[2]);
  for (let k = lower[2]; k <= upper[2]; k++) {
    for (let j = lower[1]; j <= upper[1]; j++) {
      const from = lower[0] + nx * (j + ny * k);
      const to = 1 + size[0] * (j - lower[1] + 1 + size[1] * (k - lower[2] + 1));
      for (let i = 0; i <= upper[0] - lower[0]; i++) inside[to + i] = mask.data[from + i] === label ? 1 : 0;
    }
  }
  return { inside, size, spacing: mask.spacing, count };
}

// ---------------------------------------------------------------------------------------------
// Mesh: surface area and volume
// ---------------------------------------------------------------------------------------------

/**
 * Surface area A and enclosed volume V of the marching-cubes mesh.
 *   A = Σ ½ |(a − c) × (b − c)|         over the triangles (a, b, c)
 *   V = Σ a · (b × c) / 6               signed tetrahedra against the origin; the triangles face
 *                                       outwards, so the sum is the enclosed volume
 * Vectors are in (z, y, x) component order and the terms are summed in PyRadiomics' order (cubes
 * by z, then y, then x; triangles in table order), so both sums equal its C code's bit for bit.
 * Where the mesh has holes (see PaddedRoi), V is only approximately the enclosed volume; a tiny
 * ROI of voxels touching only along edges can even get V < 0, exactly as in PyRadiomics.
 */
export function meshAreaAndVolume(roi: PaddedRoi): { surfaceArea: number; volume: number } {
  const cubes = surfaceCubes(roi);
  const triangles = TRIANGLES;
  // Edge-midpoint positions of the current cube, (z, y, x) per edge.
  const points = new Float64Array(36);
  let area = 0;
  let volume6 = 0;
  for (let n = 0; n < cubes.count; n++) {
    cubeEdgePoints(roi, cubes.i[n], cubes.j[n], cubes.k[n], points);
    for (let t = cubes.index[n] * TRIANGLE_ROW; triangles[t] >= 0; t += 3) {
      const a = 3 * triangles[t];
      const b = 3 * triangles[t + 1];
      const c = 3 * triangles[t + 2];
      volume6 += cubes.sign[n] * tripleProduct(points, a, b, c);
      area += triangleArea(points, a, b, c);
    }
  }
  return { surfaceArea: area, volume: volume6 / 6 };
}

/** The cubes that have triangles, in PyRadiomics' order (by z, then y, then x). */
interface SurfaceCubes {
  count: number;
  /** Local voxel (i, j, k) of the cube's corner p0. */
  i: Int32Array;
  j: Int32Array;
  k: Int32Array;
  /** Row of the triangle table: the cube index, complemented when p7 is inside. */
  index: Uint8Array;
  /** −1 for a complemented cube (its triangles face inwards), else 1. */
  sign: Int8Array;
}

function surfaceCubes(roi: PaddedRoi): SurfaceCubes {
  const nx = roi.size[0];
  const ny = roi.size[1];
  const nz = roi.size[2];
  const cornerSteps = CUBE_CORNERS.map(([dx, dy, dz]) => dx + nx * (dy + ny * dz));
  const extent = rowExtents(roi);
  const capacity = (nx - 1) * (ny - 1) * (nz - 1);
  const cubes: SurfaceCubes = {
    count: 0,
    i: new Int32Array(capacity),
    j: new Int32Array(capacity),
    k: new Int32Array(capacity),
    index: new Uint8Array(capacity),
    sign: new Int8Array(capacity),
  };
  for (let k = 0; k < nz - 1; k++) {
    for (let j = 0; j < ny - 1; j++) {
      // Only cubes with a corner inside the ROI have triangles: those between the first and the
      // last inside voxel of the four voxel rows the cubes of this row span.
      const [r0, r1, r2, r3] = [j + ny * k, j + 1 + ny * k, j + ny * (k + 1), j + 1 + ny * (k + 1)];
      const first = Math.max(0, Math.min(extent.first[r0], extent.first[r1], extent.first[r2], extent.first[r3]) - 1);
      const last = Math.min(nx - 2, Math.max(extent.last[r0], extent.last[r1], extent.last[r2], extent.last[r3]));
      for (let i = first; i <= last; i++) {
        const base = i + nx * (j + ny * k);
        let cube = 0;
        for (let c = 0; c < 8; c++) if (roi.inside[base + cornerSteps[c]]) cube |= 1 << c;
        // Cube and complement share their surface: the table covers cubes with p7 outside, and
        // a flipped cube's triangles face inwards, so its volume terms change sign.
        const flipped = (cube & 0x80) !== 0;
        if (flipped) cube ^= 0xff;
        if (cube === 0) continue;
        const n = cubes.count++;
        cubes.i[n] = i;
        cubes.j[n] = j;
        cubes.k[n] = k;
        cubes.index[n] = cube;
        cubes.sign[n] = flipped ? -1 : 1;
      }
    }
  }
  return cubes;
}

/**
 * Per voxel row (j, k) of the padded ROI, row index j + ny·k: the x of its first and last voxel
 * inside the ROI (first = nx, last = −1 for a row without any).
 */
function rowExtents(roi: PaddedRoi): { first: Int32Array; last: Int32Array } {
  const [nx, ny, nz] = roi.size;
  const first = new Int32Array(ny * nz).fill(nx);
  const last = new Int32Array(ny * nz).fill(-1);
  for (let row = 0; row < ny * nz; row++) {
    for (let i = 0; i < nx; i++) {
      if (!roi.inside[row * nx + i]) continue;
      if (first[row] === nx) first[row] = i;
      last[row] = i;
    }
  }
  return { first, last };
}

/** Physical (z, y, x) positions of the 12 edge midpoints of the cube at local voxel (i, j, k). */
function cubeEdgePoints(roi: PaddedRoi, i: number, j: number, k: number, out: Float64Array): void {
  const [sx, sy, sz] = roi.spacing;
  const midpoints = EDGE_MIDPOINTS_X2;
  for (let e = 0; e < 12; e++) {
    out[3 * e] = (k + midpoints[3 * e + 2] / 2) * sz;
    out[3 * e + 1] = (j + midpoints[3 * e + 1] / 2) * sy;
    out[3 * e + 2] = (i + midpoints[3 * e] / 2) * sx;
  }
}

/** a · (b × c) for the points at offsets a, b, c of `p`. */
function tripleProduct(p: Float64Array, a: number, b: number, c: number): number {
  const cross0 = p[a + 1] * p[b + 2] - p[b + 1] * p[a + 2];
  const cross1 = p[a + 2] * p[b] - p[b + 2] * p[a];
  const cross2 = p[a] * p[b + 1] - p[b] * p[a + 1];
  return cross0 * p[c] + cross1 * p[c + 1] + cross2 * p[c + 2];
}

/** ½ |(a − c) × (b − c)| for the points at offsets a, b, c of `p`. */
function triangleArea(p: Float64Array, a: number, b: number, c: number): number {
  const u0 = p[a] - p[c];
  const u1 = p[a + 1] - p[c + 1];
  const u2 = p[a + 2] - p[c + 2];
  const v0 = p[b] - p[c];
  const v1 = p[b + 1] - p[c + 1];
  const v2 = p[b + 2] - p[c + 2];
  const n0 = u1 * v2 - v1 * u2;
  const n1 = u2 * v0 - v2 * u0;
  const n2 = u0 * v1 - v0 * u1;
  return 0.5 * Math.sqrt(n0 * n0 + n1 * n1 + n2 * n2);
}

// ---------------------------------------------------------------------------------------------
// Mesh: diameters
// ---------------------------------------------------------------------------------------------

/**
 * The mesh vertices: one at the midpoint of every pair of face-neighbouring voxels with one inside
 * the ROI and one outside (the same set PyRadiomics collects). Returned as doubled local voxel
 * coordinates (2x, 2y, 2z) per vertex, integers, so that a vertex lies at (x/2·Δx, y/2·Δy, z/2·Δz).
 */
export function meshVertices(roi: PaddedRoi): Int32Array {
  const [nx, ny, nz] = roi.size;
  const steps = [1, nx, nx * ny];
  const out: number[] = [];
  for (let k = 1; k < nz - 1; k++) {
    for (let j = 1; j < ny - 1; j++) {
      for (let i = 1; i < nx - 1; i++) {
        const n = i + nx * (j + ny * k);
        if (!roi.inside[n]) continue;
        for (let axis = 0; axis < 3; axis++) {
          for (let direction = -1; direction <= 1; direction += 2) {
            if (roi.inside[n + direction * steps[axis]]) continue;
            const x = 2 * i + (axis === 0 ? direction : 0);
            const y = 2 * j + (axis === 1 ? direction : 0);
            const z = 2 * k + (axis === 2 ? direction : 0);
            out.push(x, y, z);
          }
        }
      }
    }
  }
  return Int32Array.from(out);
}

export interface Diameters {
  /** Maximum2DDiameterSlice: vertex pairs with equal z. */
  slice: number;
  /** Maximum2DDiameterColumn: vertex pairs with equal y. */
  column: number;
  /** Maximum2DDiameterRow: vertex pairs with equal x. */
  row: number;
  /** Maximum3DDiameter: all vertex pairs. */
  all: number;
}

/**
 * The largest Euclidean distances between mesh vertices (as `meshVertices` gives them), exactly as
 * the all-pairs search of PyRadiomics finds them, but searching only extreme points: a farthest pair
 * of a point set can always be taken from the vertices of its convex hull. For each plane (a slice,
 * a column plane or a row plane) the 2D hull of its vertices is found in integer coordinates (exact,
 * and scaling the axes by the spacing keeps hulls hulls); every vertex of the 3D hull is a hull
 * vertex in each of the three planes through it, so the 3D search runs over the vertices that are
 * hull vertices in all three.
 */
export function meshDiameters(vertices: Int32Array, spacing: Vec3): Diameters {
  const physical = physicalPositions(vertices, spacing);
  const slice = planeDiameters(vertices, physical, 2);
  const column = planeDiameters(vertices, physical, 1);
  const row = planeDiameters(vertices, physical, 0);
  const candidates = hullVerticesInAll([slice.onHull, column.onHull, row.onHull]);
  return {
    slice: Math.sqrt(slice.maximum),
    column: Math.sqrt(column.maximum),
    row: Math.sqrt(row.maximum),
    all: Math.sqrt(largestSquaredDistance(physical, candidates)),
  };
}

/** Physical positions (x/2·Δx, y/2·Δy, z/2·Δz) of vertices given as doubled voxel coordinates. */
function physicalPositions(vertices: Int32Array, spacing: Vec3): Float64Array {
  const physical = new Float64Array(vertices.length);
  for (let n = 0; n < vertices.length; n += 3) {
    physical[n] = (vertices[n] / 2) * spacing[0];
    physical[n + 1] = (vertices[n + 1] / 2) * spacing[1];
    physical[n + 2] = (vertices[n + 2] / 2) * spacing[2];
  }
  return physical;
}

/** The vertices that are hull vertices in each of the three planes through them. */
function hullVerticesInAll(onHull: Uint8Array[]): number[] {
  const candidates: number[] = [];
  for (let n = 0; n < onHull[0].length; n++) if (onHull[0][n] && onHull[1][n] && onHull[2][n]) candidates.push(n);
  return candidates;
}

/**
 * The largest squared distance between vertices sharing their coordinate along `axis`, over all
 * such planes, and which vertices are vertices of their plane's convex hull.
 */
function planeDiameters(
  vertices: Int32Array,
  physical: Float64Array,
  axis: number,
): { maximum: number; onHull: Uint8Array } {
  const count = vertices.length / 3;
  const u = (axis + 1) % 3;
  const w = (axis + 2) % 3;
  const order = sortedByCoordinates(vertices, [axis, u, w]);
  const onHull = new Uint8Array(count);
  let maximum = 0;
  for (let start = 0; start < count; ) {
    let end = start + 1;
    while (end < count && vertices[3 * order[end] + axis] === vertices[3 * order[start] + axis]) end++;
    const hull = convexHull2D(order.subarray(start, end), vertices, u, w);
    for (let h = 0; h < hull.length; h++) onHull[hull[h]] = 1;
    maximum = Math.max(maximum, largestSquaredDistance(physical, hull));
    start = end;
  }
  return { maximum, onHull };
}

/**
 * The vertex numbers ordered by their coordinates along axes[0], then axes[1], then axes[2]:
 * stable counting sorts by each coordinate (integers in a small range), the least significant first.
 */
function sortedByCoordinates(vertices: Int32Array, axes: [number, number, number]): Int32Array<ArrayBuffer> {
  let order = new Int32Array(vertices.length / 3);
  for (let n = 0; n < order.length; n++) order[n] = n;
  for (const axis of [axes[2], axes[1], axes[0]]) order = stableSortByCoordinate(order, vertices, axis);
  return order;
}

function stableSortByCoordinate(order: Int32Array, vertices: Int32Array, axis: number): Int32Array<ArrayBuffer> {
  if (order.length === 0) return new Int32Array(0);
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < order.length; k++) {
    min = Math.min(min, vertices[3 * order[k] + axis]);
    max = Math.max(max, vertices[3 * order[k] + axis]);
  }
  // start[c − min] = number of vertices with a smaller coordinate: where those with coordinate c go.
  const start = new Int32Array(max - min + 2);
  for (let k = 0; k < order.length; k++) start[vertices[3 * order[k] + axis] - min + 1]++;
  for (let c = 1; c < start.length; c++) start[c] += start[c - 1];
  const sorted = new Int32Array(order.length);
  for (let k = 0; k < order.length; k++) sorted[start[vertices[3 * order[k] + axis] - min]++] = order[k];
  return sorted;
}

/**
 * Vertices of the convex hull (extreme points only) of the points `sorted` (ascending by
 * coordinate u, then w), by Andrew's monotone chain on the integer coordinates.
 */
function convexHull2D(sorted: Int32Array, vertices: Int32Array, u: number, w: number): number[] {
  if (sorted.length < 3) return Array.from(sorted);
  const turn = (o: number, a: number, b: number) =>
    (vertices[3 * a + u] - vertices[3 * o + u]) * (vertices[3 * b + w] - vertices[3 * o + w]) -
    (vertices[3 * a + w] - vertices[3 * o + w]) * (vertices[3 * b + u] - vertices[3 * o + u]);
  // One chain over the points in the order `at` gives them (the lower hull forwards, the upper backwards).
  const chain = (at: (k: number) => number): number[] => {
    const stack: number[] = [];
    for (let k = 0; k < sorted.length; k++) {
      const p = at(k);
      while (stack.length >= 2 && turn(stack[stack.length - 2], stack[stack.length - 1], p) <= 0) stack.pop();
      stack.push(p);
    }
    stack.pop(); // the last point starts the other chain
    return stack;
  };
  return [...chain((k) => sorted[k]), ...chain((k) => sorted[sorted.length - 1 - k])];
}

/** max ‖p − q‖² over pairs of the listed points, with (Δz² + Δy²) + Δx² summed as PyRadiomics does. */
function largestSquaredDistance(physical: Float64Array, points: readonly number[]): number {
  let maximum = 0;
  for (let a = 1; a < points.length; a++) {
    const pa = 3 * points[a];
    const ax = physical[pa];
    const ay = physical[pa + 1];
    const az = physical[pa + 2];
    for (let b = 0; b < a; b++) {
      const pb = 3 * points[b];
      const dz = az - physical[pb + 2];
      const dy = ay - physical[pb + 1];
      const dx = ax - physical[pb];
      const distance = dz * dz + dy * dy + dx * dx;
      if (distance > maximum) maximum = distance;
    }
  }
  return maximum;
}

// ---------------------------------------------------------------------------------------------
// Principal component analysis of the voxel centres
// ---------------------------------------------------------------------------------------------

/**
 * Eigenvalues [λleast, λminor, λmajor] (ascending) of the population covariance
 *   C = 1/Np Σ (r − r̄)(r − r̄)ᵀ,   r = (i·Δx, j·Δy, k·Δz) over the ROI voxels.
 * The centre r̄ is taken in voxel indices (an integer sum ÷ Np), so a coordinate that is the same
 * for every voxel centres to exactly 0 and a flat or line-shaped ROI gets exact zero eigenvalues.
 * C is positive semi-definite, so a negative eigenvalue can only be rounding and is set to 0
 * (PyRadiomics does the same for values above −1e-10).
 */
export function principalMoments(roi: PaddedRoi): [number, number, number] {
  const ijk = insideVoxelIndices(roi);
  const covariance = voxelCovariance(ijk, roi.count, roi.spacing);
  const eigenvalues = symmetricEigenvalues(covariance);
  return eigenvalues.map((lambda) => Math.max(0, lambda)).sort((a, b) => a - b) as [number, number, number];
}

/** Local voxel indices (i, j, k), one triple per ROI voxel, in scan order. */
function insideVoxelIndices(roi: PaddedRoi): Int32Array {
  const nx = roi.size[0];
  const ny = roi.size[1];
  const nz = roi.size[2];
  let inside = 0;
  for (let n = 0; n < roi.inside.length; n++) inside += roi.inside[n];
  const ijk = new Int32Array(3 * inside);
  for (let k = 0, n = 0, v = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, n++) {
        if (!roi.inside[n]) continue;
        ijk[v++] = i;
        ijk[v++] = j;
        ijk[v++] = k;
      }
    }
  }
  return ijk;
}

/** C = 1/Np Σ (r − r̄)(r − r̄)ᵀ (row-major 3×3), the centre r̄ taken in voxel indices. */
function voxelCovariance(ijk: Int32Array, count: number, spacing: Vec3): number[] {
  let si = 0;
  let sj = 0;
  let sk = 0;
  for (let v = 0; v < ijk.length; v += 3) {
    si += ijk[v];
    sj += ijk[v + 1];
    sk += ijk[v + 2];
  }
  const ci = si / count;
  const cj = sj / count;
  const ck = sk / count;
  const sx = spacing[0];
  const sy = spacing[1];
  const sz = spacing[2];
  // Upper triangle of Np·C.
  let xx = 0, xy = 0, xz = 0, yy = 0, yz = 0, zz = 0;
  for (let v = 0; v < ijk.length; v += 3) {
    const x = (ijk[v] - ci) * sx;
    const y = (ijk[v + 1] - cj) * sy;
    const z = (ijk[v + 2] - ck) * sz;
    xx += x * x;
    xy += x * y;
    xz += x * z;
    yy += y * y;
    yz += y * z;
    zz += z * z;
  }
  const [cxx, cxy, cxz, cyy, cyz, czz] = [xx, xy, xz, yy, yz, zz].map((sum) => sum / count);
  return [cxx, cxy, cxz, cxy, cyy, cyz, cxz, cyz, czz];
}

/**
 * Eigenvalues of a symmetric 3×3 matrix (row-major), by the cyclic Jacobi method: plane rotations
 * zero each off-diagonal element in turn until all are negligible next to the diagonal. Accurate
 * to rounding for every eigenvalue, including zero or repeated ones (flat or line-shaped ROIs).
 */
export function symmetricEigenvalues(matrix: readonly number[]): [number, number, number] {
  const a = [0, 1, 2].map((r) => [0, 1, 2].map((c) => matrix[3 * r + c]));
  for (let sweep = 0; sweep < 50; sweep++) {
    let rotated = false;
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ]) {
      const apq = a[p][q];
      if (apq === 0) continue;
      if (negligible(apq, a[p][p]) && negligible(apq, a[q][q])) {
        a[p][q] = a[q][p] = 0;
        continue;
      }
      jacobiRotation(a, p, q);
      rotated = true;
    }
    if (!rotated) break;
  }
  return [a[0][0], a[1][1], a[2][2]];
}

/** True when 100·|x| vanishes next to |diagonal| in float64 (x no longer changes the eigenvalues). */
function negligible(x: number, diagonal: number): boolean {
  return Math.abs(diagonal) + 100 * Math.abs(x) === Math.abs(diagonal);
}

/** Apply the rotation Jᵀ·a·J in the (p, q) plane that makes a[p][q] zero. */
function jacobiRotation(a: number[][], p: number, q: number): void {
  const r = 3 - p - q;
  const apq = a[p][q];
  const theta = (a[q][q] - a[p][p]) / (2 * apq);
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  a[p][p] -= t * apq;
  a[q][q] += t * apq;
  a[p][q] = a[q][p] = 0;
  const arp = a[r][p];
  const arq = a[r][q];
  a[r][p] = a[p][r] = c * arp - s * arq;
  a[r][q] = a[q][r] = s * arp + c * arq;
}
