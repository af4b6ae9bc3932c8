/**
 * Resampling to a new voxel spacing, as PyRadiomics does it (radiomics.imageoperations.resampleImage,
 * settings resampledPixelSpacing, interpolator, padDistance) with SimpleITK's ResampleImageFilter:
 *
 *   1. the target spacing: resampledPixelSpacing, where 0 keeps the mask's spacing, and the mask's
 *      spacing along every axis the ROI spans a single voxel of (targetSpacing)
 *   2. when that equals the image's spacing (numpy.allclose), nothing is interpolated: image and mask
 *      are only cropped to the ROI's bounding box ± padDistance (cropToTumorMask)
 *   3. otherwise the new grid (resamplingGrid): corner-aligned to the original mask grid (the corner of
 *      its first voxel is the corner of the original first voxel), with the mask's direction, and
 *      covering only the ROI's bounding box ± padDistance new voxels, clipped to the original extent
 *   4. the image is resampled onto it with the chosen interpolator and keeps its pixel type (values are
 *      clamped to the type's range and truncated towards zero, as ITK's static_cast); the mask with
 *      nearest neighbour. Points outside the original image (beyond half a voxel from its outer voxel
 *      centres) get 0, ResampleImageFilter's default pixel value.
 *
 * The interpolators are ITK's, reproduced operation for operation so values agree with SimpleITK to
 * rounding: NearestNeighborInterpolateImageFunction (round half up), LinearInterpolateImageFunction
 * (x, then y, then z) and BSplineInterpolateImageFunction of order 3 (sitkBSpline), whose coefficients
 * come from BSplineDecompositionImageFilter (Unser's recursive prefilter, mirror boundaries, along whole
 * image lines of x, then y, then z; only the coefficients the new grid needs are kept). On the
 * PyRadiomics test images the voxels equal SimpleITK 2.5's to the last bit.
 *
 * In PyRadiomics' order (featureextractor.loadImage) this runs after normalization and before the
 * mask checks, resegmentation, shape and every image type; with resampling, preCrop does not apply
 * (the resampled image is already cropped).
 */
import { InvalidMaskError, InvalidSettingsError } from '../errors';
import type { Mat3, Vec3, Volume, VoxelArray } from '../imaging/volume';
import { cropVolume, labelBoundingBox, padBox, type IndexBox } from './filters/crop';
import type { RoiSources } from './roi';

/** The interpolators PyRadiomics' params schema accepts: SimpleITK names, or the numbers 1..10 (SimpleITK 1.x's enum). */
export const SITK_INTERPOLATORS: Record<string, number> = {
  sitkNearestNeighbor: 1,
  sitkLinear: 2,
  sitkBSpline: 3,
  sitkGaussian: 4,
  sitkLabelGaussian: 5,
  sitkHammingWindowedSinc: 6,
  sitkCosineWindowedSinc: 7,
  sitkWelchWindowedSinc: 8,
  sitkLanczosWindowedSinc: 9,
  sitkBlackmanWindowedSinc: 10,
};
/** The interpolators this engine reproduces. */
export const INTERPOLATORS = ['sitkNearestNeighbor', 'sitkLinear', 'sitkBSpline'] as const;
export type Interpolator = (typeof INTERPOLATORS)[number];

/** A voxel grid without its data. */
export type Grid = Omit<Volume, 'data'>;

export interface ResampleSettings {
  /** Target spacing in mm per axis (x, y, z); 0 keeps the mask's spacing along that axis. */
  resampledPixelSpacing: readonly number[];
  interpolator: Interpolator;
  /** New voxels kept around the ROI's bounding box. */
  padDistance: number;
  label: number;
}

/**
 * The interpolator a setting names: a SimpleITK name, or the enum value 1 or 2 that PyRadiomics also
 * accepts; undefined when it is not one this engine reproduces (see interpolatorProblem).
 */
export function interpolatorNamed(value: unknown): Interpolator | undefined {
  const name = value === 1 || value === 2 ? INTERPOLATORS[value - 1] : value;
  return (INTERPOLATORS as readonly unknown[]).includes(name) ? (name as Interpolator) : undefined;
}

