/**
 * A CT-like phantom of one patient: a body (an elliptic cylinder of soft tissue in a ring of fat,
 * surrounded by air) holding an ellipsoid tumor with textured intensities, as seen by a scanner
 * that shifts all intensities and adds white noise. Returns the image (Int16, HU) and its mask
 * (Uint8, 1 = tumor) on the same grid: centred on the origin, identity direction.
 */
import { IDENTITY_DIRECTION, type Vec3, type Volume } from '../../imaging/volume';
import { PLANTED } from './biology';
import { boxBlur3d } from './box-blur';
import type { Random } from './random';

export interface TumorShape {
  /** Voxel index (i, j, k) of the tumor centre. */
  centerIndex: Vec3;
  semiAxesMm: Vec3;
}

export interface PhantomSpec {
  size: Vec3;
  spacing: Vec3;
  tumor: TumorShape;
  /** Mean tumor intensity before the scanner shift. */
  tumorMeanHu: number;
  /** SD of the smoothed texture noise inside the tumor. */
  textureSdHu: number;
  scannerShiftHu: number;
  scannerNoiseSdHu: number;
}

export interface Phantom {
  image: Volume<Int16Array>;
  mask: Volume<Uint8Array>;
  tumorVoxels: number;
}

/** Millimetres from the volume centre to voxel index `i` along an axis of n voxels. */
function offsetMm(i: number, n: number, spacing: number): number {
  return (i - (n - 1) / 2) * spacing;
}

/**
 * Pick a tumor of mean radius `radiusMm`: semi-axes jittered around it, centred at a random voxel
 * far enough inside the body that the tumor stays in the volume.
 */
export function placeTumor(size: Vec3, spacing: Vec3, radiusMm: number, rng: Random): TumorShape {
  const { axisJitter } = PLANTED.tumor;
  const fov = size.map((n, axis) => n * spacing[axis]);
  const semiAxesMm = [0, 1, 2].map((axis) => {
    const jittered = radiusMm * Math.min(1.3, Math.max(0.7, 1 + rng.normal(0, axisJitter)));
    // At least 1.5 voxels, so every tumor has neighbours along each axis (shape and texture need
    // more than one voxel), and never wider than the volume.
    return Math.min(Math.max(jittered, 1.5 * spacing[axis]), 0.4 * fov[axis]);
  }) as Vec3;
  const [bodyX, bodyY] = PLANTED.imaging.bodySemiAxesFraction;
  const room = [bodyX * fov[0] * 0.7, bodyY * fov[1] * 0.7, fov[2] / 2 - spacing[2]].map((r, axis) =>
    Math.max(0, r - semiAxesMm[axis]),
  );
  const centerIndex = [0, 1, 2].map((axis) => {
    const centreMm = rng.uniform(-room[axis], room[axis]);
    return Math.round(centreMm / spacing[axis] + (size[axis] - 1) / 2);
  }) as Vec3;
  return { centerIndex, semiAxesMm };
}

/** Render the image and mask of one patient. */
export function renderPhantom(spec: PhantomSpec, rng: Random): Phantom {
  const hu = anatomy(spec.size, spec.spacing);
  const tumor = tumorVoxelIndices(spec);
  const texture = smoothedNoise(spec, tumor, rng.split());
  const maskData = new Uint8Array(hu.length);
  tumor.forEach((voxel, n) => {
    maskData[voxel] = 1;
    hu[voxel] = spec.tumorMeanHu + spec.textureSdHu * texture[n];
  });
  const imageData = scan(hu, spec.scannerShiftHu, spec.scannerNoiseSdHu, rng);
  const grid = { size: spec.size, spacing: spec.spacing, origin: originOf(spec), direction: IDENTITY_DIRECTION };
  return {
    image: { data: imageData, ...copyGrid(grid) },
    mask: { data: maskData, ...copyGrid(grid) },
    tumorVoxels: tumor.length,
  };
}

function originOf({ size, spacing }: PhantomSpec): Vec3 {
  return [0, 1, 2].map((axis) => offsetMm(0, size[axis], spacing[axis])) as Vec3;
}

function copyGrid(grid: Omit<Volume, 'data'>): Omit<Volume, 'data'> {
  return {
    size: [...grid.size],
    spacing: [...grid.spacing],
    origin: [...grid.origin],
    direction: [...grid.direction],
  };
}

