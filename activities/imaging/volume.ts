/**
 * A 3D image on a physical grid, as DICOM and ITK see it (LPS patient coordinates).
 * Voxel (i, j, k) sits at index i + size[0] * (j + size[1] * k): x fastest.
 * Its physical position is origin + direction · (spacing ⊙ [i, j, k]), where `direction`
 * is a row-major 3×3 matrix whose columns are the unit vectors of the i, j and k axes.
 * A mask is a Volume of integer labels on the same grid as its image.
 */
export type VoxelArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

export type Vec3 = [number, number, number];
/** Row-major 3×3 matrix: [m00, m01, m02, m10, m11, m12, m20, m21, m22]. */
export type Mat3 = [number, number, number, number, number, number, number, number, number];

export interface Volume<T extends VoxelArray = VoxelArray> {
  data: T;
  size: Vec3;
  spacing: Vec3;
  origin: Vec3;
  direction: Mat3;
}

export const IDENTITY_DIRECTION: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function voxelCount(size: Vec3): number {
  return size[0] * size[1] * size[2];
}

/** True when two volumes share size, spacing, origin and direction (to `tolerance`). */
export function sameGrid(a: Volume, b: Volume, tolerance = 1e-6): boolean {
  const close = (x: readonly number[], y: readonly number[]) =>
    x.length === y.length && x.every((v, i) => Math.abs(v - y[i]) <= tolerance * Math.max(1, Math.abs(v)));
  return (
    a.size.every((v, i) => v === b.size[i]) &&
    close(a.spacing, b.spacing) &&
    close(a.origin, b.origin) &&
    close(a.direction, b.direction)
  );
}

/**
 * The same image on a right-handed grid: when the k axis points against (i axis × j axis), as in
 * some NRRD/NIfTI files, the slices are reversed, the origin moves to the last slice and the k
 * column of the direction flips. DICOM stores slices along the normal, so its writers need this.
 */
export function withRightHandedSlices<T extends VoxelArray>(volume: Volume<T>): Volume<T> {
  const d = volume.direction;
  const normal = [d[3] * d[7] - d[6] * d[4], d[6] * d[1] - d[0] * d[7], d[0] * d[4] - d[3] * d[1]];
  const kAxis = [d[2], d[5], d[8]];
  if (normal[0] * kAxis[0] + normal[1] * kAxis[1] + normal[2] * kAxis[2] >= 0) return volume;
  const [nx, ny, nz] = volume.size;
  const slice = nx * ny;
  const data = volume.data.slice() as T;
  for (let k = 0; k < nz; k++) data.set(volume.data.subarray((nz - 1 - k) * slice, (nz - k) * slice), k * slice);
  const last = (nz - 1) * volume.spacing[2];
  const origin: Vec3 = [volume.origin[0] + kAxis[0] * last, volume.origin[1] + kAxis[1] * last, volume.origin[2] + kAxis[2] * last];
  const direction: Mat3 = [d[0], d[1], 0 - d[2], d[3], d[4], 0 - d[5], d[6], d[7], 0 - d[8]]; // 0 - x: never -0
  return { ...volume, data, origin, direction };
}
