/**
 * PyRadiomics 2D shape features (radiomics/shape2D.py,
 * https://pyradiomics.readthedocs.io/en/latest/features.html#module-radiomics.shape2D), computed
 * from the mask alone, in float64 and in physical units (mm, mm²).
 *
 * PyRadiomics computes them only for a truly 2D ROI: with force2D on, the ROI must lie in a single
 * slice across `force2Ddimension` (0 = z, axial; 1 = y, coronal; 2 = x, sagittal, in PyRadiomics'
 * z, y, x axis numbering). The plane keeps the other two axes in that order: its rows (u) run along
 * the first and its columns (v) along the second, e.g. u = y, v = x for an axial slice. Like the 3D
 * class (shape.ts), the geometry uses the spacing, not the direction matrix or origin. Let
 *   A      = MeshSurface, the area enclosed by the marching-squares contour of the ROI
 *   P      = Perimeter, the length of that contour
 *   λ1 ≥ λ2 (λmajor, λminor) = eigenvalues of the covariance of the physical coordinates of the
 *            ROI pixel centres (population covariance, ÷ Np)
 *
 * The contour is PyRadiomics' own (radiomics/src/cshape.c): the slice is cropped to the ROI bounding
 * box and padded with one pixel of background on every side, a 2×2 square is marched over it, and
 * each square's segments come from the table in marching-squares-tables.ts, with vertices at the
 * midpoints of the square edges that join a pixel inside the ROI to one outside. MaximumDiameter is
 * the largest distance between those vertices. Contour sums are taken in PyRadiomics' order and
 * frame, so A and P agree with its C code to rounding.
 */
import { InvalidMaskError } from '../errors';
import type { Volume } from '../imaging/volume';
import { SEGMENTS, SEGMENT_ROW, SQUARE_CORNERS, SQUARE_EDGE_MIDPOINTS_X2 } from './marching-squares-tables';
import { axisLength, elongation } from './shape';

/** PyRadiomics' deprecated 2D shape features: computed only on request, never in the default set. */
export const DEPRECATED_SHAPE2D_FEATURES = ['SphericalDisproportion'] as const;

export interface Shape2DOptions {
  /** The out-of-plane axis, PyRadiomics numbering: 0 = z (axial, default), 1 = y, 2 = x. */
  force2Ddimension?: number;
  /** URI of the mask file, named in error messages. */
  maskUri?: string;
  /** Also return SphericalDisproportion (default true, as the 3D class returns its deprecated ones). */
  includeDeprecated?: boolean;
}

const AXIS_NAMES = ['z', 'y', 'x'];

/**
 * The 2D shape features of the ROI `mask == label`, by PyRadiomics name. Throws InvalidMaskError
 * when the label is absent, covers a single pixel (PyRadiomics refuses to extract features from a
 * single voxel), or spans more than one slice across `force2Ddimension`.
 */
export function shape2DFeatures(mask: Volume, label: number, options: Shape2DOptions = {}): Record<string, number> {
  const roi = paddedSlice(mask, label, options.force2Ddimension ?? 0, options.maskUri);
  const { perimeter: P, surface: A } = contourPerimeterAndSurface(roi);
  const [minor, major] = principalMoments2D(roi);
  const features: Record<string, number> = {
    Elongation: elongation(minor, major),
    MajorAxisLength: axisLength(major),
    MaximumDiameter: maximumDiameter(contourVertices(roi), roi.spacing),
    MeshSurface: A,
    MinorAxisLength: axisLength(minor),
    Perimeter: P,
    PerimeterSurfaceRatio: perimeterSurfaceRatio(P, A),
    PixelSurface: pixelSurface(roi.count, roi.spacing),
    Sphericity: sphericity2D(P, A),
  };
  if (options.includeDeprecated ?? true) features.SphericalDisproportion = sphericalDisproportion2D(P, A);
  return features;
}

// ---------------------------------------------------------------------------------------------
// Features from A, P and the pixel count (axis lengths and Elongation: see shape.ts)
// ---------------------------------------------------------------------------------------------