/** Why `value` is refused as an interpolator, naming it. */
export function interpolatorProblem(value: unknown): string {
  const known = typeof value === 'string' ? value in SITK_INTERPOLATORS : Object.values(SITK_INTERPOLATORS).includes(value as number);
  const why = known ? 'is not implemented yet' : 'is not an interpolator PyRadiomics accepts';
  return `interpolator ${JSON.stringify(value)} ${why} (implemented: ${INTERPOLATORS.join(', ')}, or 1 and 2 for the first two)`;
}

/**
 * PyRadiomics' resampleImage: image and mask (on the same grid) resampled to the target spacing and
 * cropped to the ROI's bounding box ± padDistance on the new grid (see the module comment).
 * Throws InvalidMaskError, naming the mask, when the label is absent.
 */
export function resampleImageAndMask<I extends VoxelArray, M extends VoxelArray>(
  image: Volume<I>,
  mask: Volume<M>,
  settings: ResampleSettings,
  sources: RoiSources = {},
): { image: Volume<I>; mask: Volume<M> } {
  const box = labelBoundingBox(mask, settings.label);
  if (!box) throw new InvalidMaskError(`${sources.maskUri ?? 'mask'}: label ${settings.label} is absent from the mask`, sources.maskUri);
  const spacing = targetSpacing(settings.resampledPixelSpacing, mask.spacing, box);
  if (spacingsClose(image.spacing, spacing)) {
    const kept = padBox(box, settings.padDistance, mask.size);
    return { image: cropVolume(image, kept), mask: cropVolume(mask, kept) };
  }
  const grid = resamplingGrid(mask, box, spacing, settings.padDistance);
  return { image: resampleVolume(image, grid, settings.interpolator), mask: resampleVolume(mask, grid, 'sitkNearestNeighbor') };
}

/**
 * Step 1: the spacing to resample to: `requested`, with 0 replaced by the mask's spacing, and the
 * mask's spacing kept along every axis where the ROI's bounding box is one voxel wide.
 */
export function targetSpacing(requested: readonly number[], maskSpacing: Vec3, box: IndexBox): Vec3 {
  if (requested.length !== 3) {
    throw new InvalidSettingsError(`resampledPixelSpacing needs 3 values (x, y, z), got ${requested.length}`);
  }
  return maskSpacing.map((m, a) => (box.upper[a] === box.lower[a] || requested[a] === 0 ? m : requested[a])) as Vec3;
}

/** numpy.allclose(a, b): |a − b| ≤ 1e-8 + 1e-5·|b| along every axis. */
export function spacingsClose(a: Vec3, b: Vec3): boolean {
  return a.every((v, i) => Math.abs(v - b[i]) <= 1e-8 + 1e-5 * Math.abs(b[i]));
}

/**
 * Step 3: the resampled grid, with numpy's operations in PyRadiomics' order. With r = old / new
 * spacing, the kept new indices are floor((lower − ½)·r − pad) .. ceil((upper + ½)·r + pad), clipped to
 * 0 .. ceil(size·r) − 1; the first kept voxel's centre is at old continuous index
 * ½·(new − old)/old + first/r (corner-aligned grid), mapped to a point with the mask's geometry.
 */
export function resamplingGrid(mask: Grid, box: IndexBox, spacing: Vec3, padDistance: number): Grid {
  const ratio = mask.spacing.map((m, a) => m / spacing[a]);
  const originIndex = [0, 0, 0] as Vec3;
  const size = [0, 0, 0] as Vec3;
  for (let a = 0; a < 3; a++) {
    const lower = Math.max(Math.floor((box.lower[a] - 0.5) * ratio[a] - padDistance), 0);
    const upper = Math.min(Math.ceil((box.upper[a] + 1 - 0.5) * ratio[a] + padDistance), Math.ceil(mask.size[a] * ratio[a]) - 1);
    size[a] = upper - lower + 1;
    originIndex[a] = (0.5 * (spacing[a] - mask.spacing[a])) / mask.spacing[a] + lower / ratio[a];
  }
  return {
    size,
    spacing: [...spacing],
    origin: continuousIndexToPoint(mask, originIndex),
    direction: [...mask.direction],
  };
}

