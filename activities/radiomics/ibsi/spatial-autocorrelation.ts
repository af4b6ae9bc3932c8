/**
 * The pair sums behind Moran's I and Geary's C (IBSI morphology, N365 and NPT7), over the voxels of
 * the intensity mask with intensities X and centres X_c (mm), w_ab = 1 / ‖X_c,a − X_c,b‖:
 *   weights             Σ_{a<b} w_ab
 *   products            Σ_{a<b} w_ab (X_a − μ)(X_b − μ)
 *   squaredDifferences  Σ_{a<b} w_ab (X_a − X_b)²
 *   squares             Σ_a (X_a − μ)²
 * (unordered pairs: the ordered-pair sums of the definitions are twice these, which cancels).
 *
 * Summing over pairs is O(N_v²): 8·10⁹ pairs for the 125 000-voxel ROI of the IBSI CT phantom. On a
 * grid the weight depends only on the offset d between the voxels, so each sum is Σ_d w(d) C(d)
 * with C a correlation of two masked images, e.g. C_yy(d) = Σ_p y(p) y(p + d) for y = (X − μ)·mask.
 * By Parseval, Σ_d w(d) C_fg(d) = (1/N) Σ_k conj(F̂_k) Ĝ_k Ŵ_k (Ŵ real: w is even), on a grid
 * padded to at least 2n − 1 per axis so that the circular correlation equals the linear one. That is
 * exact, not the Monte Carlo approximation IBSI allows and MIRP uses, in O(N log N). Small ROIs are
 * summed directly.
 */
import type { Vec3 } from '../../imaging/volume';
import { fft3d, nextPowerOfTwo } from './fft';
import { gridCoordinates, type IbsiRegion } from './region';

export interface SpatialSums {
  weights: number;
  products: number;
  squaredDifferences: number;
  squares: number;
}

/** Below this many voxels the pairs are summed directly. */
const DIRECT_LIMIT = 3000;

/** The sums for the region's intensity mask, directly or through the FFT. */
export function spatialSums(region: IbsiRegion): SpatialSums {
  return region.indices.length <= DIRECT_LIMIT ? spatialSumsDirect(region) : spatialSumsFft(region);
}

/** Σ over every pair of voxels, O(N_v²). */
export function spatialSumsDirect(region: IbsiRegion): SpatialSums {
  const x = region.intensities;
  const n = x.length;
  const mu = x.reduce((a, b) => a + b, 0) / n;
  const p = Array.from(region.indices, (k) => gridCoordinates(k, region.size).map((c, a) => c * region.spacing[a]));
  let [weights, products, squaredDifferences, squares] = [0, 0, 0, 0];
  for (let a = 0; a < n; a++) {
    squares += (x[a] - mu) ** 2;
    for (let b = a + 1; b < n; b++) {
      const w = 1 / Math.hypot(p[a][0] - p[b][0], p[a][1] - p[b][1], p[a][2] - p[b][2]);
      weights += w;
      products += w * (x[a] - mu) * (x[b] - mu);
      squaredDifferences += w * (x[a] - x[b]) ** 2;
    }
  }
  return { weights, products, squaredDifferences, squares };
}

/** The same sums through the correlation theorem (see the module comment). */
export function spatialSumsFft(region: IbsiRegion): SpatialSums {
  const x = region.intensities;
  const n = x.length;
  const mu = x.reduce((a, b) => a + b, 0) / n;
  const coordinates = Array.from(region.indices, (k) => gridCoordinates(k, region.size));
  const lower = [0, 1, 2].map((a) => Math.min(...coordinates.map((c) => c[a])));
  const extent = [0, 1, 2].map((a) => Math.max(...coordinates.map((c) => c[a])) - lower[a] + 1);
  const size = extent.map((e) => nextPowerOfTwo(2 * e - 1)) as Vec3;
  const total = size[0] * size[1] * size[2];
  const at = (i: number, j: number, k: number) => i + size[0] * (j + size[1] * k);
  // Two real pairs packed as complex data: (mask + i·y) and (y² + i·w).
  const [re1, im1, re2, im2] = [0, 1, 2, 3].map(() => new Float64Array(total));
  let squares = 0;
  coordinates.forEach(([i, j, k], v) => {
    const y = x[v] - mu;
    const p = at(i - lower[0], j - lower[1], k - lower[2]);
    re1[p] = 1;
    im1[p] = y;
    re2[p] = y * y;
    squares += y * y;
  });
  // w(d) at the circular position of every offset the box can hold; w(0) = 0.
  const [sx, sy, sz] = region.spacing;
  for (let dk = -(extent[2] - 1); dk < extent[2]; dk++) {
    for (let dj = -(extent[1] - 1); dj < extent[1]; dj++) {
      for (let di = -(extent[0] - 1); di < extent[0]; di++) {
        if (di === 0 && dj === 0 && dk === 0) continue;
        const p = at((di + size[0]) % size[0], (dj + size[1]) % size[1], (dk + size[2]) % size[2]);
        im2[p] = 1 / Math.hypot(di * sx, dj * sy, dk * sz);
      }
    }
  }
  fft3d(re1, im1, size);
  fft3d(re2, im2, size);
  // Unpack: for Z = F + iG (F, G real), F̂_k = (Z_k + conj Z_−k)/2 and Ĝ_k = (Z_k − conj Z_−k)/(2i).
  let [mm, yy, qm] = [0, 0, 0];
  for (let k = 0; k < size[2]; k++) {
    const nk = (size[2] - k) % size[2];
    for (let j = 0; j < size[1]; j++) {
      const nj = (size[1] - j) % size[1];
      for (let i = 0; i < size[0]; i++) {
        const p = at(i, j, k);
        const q = at((size[0] - i) % size[0], nj, nk);
        const [mRe, mIm] = [(re1[p] + re1[q]) / 2, (im1[p] - im1[q]) / 2];
        const [yRe, yIm] = [(im1[p] + im1[q]) / 2, -(re1[p] - re1[q]) / 2];
        const [sRe, sIm] = [(re2[p] + re2[q]) / 2, (im2[p] - im2[q]) / 2];
        const w = (im2[p] + im2[q]) / 2; // Ŵ is real
        mm += (mRe * mRe + mIm * mIm) * w;
        yy += (yRe * yRe + yIm * yIm) * w;
        qm += (sRe * mRe + sIm * mIm) * w; // Re(conj(Q̂) M̂) Ŵ
      }
    }
  }
  const weights = mm / total / 2;
  const products = yy / total / 2;
  return { weights, products, squaredDifferences: qm / total - 2 * products, squares };
}