/** PixelSurface = Np · Δu · Δv */
export function pixelSurface(count: number, spacing: readonly [number, number]): number {
  return count * (spacing[1] * spacing[0]);
}

/** PerimeterSurfaceRatio = P / A */
export function perimeterSurfaceRatio(P: number, A: number): number {
  return P / A;
}

/** Sphericity = 2√(πA) / P (perimeter of the circle of area A over P) */
export function sphericity2D(P: number, A: number): number {
  return (2 * Math.sqrt(Math.PI * A)) / P;
}

/** SphericalDisproportion = P / (2√(πA)) = 1 / Sphericity (deprecated) */
export function sphericalDisproportion2D(P: number, A: number): number {
  return 1 / sphericity2D(P, A);
}

// ---------------------------------------------------------------------------------------------
// The ROI: its bounding box in the plane, grown by one pixel of background on every side
// ---------------------------------------------------------------------------------------------

/**
 * The ROI as a binary image over its in-plane bounding box grown by one pixel of background on
 * every side, v (column) fastest: the array PyRadiomics' shape2D class works on (the mask cropped to
 * the ROI bounding box, the out-of-plane axis dropped, then padded with one pixel). Contour and pixel
 * coordinates are taken in this frame, with local pixel (0, 0) at the origin, as PyRadiomics does.
 */
export interface PaddedSlice {
  inside: Uint8Array;
  /** [rows (u), columns (v)] */
  size: [number, number];
  /** [Δu, Δv] in mm */
  spacing: [number, number];
  /** Number of ROI pixels, Np. */
  count: number;
}

/**
 * The PaddedSlice of `mask == label` across `force2Ddimension`; InvalidMaskError when the label is
 * absent, covers one pixel, or spans more than one slice.
 */
export function paddedSlice(mask: Volume, label: number, force2Ddimension: number, maskUri?: string): PaddedSlice {
  if (![0, 1, 2].includes(force2Ddimension)) {
    throw new RangeError(`force2Ddimension must be 0, 1 or 2, got ${force2Ddimension}`);
  }
  // Volume axes are x, y, z (index 0, 1, 2); PyRadiomics numbers them z, y, x.
  const outOfPlane = 2 - force2Ddimension;
  const [uAxis, vAxis] = [0, 1, 2].filter((axis) => axis !== outOfPlane).reverse();
  const [nx, ny, nz] = mask.size;
  const lower = [nx, ny, nz];
  const upper = [-1, -1, -1];
  let count = 0;
  for (let k = 0, n = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, n++) {
        if (mask.data[n] !== label) continue;
        count++;
        const index = [i, j, k];
        for (let axis = 0; axis < 3; axis++) {
          if (index[axis] < lower[axis]) lower[axis] = index[axis];
          if (index[axis] > upper[axis]) upper[axis] = index[axis];
        }
      }
    }
  }
  const name = maskUri ?? 'mask';
  if (count === 0) throw new InvalidMaskError(`${name}: label ${label} is absent from the mask`, maskUri);
  if (count === 1) {
    const message = `${name}: label ${label} covers a single pixel; shape features need at least two (as PyRadiomics)`;
    throw new InvalidMaskError(message, maskUri);
  }
  const slices = upper[outOfPlane] - lower[outOfPlane] + 1;
  if (slices > 1) {
    const axis = AXIS_NAMES[force2Ddimension];
    const message =
      `${name}: label ${label} spans ${slices} slices along ${axis} (force2Ddimension ${force2Ddimension}); ` +
      '2D shape features need the ROI in a single slice (as PyRadiomics)';
    throw new InvalidMaskError(message, maskUri);
  }

  const rows = upper[uAxis] - lower[uAxis] + 3;
  const columns = upper[vAxis] - lower[vAxis] + 3;
  const inside = new Uint8Array(rows * columns);
  const strides = [1, nx, nx * ny];
  const first = lower[0] + nx * (lower[1] + ny * lower[2]);
  for (let r = 0; r < rows - 2; r++) {
    for (let c = 0; c < columns - 2; c++) {
      const n = first + r * strides[uAxis] + c * strides[vAxis];
      inside[(r + 1) * columns + c + 1] = mask.data[n] === label ? 1 : 0;
    }
  }
  return { inside, size: [rows, columns], spacing: [mask.spacing[uAxis], mask.spacing[vAxis]], count };
}