/** A typed-array constructor: the pixel type of a resampled volume. */
export type PixelType<T extends VoxelArray> = new (length: number) => T;

/**
 * Step 4: `volume` resampled onto `grid` (ITK's ResampleImageFilter with the identity transform and
 * default pixel value 0), in the volume's own pixel type unless `pixelType` names another.
 */
export function resampleVolume<T extends VoxelArray, O extends VoxelArray = T>(
  volume: Volume<T>,
  grid: Grid,
  interpolator: Interpolator,
  pixelType: PixelType<O> = volume.data.constructor as PixelType<O>,
): Volume<O> {
  const sample = SAMPLERS[interpolator](volume, grid);
  const [nx, ny, nz] = grid.size;
  const data = new pixelType(nx * ny * nz);
  const cast = pixelCast(data);
  const toInput = (index: Vec3) => pointToContinuousIndex(volume, indexToPoint(grid, index));
  const [sx, sy, sz] = volume.size;
  const inside = (x: number, y: number, z: number) => x >= -0.5 && x < sx - 0.5 && y >= -0.5 && y < sy - 0.5 && z >= -0.5 && z < sz - 0.5;
  let v = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      // ITK's LinearThreadedGenerateData: each scan line is traced between the input positions of its
      // output indices 0 and nx, and every voxel interpolated along it.
      const start = toInput([0, j, k]);
      const end = toInput([nx, j, k]);
      const step = [end[0] - start[0], end[1] - start[1], end[2] - start[2]];
      for (let i = 0; i < nx; i++, v++) {
        const alpha = i / nx;
        const x = start[0] + alpha * step[0];
        const y = start[1] + alpha * step[1];
        const z = start[2] + alpha * step[2];
        data[v] = inside(x, y, z) ? cast(sample(x, y, z)) : 0;
      }
    }
  }
  return { data, size: [...grid.size], spacing: [...grid.spacing], origin: [...grid.origin], direction: [...grid.direction] };
}

/** The value at a continuous index (x, y, z) inside the image (within half a voxel of its outer voxel centres). */
type Sampler = (x: number, y: number, z: number) => number;

const SAMPLERS: Record<Interpolator, (volume: Volume, grid: Grid) => Sampler> = {
  sitkNearestNeighbor: nearestNeighbourSampler,
  sitkLinear: linearSampler,
  sitkBSpline: (volume, grid) => bsplineSampler(volume, bsplineSupport(volume, grid)),
};

/** NearestNeighborInterpolateImageFunction: the voxel at the index rounded half up. */
export function nearestNeighbourSampler(volume: Volume): Sampler {
  const [nx, ny] = volume.size;
  const round = (x: number) => Math.floor(x + 0.5);
  return (x, y, z) => volume.data[round(x) + nx * (round(y) + ny * round(z))];
}

/**
 * LinearInterpolateImageFunction (its 3-D EvaluateOptimized): from the voxel at floor(index) (at least
 * 0), lerp a + (b − a)·d along x, then y, then z, skipping an axis where the distance d is ≤ 0 or the
 * next voxel is past the image's end.
 */
export function linearSampler(volume: Volume): Sampler {
  const { data, size } = volume;
  const stride = [1, size[0], size[0] * size[1]];
  const d = [0, 0, 0];
  const step = [0, 0, 0];
  return (x, y, z) => {
    const position = [x, y, z];
    let offset = 0;
    for (let a = 0; a < 3; a++) {
      const base = Math.max(Math.floor(position[a]), 0);
      d[a] = position[a] - base;
      step[a] = d[a] > 0 && base + 1 <= size[a] - 1 ? stride[a] : 0;
      offset += base * stride[a];
    }
    const lerp = (v0: number, v1: () => number, a: number) => (step[a] === 0 ? v0 : v0 + (v1() - v0) * d[a]);
    const alongX = (o: number) => lerp(data[o], () => data[o + step[0]], 0);
    const alongY = (o: number) => lerp(alongX(o), () => alongX(o + step[1]), 1);
    return lerp(alongY(offset), () => alongY(offset + step[2]), 2);
  };
}

