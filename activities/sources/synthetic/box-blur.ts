/**
 * Separable 3D box blur: the mean over a (2r+1)³ window, done as three 1D running means
 * (x, then y, then z), so the cost is O(voxels) whatever the radius.
 * Near the edges the window is cut to the voxels that exist.
 */
import type { Vec3 } from '../../imaging/volume';

/** Blur `field` (x fastest, dimensions `size`) in place with window radius `radius` voxels. */
export function boxBlur3d(field: Float64Array, size: Vec3, radius: number): void {
  const [nx, ny, nz] = size;
  const line = new Float64Array(Math.max(nx, ny, nz));
  // Each axis: the stride between neighbours, the line length, and where each line starts.
  const axes: { stride: number; length: number; starts: number[] }[] = [
    { stride: 1, length: nx, starts: lineStarts(ny * nz, (m) => m * nx) },
    { stride: nx, length: ny, starts: lineStarts(nx * nz, (m) => (m % nx) + Math.floor(m / nx) * nx * ny) },
    { stride: nx * ny, length: nz, starts: lineStarts(nx * ny, (m) => m) },
  ];
  for (const { stride, length, starts } of axes) {
    for (const start of starts) blurLine(field, start, stride, length, radius, line);
  }
}

function lineStarts(count: number, startOf: (m: number) => number): number[] {
  return Array.from({ length: count }, (_, m) => startOf(m));
}

/** Replace one line of `field` by its running mean over [i − r, i + r] ∩ [0, length). */
function blurLine(
  field: Float64Array,
  start: number,
  stride: number,
  length: number,
  radius: number,
  line: Float64Array,
): void {
  for (let i = 0; i < length; i++) line[i] = field[start + i * stride];
  let sum = 0;
  let lo = 0; // window is [lo, hi)
  let hi = 0;
  for (let i = 0; i < length; i++) {
    const wantLo = Math.max(0, i - radius);
    const wantHi = Math.min(length, i + radius + 1);
    while (hi < wantHi) sum += line[hi++];
    while (lo < wantLo) sum -= line[lo++];
    field[start + i * stride] = sum / (hi - lo);
  }
}