// ---------------------------------------------------------------------------------------------
// Contour: perimeter and enclosed surface
// ---------------------------------------------------------------------------------------------

/**
 * Perimeter P and enclosed surface A of the marching-squares contour.
 *   P = Σ |b − a|                 over the segments (a, b)
 *   A = ½ Σ (a_u b_v − b_u a_v)   signed triangles against the origin; the contour runs with the ROI
 *                                 on its left, so the sum is the enclosed area
 * Points are (u, v) and the terms are summed in PyRadiomics' order (squares by row, then column;
 * segments in table order), as its C code sums them.
 */
export function contourPerimeterAndSurface(roi: PaddedSlice): { perimeter: number; surface: number } {
  const [rows, columns] = roi.size;
  const [su, sv] = roi.spacing;
  const cornerSteps = SQUARE_CORNERS.map(([du, dv]) => du * columns + dv);
  let perimeter = 0;
  let surface2 = 0;
  for (let r = 0; r < rows - 1; r++) {
    for (let c = 0; c < columns - 1; c++) {
      const base = r * columns + c;
      let square = 0;
      for (let k = 0; k < 4; k++) if (roi.inside[base + cornerSteps[k]]) square |= 1 << k;
      for (let t = square * SEGMENT_ROW; SEGMENTS[t] >= 0; t += 2) {
        const [au, av] = edgeMidpoint(r, c, SEGMENTS[t], su, sv);
        const [bu, bv] = edgeMidpoint(r, c, SEGMENTS[t + 1], su, sv);
        surface2 += au * bv - bu * av;
        const du = au - bu;
        const dv = av - bv;
        perimeter += Math.sqrt(du * du + dv * dv);
      }
    }
  }
  return { perimeter, surface: surface2 / 2 };
}

/** Physical (u, v) position of the midpoint of edge `e` of the square at local pixel (r, c). */
function edgeMidpoint(r: number, c: number, e: number, su: number, sv: number): [number, number] {
  return [(r + SQUARE_EDGE_MIDPOINTS_X2[2 * e] / 2) * su, (c + SQUARE_EDGE_MIDPOINTS_X2[2 * e + 1] / 2) * sv];
}

// ---------------------------------------------------------------------------------------------
// Contour: maximum diameter
// ---------------------------------------------------------------------------------------------

/**
 * The contour vertices: one at the midpoint of every pair of edge-neighbouring pixels with one
 * inside the ROI and one outside (the same set PyRadiomics collects). Returned as doubled local
 * pixel coordinates (2u, 2v) per vertex, integers, so that a vertex lies at (u/2·Δu, v/2·Δv).
 */
export function contourVertices(roi: PaddedSlice): Int32Array {
  const [rows, columns] = roi.size;
  const out: number[] = [];
  for (let r = 1; r < rows - 1; r++) {
    for (let c = 1; c < columns - 1; c++) {
      const n = r * columns + c;
      if (!roi.inside[n]) continue;
      if (!roi.inside[n - columns]) out.push(2 * r - 1, 2 * c);
      if (!roi.inside[n + columns]) out.push(2 * r + 1, 2 * c);
      if (!roi.inside[n - 1]) out.push(2 * r, 2 * c - 1);
      if (!roi.inside[n + 1]) out.push(2 * r, 2 * c + 1);
    }
  }
  return Int32Array.from(out);
}