/**
 * BSplineInterpolateImageFunction of order 3: Σ w_x·w_y·w_z·c over the 4×4×4 coefficients around the
 * point (x fastest), cubic B-spline weights, indices mirrored at the image's edges. Only the
 * coefficients within `support` (default: the whole image) are computed; every point sampled must
 * need no others (bsplineSupport).
 */
export function bsplineSampler(volume: Volume, support: IndexBox = wholeBox(volume.size)): Sampler {
  const coefficients = bsplineCoefficients(volume, support);
  const width = [0, 1, 2].map((a) => support.upper[a] - support.lower[a] + 1);
  const stride = [1, width[0], width[0] * width[1]];
  const weights = [new Float64Array(4), new Float64Array(4), new Float64Array(4)];
  const offsets = [new Int32Array(4), new Int32Array(4), new Int32Array(4)];
  return (x, y, z) => {
    const position = [x, y, z];
    for (let a = 0; a < 3; a++) {
      const first = supportStart(position[a]);
      cubicWeights(position[a] - (first + 1), weights[a]);
      for (let k = 0; k < 4; k++) {
        const index = mirrorIndex(first + k, volume.size[a]);
        if (index < support.lower[a] || index > support.upper[a]) throw new Error(`B-spline sample at ${position} needs coefficients outside its support`);
        offsets[a][k] = (index - support.lower[a]) * stride[a];
      }
    }
    const [wx, wy, wz] = weights;
    const [ox, oy, oz] = offsets;
    let interpolated = 0;
    for (let c = 0; c < 4; c++) {
      for (let b = 0; b < 4; b++) {
        for (let a = 0; a < 4; a++) {
          const w = wx[a] * wy[b] * wz[c];
          interpolated += w * coefficients[ox[a] + oy[b] + oz[c]];
        }
      }
    }
    return interpolated;
  };
}

/** DetermineRegionOfSupport (odd order 3): the first of the 4 indices, floor(x as float32) − 1. */
export function supportStart(x: number): number {
  return Math.floor(Math.fround(x)) - 1;
}

/** SetInterpolationWeights (order 3) for w = x − (second index), in ITK's order of operations. */
export function cubicWeights(w: number, out: Float64Array): Float64Array {
  out[3] = (1.0 / 6.0) * w * w * w;
  out[0] = 1.0 / 6.0 + 0.5 * w * (w - 1.0) - out[3];
  out[2] = w + out[0] - 2.0 * out[3];
  out[1] = 1.0 - out[0] - out[2] - out[3];
  return out;
}

/**
 * ApplyMirrorBoundaryConditions: −i below 0, then 2(n − 1) − i past n − 1; 0 when n is 1. On an axis
 * of 2 voxels ITK's one reflection sends index 3 to −1, outside its buffer (it reads whatever lies
 * there); here that index is reflected once more, to 1.
 */
export function mirrorIndex(index: number, length: number): number {
  if (length === 1) return 0;
  const end = length - 1;
  let i = index < 0 ? -index : index;
  if (i >= end) i = end - (i - end);
  return i < 0 ? -i : i;
}

/**
 * The coefficients that B-spline samples at the voxels of `grid` inside `volume` can use: along each
 * axis, the mirrored indices of floor(x) − 1 .. floor(x) + 2 for x between the extreme continuous
 * indices of the grid's corners (the mapping is affine), with one voxel of margin for rounding.
 */
export function bsplineSupport(volume: Grid, grid: Grid): IndexBox {
  const corners: Vec3[] = [];
  for (const i of [0, grid.size[0] - 1]) for (const j of [0, grid.size[1] - 1]) for (const k of [0, grid.size[2] - 1]) corners.push([i, j, k]);
  const positions = corners.map((c) => pointToContinuousIndex(volume, indexToPoint(grid, c)));
  const lower = [0, 0, 0] as Vec3;
  const upper = [0, 0, 0] as Vec3;
  for (let a = 0; a < 3; a++) {
    const n = volume.size[a];
    const clip = (x: number) => Math.min(Math.max(x, -0.5), n - 0.5);
    const from = Math.max(Math.floor(clip(Math.min(...positions.map((p) => p[a])))) - 2, -2);
    const to = Math.min(Math.floor(clip(Math.max(...positions.map((p) => p[a])))) + 3, n + 1);
    [lower[a], upper[a]] = [n - 1, 0];
    for (let i = from; i <= to; i++) {
      const m = mirrorIndex(i, n);
      [lower[a], upper[a]] = [Math.min(lower[a], m), Math.max(upper[a], m)];
    }
  }
  return { lower, upper };
}

