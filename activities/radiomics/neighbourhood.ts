/**
 * The neighbourhood GLSZM, GLDM and NGTDM look at around a voxel of a TextureInput: every offset
 * of textureAngles in both directions (26 neighbours at distance 1 in 3D, 8 in-plane with force2D),
 * as flat arrays so the per-voxel loops allocate nothing.
 */
import type { Vec3 } from '../imaging/volume';
import { textureAngles } from './angles';

export interface Neighbourhood {
  /** Number of offsets. */
  count: number;
  /** Offset a along x, y and z. */
  dx: Int32Array;
  dy: Int32Array;
  dz: Int32Array;
  /** Offset a in the flat box index: dx + nx · (dy + ny · dz). */
  step: Int32Array;
}

export interface NeighbourhoodOptions {
  /** Infinity-norm distances of the neighbours (PyRadiomics `distances`). */
  distances: number[];
  force2D: boolean;
  /** Out-of-plane axis for force2D: 0 = z, 1 = y, 2 = x (PyRadiomics order). */
  force2Ddimension: number;
}

/** All neighbour offsets, both directions, in PyRadiomics' angle order, for a box of `size`. */
export function neighbourhood(size: Vec3, options: NeighbourhoodOptions): Neighbourhood {
  const offsets = textureAngles(size, {
    distances: options.distances,
    force2Ddimension: options.force2D ? options.force2Ddimension : undefined,
    bidirectional: true,
  });
  const count = offsets.length;
  const result: Neighbourhood = {
    count,
    dx: new Int32Array(count),
    dy: new Int32Array(count),
    dz: new Int32Array(count),
    step: new Int32Array(count),
  };
  offsets.forEach(([dx, dy, dz], a) => {
    result.dx[a] = dx;
    result.dy[a] = dy;
    result.dz[a] = dz;
    result.step[a] = dx + size[0] * (dy + size[1] * dz);
  });
  return result;
}

/** The flat index offsets of the neighbourhood's offsets in a volume of size `size` (e.g. a padded box). */
export function neighbourSteps(neighbours: Neighbourhood, size: readonly number[]): Int32Array {
  return neighbours.dx.map((dx, a) => dx + size[0] * (neighbours.dy[a] + size[1] * neighbours.dz[a]));
}