/** Air outside the body ellipse, fat in its outer ring, soft tissue inside (no noise yet). */
function anatomy(size: Vec3, spacing: Vec3): Float64Array {
  const [nx, ny, nz] = size;
  const { airHu, fatHu, softTissueHu, bodySemiAxesFraction, fatRingStartsAt } = PLANTED.imaging;
  const a = bodySemiAxesFraction[0] * nx * spacing[0];
  const b = bodySemiAxesFraction[1] * ny * spacing[1];
  const slice = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const r = Math.hypot(offsetMm(i, nx, spacing[0]) / a, offsetMm(j, ny, spacing[1]) / b);
      slice[i + nx * j] = r > 1 ? airHu : r > fatRingStartsAt ? fatHu : softTissueHu;
    }
  }
  const hu = new Float64Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) hu.set(slice, k * nx * ny);
  return hu;
}

/** Voxel index range [lo, hi] per axis that can hold the tumor (its bounding box, clipped). */
function tumorBox({ size, spacing, tumor }: PhantomSpec): { lo: Vec3; hi: Vec3 } {
  const reach = (axis: number) => Math.ceil(tumor.semiAxesMm[axis] / spacing[axis]);
  const lo = [0, 1, 2].map((axis) => Math.max(0, tumor.centerIndex[axis] - reach(axis))) as Vec3;
  const hi = [0, 1, 2].map((axis) => Math.min(size[axis] - 1, tumor.centerIndex[axis] + reach(axis))) as Vec3;
  return { lo, hi };
}

/** Flat indices of the voxels inside the ellipsoid Σ ((p − c) / semi-axis)² ≤ 1, in voxel order. */
function tumorVoxelIndices(spec: PhantomSpec): number[] {
  const { size, spacing, tumor } = spec;
  const { lo, hi } = tumorBox(spec);
  const inside: number[] = [];
  for (let k = lo[2]; k <= hi[2]; k++) {
    for (let j = lo[1]; j <= hi[1]; j++) {
      for (let i = lo[0]; i <= hi[0]; i++) {
        const d = [i, j, k].map(
          (index, axis) => ((index - tumor.centerIndex[axis]) * spacing[axis]) / tumor.semiAxesMm[axis],
        );
        if (d[0] * d[0] + d[1] * d[1] + d[2] * d[2] <= 1) inside.push(i + size[0] * (j + size[1] * k));
      }
    }
  }
  return inside;
}

/**
 * Unit-variance, spatially correlated noise for the given tumor voxels: white noise on the tumor
 * box plus a margin (so every tumor voxel sees a full window), box-blurred, × sqrt(window volume).
 */
function smoothedNoise(spec: PhantomSpec, tumorVoxels: number[], rng: Random): number[] {
  const radius = PLANTED.mutation.textureSmoothingRadius;
  const { lo, hi } = tumorBox(spec);
  const boxSize = [0, 1, 2].map((axis) => hi[axis] - lo[axis] + 1 + 2 * radius) as Vec3;
  const field = new Float64Array(boxSize[0] * boxSize[1] * boxSize[2]);
  for (let n = 0; n < field.length; n++) field[n] = rng.normal();
  boxBlur3d(field, boxSize, radius);
  const scale = Math.sqrt((2 * radius + 1) ** 3);
  return tumorVoxels.map((voxel) => {
    const [i, j, k] = indexToIjk(voxel, spec.size);
    const b = [i - lo[0] + radius, j - lo[1] + radius, k - lo[2] + radius];
    return scale * field[b[0] + boxSize[0] * (b[1] + boxSize[1] * b[2])];
  });
}

function indexToIjk(index: number, size: Vec3): Vec3 {
  const i = index % size[0];
  const j = Math.floor(index / size[0]) % size[1];
  return [i, j, Math.floor(index / (size[0] * size[1]))];
}

/** What the scanner stores: intensity + shift + white noise, rounded and clamped to 12-bit CT. */
function scan(hu: Float64Array, shiftHu: number, noiseSdHu: number, rng: Random): Int16Array {
  const [low, high] = PLANTED.imaging.clampHu;
  const stored = new Int16Array(hu.length);
  for (let n = 0; n < hu.length; n++) {
    const value = Math.round(hu[n] + shiftHu + rng.normal(0, noiseSdHu));
    stored[n] = Math.min(high, Math.max(low, value));
  }
  return stored;
}