function wholeBox(size: Vec3): IndexBox {
  return { lower: [0, 0, 0], upper: [size[0] - 1, size[1] - 1, size[2] - 1] };
}

/** The pole of the cubic B-spline prefilter, √3 − 2. */
const CUBIC_POLE = Math.sqrt(3.0) - 2.0;
/** BSplineDecompositionImageFilter's tolerance for the causal initialisation (default 1e-10). */
const DECOMPOSITION_TOLERANCE = 1e-10;

/**
 * BSplineDecompositionImageFilter (order 3): the cubic B-spline coefficients of the image, float64, by
 * the 1-D prefilter along every line of x, then of y, then of z, kept only within `box` (default the
 * whole image; x fastest). Each line is filtered whole, so the kept values are those of the whole
 * image's coefficients; keeping only the box along an axis once it is filtered saves the work and
 * memory of the rest (the x pass still reads the whole image).
 */
export function bsplineCoefficients(volume: Volume, box: IndexBox = wholeBox(volume.size)): Float64Array {
  let data: ArrayLike<number> = volume.data;
  let dims: Vec3 = [...volume.size];
  for (let axis = 0; axis < 3; axis++) {
    ({ data, dims } = prefilterAxis(data, dims, axis, box.lower[axis], box.upper[axis]));
  }
  return data as Float64Array;
}

/** decomposeLine along every line of `axis`, keeping indices lower..upper of that axis. */
function prefilterAxis(source: ArrayLike<number>, dims: Vec3, axis: number, lower: number, upper: number) {
  const kept = [...dims] as Vec3;
  kept[axis] = upper - lower + 1;
  const data = new Float64Array(kept[0] * kept[1] * kept[2]);
  const from = [1, dims[0], dims[0] * dims[1]];
  const to = [1, kept[0], kept[0] * kept[1]];
  const [u, w] = [0, 1, 2].filter((a) => a !== axis);
  const length = dims[axis];
  const scratch = new Float64Array(length);
  for (let j = 0; j < dims[w]; j++) {
    for (let i = 0; i < dims[u]; i++) {
      const start = i * from[u] + j * from[w];
      for (let n = 0; n < length; n++) scratch[n] = source[start + n * from[axis]];
      decomposeLine(scratch, length);
      const target = i * to[u] + j * to[w];
      for (let n = lower; n <= upper; n++) data[target + (n - lower) * to[axis]] = scratch[n];
    }
  }
  return { data, dims: kept };
}

/**
 * DataToCoefficients1D for the one pole z of order 3: gain (1 − z)(1 − 1/z), causal initialisation and
 * recursion c[n] += z·c[n − 1], anticausal initialisation and recursion c[n] = z·(c[n + 1] − c[n]).
 * A line of length 1 is left as it is.
 */
export function decomposeLine(c: Float64Array, length: number): void {
  if (length === 1) return;
  const z = CUBIC_POLE;
  const gain = 1.0 * (1.0 - z) * (1.0 - 1.0 / z);
  for (let n = 0; n < length; n++) c[n] *= gain;
  c[0] = initialCausalCoefficient(c, length, z);
  for (let n = 1; n < length; n++) c[n] += z * c[n - 1];
  c[length - 1] = (z / (z * z - 1.0)) * (z * c[length - 2] + c[length - 1]);
  for (let n = length - 2; n >= 0; n--) c[n] = z * (c[n + 1] - c[n]);
}

/**
 * SetInitialCausalCoefficient (mirror boundaries): Σ zⁿ·c[n] truncated at the horizon where |z|ⁿ <
 * tolerance when the line is longer, else the exact mirrored sum.
 */
