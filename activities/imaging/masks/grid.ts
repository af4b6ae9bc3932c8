/**
 * Geometry helpers shared by the mask readers: a voxel grid (a Volume without voxels) and the map
 * from LPS patient coordinates to continuous voxel indices, through the inverse of the direction.
 */
import type { Mat3, Vec3, Volume } from '../volume';

/** The geometry of a Volume: where its voxels are, not what they hold. */
export type Grid = Pick<Volume, 'size' | 'spacing' | 'origin' | 'direction'>;

/** Continuous voxel index (i, j, k) of an LPS point: spacing⁻¹ · direction⁻¹ · (p − origin). */
export function toContinuousIndex(grid: Grid, inverseDirection: Mat3, point: readonly number[]): Vec3 {
  const d = [point[0] - grid.origin[0], point[1] - grid.origin[1], point[2] - grid.origin[2]];
  const m = inverseDirection;
  return [
    (m[0] * d[0] + m[1] * d[1] + m[2] * d[2]) / grid.spacing[0],
    (m[3] * d[0] + m[4] * d[1] + m[5] * d[2]) / grid.spacing[1],
    (m[6] * d[0] + m[7] * d[1] + m[8] * d[2]) / grid.spacing[2],
  ];
}

/** Inverse of a row-major 3×3 matrix; throws on a singular one. */
export function invert3(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (Math.abs(det) < 1e-12) throw new Error('direction matrix is singular');
  return [
    (e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
    (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
    (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det,
  ];
}

/** The direction matrix whose columns are the row, column and normal directions of DICOM slices. */
export function directionFromOrientation(orientation: readonly number[]): Mat3 {
  const row = orientation.slice(0, 3);
  const column = orientation.slice(3, 6);
  const normal = cross(row, column);
  return [row[0], column[0], normal[0], row[1], column[1], normal[1], row[2], column[2], normal[2]];
}

export function cross(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function dot(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** Voxel counts per label value (as a plain object, keys in increasing label order). */
export function labelCounts(data: ArrayLike<number>): Record<string, number> {
  const counts = new Map<number, number>();
  for (let p = 0; p < data.length; p++) counts.set(data[p], (counts.get(data[p]) ?? 0) + 1);
  return Object.fromEntries([...counts.entries()].sort((x, y) => x[0] - y[0]).map(([label, count]) => [String(label), count]));
}