/**
 * MaximumDiameter: the largest Euclidean distance between contour vertices (as `contourVertices`
 * gives them), as PyRadiomics' all-pairs search finds it, but searching only the vertices of their
 * convex hull, where a farthest pair always lies. The hull is found on the integer coordinates
 * (exact; scaling the axes by the spacing keeps it the hull).
 */
export function maximumDiameter(vertices: Int32Array, spacing: readonly [number, number]): number {
  const count = vertices.length / 2;
  const order = Array.from({ length: count }, (_, n) => n).sort(
    (a, b) => vertices[2 * a] - vertices[2 * b] || vertices[2 * a + 1] - vertices[2 * b + 1],
  );
  const hull = convexHull(order, vertices);
  const physical = hull.map((n) => [(vertices[2 * n] / 2) * spacing[0], (vertices[2 * n + 1] / 2) * spacing[1]]);
  let maximum = 0;
  for (let a = 1; a < physical.length; a++) {
    for (let b = 0; b < a; b++) {
      const du = physical[a][0] - physical[b][0];
      const dv = physical[a][1] - physical[b][1];
      const squared = du * du + dv * dv;
      if (squared > maximum) maximum = squared;
    }
  }
  return Math.sqrt(maximum);
}

/**
 * Vertices of the convex hull (extreme points only) of the points `sorted` (ascending by u, then
 * v; point n at vertices[2n], vertices[2n + 1]), by Andrew's monotone chain.
 */
function convexHull(sorted: number[], vertices: Int32Array): number[] {
  if (sorted.length < 3) return sorted;
  const turn = (o: number, a: number, b: number) =>
    (vertices[2 * a] - vertices[2 * o]) * (vertices[2 * b + 1] - vertices[2 * o + 1]) -
    (vertices[2 * a + 1] - vertices[2 * o + 1]) * (vertices[2 * b] - vertices[2 * o]);
  const chain = (points: number[]): number[] => {
    const stack: number[] = [];
    for (const p of points) {
      while (stack.length >= 2 && turn(stack[stack.length - 2], stack[stack.length - 1], p) <= 0) stack.pop();
      stack.push(p);
    }
    stack.pop(); // the last point starts the other chain
    return stack;
  };
  return [...chain(sorted), ...chain([...sorted].reverse())];
}

// ---------------------------------------------------------------------------------------------
// Principal component analysis of the pixel centres
// ---------------------------------------------------------------------------------------------

/**
 * Eigenvalues [λminor, λmajor] (ascending) of the population covariance
 *   C = 1/Np Σ (r − r̄)(r − r̄)ᵀ,   r = (u·Δu, v·Δv) over the ROI pixels,
 * in closed form: λ = m ± √(d² + c_uv²) with m = (c_uu + c_vv)/2, d = (c_uu − c_vv)/2. The centre
 * r̄ is taken in pixel indices (an integer sum ÷ Np), so a line-shaped ROI gets an exact zero
 * λminor. C is positive semi-definite, so a negative eigenvalue can only be rounding and is set to 0
 * (PyRadiomics does the same for values above −1e-10).
 */
export function principalMoments2D(roi: PaddedSlice): [number, number] {
  const [rows, columns] = roi.size;
  let sumU = 0;
  let sumV = 0;
  for (let r = 0, n = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++, n++) {
      if (!roi.inside[n]) continue;
      sumU += r;
      sumV += c;
    }
  }
  const [cu, cv] = [sumU / roi.count, sumV / roi.count];
  const [su, sv] = roi.spacing;
  let uu = 0;
  let uv = 0;
  let vv = 0;
  for (let r = 0, n = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++, n++) {
      if (!roi.inside[n]) continue;
      const u = (r - cu) * su;
      const v = (c - cv) * sv;
      uu += u * u;
      uv += u * v;
      vv += v * v;
    }
  }
  [uu, uv, vv] = [uu / roi.count, uv / roi.count, vv / roi.count];
  const mean = (uu + vv) / 2;
  const radius = Math.hypot((uu - vv) / 2, uv);
  return [Math.max(0, mean - radius), mean + radius];
}
