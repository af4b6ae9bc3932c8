/**
 * Voxel-based first-order features (PyRadiomics radiomics/firstorder.py with voxelBased): each ROI
 * voxel gets the first-order features of X = the intensities its kernel may use (see grid.ts),
 * computed as PyRadiomics computes them over the kernel rows (numpy nan-functions over the kernel
 * with the voxels it may not use set to NaN):
 *   Entropy, Uniformity   p(i) = share of X in gray level i, the gray levels binned once for the
 *                         whole ROI (or the whole grid, unmasked), not per kernel
 *   Variance              numpy.nanstd(X)², StandardDeviation = numpy.nanstd(X)
 *   Skewness, Kurtosis    μ3 / μ2^1.5 and μ4 / μ2² (0 when μ2 = 0)
 *   TotalEnergy           Energy · Δx·Δy·Δz of the grid
 * Other formulas: see firstorder.ts. Every kernel is gathered into one reused buffer and sorted
 * there (insertion sort: kernels are small), so nothing is allocated per voxel.
 */
import { EPSILON } from '../texture-common';
import { kernelBox, maxKernelVoxels, type KernelGrid } from './grid';

/** The first-order features, in firstOrderFeatures' order (StandardDeviation is PyRadiomics-deprecated). */
export const VOXEL_FIRST_ORDER_NAMES = [
  'Energy',
  'TotalEnergy',
  'Entropy',
  'Minimum',
  '10Percentile',
  '90Percentile',
  'Maximum',
  'Mean',
  'Median',
  'InterquartileRange',
  'Range',
  'MeanAbsoluteDeviation',
  'RobustMeanAbsoluteDeviation',
  'RootMeanSquared',
  'StandardDeviation',
  'Skewness',
  'Kurtosis',
  'Variance',
  'Uniformity',
] as const;

const F = Object.fromEntries(VOXEL_FIRST_ORDER_NAMES.map((name, i) => [name, i])) as Record<
  (typeof VOXEL_FIRST_ORDER_NAMES)[number],
  number
>;

/**
 * Fill `maps[f]` (one per name of VOXEL_FIRST_ORDER_NAMES; undefined = not wanted) at every kernel
 * centre of the grid. The maps are grid-sized and already hold initValue elsewhere.
 */
export function firstOrderVoxelMaps(
  grid: KernelGrid,
  voxelArrayShift: number,
  maps: readonly (Float64Array | undefined)[],
): void {
  const [nx, ny] = grid.size;
  const plane = nx * ny;
  const { values, inKernel, levels, centres } = grid;
  const voxelVolume = grid.spacing[0] * grid.spacing[1] * grid.spacing[2];
  const c = voxelArrayShift;
  const capacity = maxKernelVoxels(grid);
  const x = new Float64Array(capacity); // the kernel's intensities, sorted below
  const kernelLevels = new Int32Array(capacity);
  const counts = new Float64Array(grid.Ng + 1);
  const box = new Int32Array(6);
  const out = new Float64Array(VOXEL_FIRST_ORDER_NAMES.length);

  for (let k = 0; k < centres.length; k++) {
    const centre = centres[k];
    kernelBox(grid, centre, box);
    let n = 0;
    for (let z = box[4]; z <= box[5]; z++) {
      for (let y = box[2]; y <= box[3]; y++) {
        const row = nx * y + plane * z;
        for (let v = row + box[0]; v <= row + box[1]; v++) {
          if (!inKernel[v]) continue;
          x[n] = values[v];
          kernelLevels[n++] = levels[v];
        }
      }
    }
    insertionSort(x, n);

    // Gray-level histogram of the kernel.
    for (let i = 0; i < n; i++) counts[kernelLevels[i]]++;
    let entropy = 0;
    let uniformity = 0;
    for (let i = 0; i < n; i++) {
      const level = kernelLevels[i];
      const count = counts[level];
      if (count === 0) continue; // already taken
      const p = count / n;
      entropy -= p * Math.log2(p + EPSILON);
      uniformity += p * p;
      counts[level] = 0;
    }

    let sum = 0;
    let energy = 0;
    for (let i = 0; i < n; i++) {
      sum += x[i];
      energy += (x[i] + c) * (x[i] + c);
    }
    const mean = sum / n;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    let absolute = 0;
    for (let i = 0; i < n; i++) {
      const d = x[i] - mean;
      const d2 = d * d;
      m2 += d2;
      m3 += d2 * d;
      m4 += d2 * d2;
      absolute += Math.abs(d);
    }
    m2 /= n;
    m3 /= n;
    m4 /= n;
    const p10 = percentile(x, n, 10);
    const p90 = percentile(x, n, 90);

    // Robust MAD: the voxels with P10 ≤ X ≤ P90 (a contiguous run of the sorted kernel).
    let robustSum = 0;
    let robustCount = 0;
    for (let i = 0; i < n; i++) {
      if (x[i] >= p10 && x[i] <= p90) {
        robustSum += x[i];
        robustCount++;
      }
    }
    const robustMean = robustSum / robustCount;
    let robustAbsolute = 0;
    for (let i = 0; i < n; i++) if (x[i] >= p10 && x[i] <= p90) robustAbsolute += Math.abs(x[i] - robustMean);

    const sd = Math.sqrt(m2);
    const flat = m2 === 0 ? 1 : m2; // PyRadiomics: μ2 = 0 is replaced by 1 (μ3 = μ4 = 0 then)
    out[F.Energy] = energy;
    out[F.TotalEnergy] = energy * voxelVolume;
    out[F.Entropy] = entropy;
    out[F.Minimum] = x[0];
    out[F['10Percentile']] = p10;
    out[F['90Percentile']] = p90;
    out[F.Maximum] = x[n - 1];
    out[F.Mean] = mean;
    out[F.Median] = n % 2 === 1 ? x[n >> 1] : (x[(n >> 1) - 1] + x[n >> 1]) / 2;
    out[F.InterquartileRange] = percentile(x, n, 75) - percentile(x, n, 25);
    out[F.Range] = x[n - 1] - x[0];
    out[F.MeanAbsoluteDeviation] = absolute / n;
    out[F.RobustMeanAbsoluteDeviation] = robustAbsolute / robustCount;
    out[F.RootMeanSquared] = Math.sqrt(energy / n);
    out[F.StandardDeviation] = sd;
    out[F.Skewness] = m3 / flat ** 1.5;
    out[F.Kurtosis] = m4 / (flat * flat);
    out[F.Variance] = sd * sd;
    out[F.Uniformity] = uniformity;
    for (let f = 0; f < maps.length; f++) {
      const map = maps[f];
      if (map) map[centre] = out[f];
    }
  }
}

/** Sort x[0..n) ascending in place. */
function insertionSort(x: Float64Array, n: number): void {
  if (n > 64) {
    x.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const value = x[i];
    let j = i - 1;
    while (j >= 0 && x[j] > value) {
      x[j + 1] = x[j];
      j--;
    }
    x[j + 1] = value;
  }
}

/** numpy.percentile (linear) of the sorted x[0..n). */
function percentile(x: Float64Array, n: number, q: number): number {
  const position = (q / 100) * (n - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, n - 1);
  const t = position - below;
  const a = x[below];
  const difference = x[above] - a;
  return t >= 0.5 ? x[above] - difference * (1 - t) : a + difference * t;
}
