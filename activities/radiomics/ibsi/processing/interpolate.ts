/**
 * Resampling of a volume onto an IBSI interpolation grid (grid.ts), one axis at a time: nearest
 * neighbour, (bi/tri)linear and cubic B-spline interpolation are tensor products of 1D kernels on
 * an axis-aligned grid, so interpolating x, then y, then z gives the 3D (or, leaving z alone, the
 * 2D in-plane) result. The sample positions are those of scipy.ndimage.map_coordinates on the grid
 * coordinates of grid.ts, which MIRP (the IBSI lead author's implementation) uses.
 *
 * Beyond the image, `boundary` says what the volume holds:
 *   'nearest'  the edge value (the IBSI manual's advice for images: pad with the boundary intensities)
 *   'zero'     0 (for ROI masks, which are empty outside the image)
 */
import type { Vec3, Volume } from '../../../imaging/volume';
import type { AxisSampling, InterpolationGrid } from './grid';
import { cubicSplineCoefficients, cubicSplineWeights, SPLINE_PAD } from './spline';

export type InterpolationMethod = 'nearest' | 'linear' | 'cubic_spline';
export type Boundary = 'nearest' | 'zero';

/** For each output sample of an axis, `width` input positions (in the line the taps read) and weights. */
interface Taps {
  width: number;
  index: Int32Array;
  weight: Float64Array;
}

/** Taps of an axis; for the cubic spline they read the padded coefficient line (SPLINE_PAD added). */
function axisTaps(sampling: AxisSampling, length: number, method: InterpolationMethod, boundary: Boundary): Taps {
  const width = method === 'nearest' ? 1 : method === 'linear' ? 2 : 4;
  const index = new Int32Array(sampling.count * width);
  const weight = new Float64Array(sampling.count * width);
  const lineLength = method === 'cubic_spline' ? length + 2 * SPLINE_PAD : length;
  const put = (k: number, tap: number, position: number, w: number) => {
    // Positions beyond the line: the edge sample ('nearest'), or nothing ('zero').
    const inside = position >= 0 && position < lineLength;
    index[k * width + tap] = Math.min(Math.max(position, 0), lineLength - 1);
    weight[k * width + tap] = inside || boundary === 'nearest' ? w : 0;
  };
  for (let k = 0; k < sampling.count; k++) {
    const x = sampling.start + k * sampling.step;
    if (method === 'nearest') {
      put(k, 0, Math.floor(x + 0.5), 1);
    } else if (method === 'linear') {
      const i = Math.floor(x);
      put(k, 0, i, 1 - (x - i));
      put(k, 1, i + 1, x - i);
    } else {
      const xp = x + SPLINE_PAD;
      const i = Math.floor(xp);
      cubicSplineWeights(xp - i).forEach((w, tap) => put(k, tap, i - 1 + tap, w));
    }
  }
  return { width, index, weight };
}

/**
 * Resample `data` (dimensions `size`, x fastest) along `axis`; returns the new data and size.
 * For the cubic spline each line is padded with its edge values (or zeros) and prefiltered first.
 */
function resampleAxis(
  data: Float64Array,
  size: Vec3,
  axis: number,
  sampling: AxisSampling,
  method: InterpolationMethod,
  boundary: Boundary,
): { data: Float64Array; size: Vec3 } {
  const n = size[axis];
  const newSize = [...size] as Vec3;
  newSize[axis] = sampling.count;
  const out = new Float64Array(newSize[0] * newSize[1] * newSize[2]);
  const taps = axisTaps(sampling, n, method, boundary);
  const stride = axis === 0 ? 1 : axis === 1 ? size[0] : size[0] * size[1];
  const outStride = axis === 0 ? 1 : axis === 1 ? newSize[0] : newSize[0] * newSize[1];
  const spline = method === 'cubic_spline';
  const line = new Float64Array(spline ? n + 2 * SPLINE_PAD : n);
  // Lines along `axis`: one per combination of the other two coordinates.
  const [u, v] = [0, 1, 2].filter((a) => a !== axis);
  for (let j = 0; j < size[v]; j++) {
    for (let i = 0; i < size[u]; i++) {
      const coordinate: Vec3 = [0, 0, 0];
      coordinate[u] = i;
      coordinate[v] = j;
      const first = coordinate[0] + size[0] * (coordinate[1] + size[1] * coordinate[2]);
      const outFirst = coordinate[0] + newSize[0] * (coordinate[1] + newSize[1] * coordinate[2]);
      if (spline) {
        const edge = (value: number) => (boundary === 'nearest' ? value : 0);
        for (let p = 0; p < SPLINE_PAD; p++) {
          line[p] = edge(data[first]);
          line[SPLINE_PAD + n + p] = edge(data[first + (n - 1) * stride]);
        }
        for (let p = 0; p < n; p++) line[SPLINE_PAD + p] = data[first + p * stride];
        cubicSplineCoefficients(line);
      } else {
        for (let p = 0; p < n; p++) line[p] = data[first + p * stride];
      }
      for (let k = 0; k < sampling.count; k++) {
        let sum = 0;
        for (let t = k * taps.width; t < (k + 1) * taps.width; t++) sum += taps.weight[t] * line[taps.index[t]];
        out[outFirst + k * outStride] = sum;
      }
    }
  }
  return { data: out, size: newSize };
}

/**
 * `volume` interpolated onto `grid` with `method`, as Float64 values. Axes whose sampling is the
 * identity (2D in-plane interpolation leaves z alone) are not touched.
 */
export function interpolateVolume(
  volume: Volume,
  grid: InterpolationGrid,
  method: InterpolationMethod,
  boundary: Boundary,
): Volume<Float64Array> {
  let current: { data: Float64Array; size: Vec3 } = { data: Float64Array.from(volume.data), size: [...volume.size] as Vec3 };
  grid.axes.forEach((sampling, axis) => {
    const identity = sampling.count === volume.size[axis] && sampling.start === 0 && sampling.step === 1;
    if (!identity) current = resampleAxis(current.data, current.size, axis, sampling, method, boundary);
  });
  return { data: current.data, size: current.size, spacing: grid.spacing, origin: grid.origin, direction: volume.direction };
}