function initialCausalCoefficient(c: Float64Array, length: number, z: number): number {
  let zn = z;
  const horizon = Math.ceil(Math.log(DECOMPOSITION_TOLERANCE) / Math.log(Math.abs(z)));
  if (horizon < length) {
    let sum = c[0];
    for (let n = 1; n < horizon; n++) {
      sum += zn * c[n];
      zn *= z;
    }
    return sum;
  }
  const iz = 1.0 / z;
  let z2n = Math.pow(z, length - 1);
  let sum = c[0] + z2n * c[length - 1];
  z2n *= z2n * iz;
  for (let n = 1; n <= length - 2; n++) {
    sum += (zn + z2n) * c[n];
    zn *= z;
    z2n *= iz;
  }
  return sum / (1.0 - zn * zn);
}

/**
 * ResampleImageFilter's CastPixelWithBoundsChecking into the pixel type of `data`: clamped to the
 * type's range, then truncated towards zero (integers) or rounded to float32.
 */
export function pixelCast(data: VoxelArray): (value: number) => number {
  const range = INTEGER_RANGES.get(data.constructor as Function);
  if (range) {
    const [min, max] = range;
    return (v) => (v <= min ? min : v >= max ? max : Math.trunc(v));
  }
  if (data instanceof Float32Array) {
    const max = 3.4028234663852886e38;
    return (v) => (v <= -max ? -max : v >= max ? max : Math.fround(v));
  }
  return (v) => v;
}

const INTEGER_RANGES = new Map<Function, [number, number]>([
  [Int8Array, [-128, 127]],
  [Uint8Array, [0, 255]],
  [Int16Array, [-32768, 32767]],
  [Uint16Array, [0, 65535]],
  [Int32Array, [-2147483648, 2147483647]],
  [Uint32Array, [0, 4294967295]],
]);

/** ITK's index-to-physical matrix, direction · diag(spacing), row-major. */
function indexToPhysicalMatrix(grid: Grid): Mat3 {
  const { direction: d, spacing: s } = grid;
  return d.map((v, n) => v * s[n % 3]) as Mat3;
}

/** TransformContinuousIndexToPhysicalPoint: Σ M·index, then + origin. */
export function continuousIndexToPoint(grid: Grid, index: Vec3): Vec3 {
  const m = indexToPhysicalMatrix(grid);
  return [0, 1, 2].map((r) => {
    let sum = 0;
    for (let c = 0; c < 3; c++) sum += m[3 * r + c] * index[c];
    return sum + grid.origin[r];
  }) as Vec3;
}

/** TransformIndexToPhysicalPoint: origin, then + M·index term by term. */
export function indexToPoint(grid: Grid, index: Vec3): Vec3 {
  const m = indexToPhysicalMatrix(grid);
  return [0, 1, 2].map((r) => {
    let point = grid.origin[r];
    for (let c = 0; c < 3; c++) point += m[3 * r + c] * index[c];
    return point;
  }) as Vec3;
}

/** TransformPhysicalPointToContinuousIndex: M⁻¹·(point − origin), M⁻¹ = diag(1/spacing)·direction⁻¹. */
export function pointToContinuousIndex(grid: Grid, point: Vec3): Vec3 {
  const inverse = physicalToIndexMatrix(grid);
  const v = point.map((p, r) => p - grid.origin[r]);
  return [0, 1, 2].map((r) => {
    let sum = 0;
    for (let c = 0; c < 3; c++) sum += inverse[3 * r + c] * v[c];
    return sum;
  }) as Vec3;
}

function physicalToIndexMatrix(grid: Grid): Mat3 {
  const d = grid.direction;
  const cofactor = (r: number, c: number) => {
    const rows = [0, 1, 2].filter((i) => i !== r);
    const cols = [0, 1, 2].filter((i) => i !== c);
    const minor = d[3 * rows[0] + cols[0]] * d[3 * rows[1] + cols[1]] - d[3 * rows[0] + cols[1]] * d[3 * rows[1] + cols[0]];
    return (r + c) % 2 === 0 ? minor : -minor;
  };
  const det = d[0] * cofactor(0, 0) + d[1] * cofactor(0, 1) + d[2] * cofactor(0, 2);
  // (D·S)⁻¹ = S⁻¹·D⁻¹: row r of D⁻¹ (the adjugate's row r is the cofactors of column r) over spacing r.
  return [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => (cofactor(c, r) / det) * (1 / grid.spacing[r]))) as Mat3;
}
