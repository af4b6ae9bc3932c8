/**
 * Neighbour offsets ("angles") of the texture matrices, generated as PyRadiomics generates them
 * (radiomics/src/cmatrices.c build_angles), so per-angle matrices come in the same order.
 *
 * PyRadiomics indexes arrays (z, y, x). Offsets of each axis run from +d down to −d, z slowest;
 * an offset is kept when it is not all zero, fits inside the box, does not move along the
 * force2D axis, and its largest component (infinity norm) is one of the requested distances.
 * Without `bidirectional` only the first half is kept: the other half mirrors it.
 */
import type { Vec3 } from '../imaging/volume';

/** An offset in voxels along x, y and z. */
export type Offset = Vec3;

export interface AngleOptions {
  /** Infinity-norm distances (PyRadiomics `distances`, default [1]). */
  distances?: number[];
  /** PyRadiomics `force2Ddimension` when force2D is on: 0 = z (axial), 1 = y (coronal), 2 = x (sagittal). */
  force2Ddimension?: number;
  bidirectional?: boolean;
}

/** The offsets for a box of `size` (x, y, z), in PyRadiomics' order. */
export function textureAngles(size: Vec3, options: AngleOptions = {}): Offset[] {
  const distances = options.distances ?? [1];
  const maxDistance = Math.max(...distances);
  const zyxSize = [size[2], size[1], size[0]];
  const span = 2 * maxDistance + 1;
  const all: Offset[] = [];
  for (let n = 0; n < span ** 3; n++) {
    // Offsets of z, y, x for combination n: z changes slowest, each from +maxDistance down.
    const zyx = [Math.floor(n / span ** 2), Math.floor(n / span), n].map((q) => maxDistance - (q % span));
    const valid = zyx.every(
      (offset, axis) => !(axis === options.force2Ddimension && offset !== 0) && Math.abs(offset) < zyxSize[axis],
    );
    const norm = Math.max(...zyx.map(Math.abs));
    if (valid && norm >= 1 && distances.includes(norm)) all.push([zyx[2], zyx[1], zyx[0]]);
  }
  return options.bidirectional ? all : all.slice(0, all.length / 2);
}
