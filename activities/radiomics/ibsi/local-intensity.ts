/**
 * IBSI local intensity features (family 9ST6; tags loc_*), in 3D.
 *
 * The local peak of an ROI voxel is the mean intensity of the image voxels whose centres lie within
 * r = (3 / 4π)^(1/3) cm ≈ 6.2 mm of its centre (a 1 cm³ sphere in world units), the centre voxel
 * included and voxels outside the ROI too: only voxels beyond the image are left out.
 */
import type { Vec3 } from '../../imaging/volume';
import { gridCoordinates, type IbsiRegion } from './region';

/** Radius (mm) of a 1 cm³ sphere: r = 10 (3 / 4π)^(1/3). */
export const PEAK_RADIUS_MM = 10 * Math.cbrt(3 / (4 * Math.PI));

/** Grid offsets (di, dj, dk) whose physical length is at most the peak radius. */
export function sphereOffsets(spacing: Vec3, radius = PEAK_RADIUS_MM): Vec3[] {
  const reach = spacing.map((s) => Math.floor(radius / s));
  const offsets: Vec3[] = [];
  for (let dk = -reach[2]; dk <= reach[2]; dk++) {
    for (let dj = -reach[1]; dj <= reach[1]; dj++) {
      for (let di = -reach[0]; di <= reach[0]; di++) {
        if ((di * spacing[0]) ** 2 + (dj * spacing[1]) ** 2 + (dk * spacing[2]) ** 2 <= radius ** 2) offsets.push([di, dj, dk]);
      }
    }
  }
  return offsets;
}

/** Mean image intensity over the sphere around grid voxel n (the image voxels inside the grid). */
export function sphereMean(region: IbsiRegion, n: number, offsets: readonly Vec3[]): number {
  const [nx, ny, nz] = region.size;
  const [i, j, k] = gridCoordinates(n, region.size);
  let sum = 0;
  let count = 0;
  for (const [di, dj, dk] of offsets) {
    const [x, y, z] = [i + di, j + dj, k + dk];
    if (x < 0 || x >= nx || y < 0 || y >= ny || z < 0 || z >= nz) continue;
    sum += region.image.data[x + nx * (y + ny * z)];
    count++;
  }
  return sum / count;
}

/** Local intensity peak = max over the ROI voxels of maximum intensity of their sphere mean */
export function localIntensityPeak(region: IbsiRegion, offsets: readonly Vec3[]): number {
  const top = region.intensities.reduce((a, b) => Math.max(a, b), -Infinity);
  let peak = -Infinity;
  region.indices.forEach((n, v) => {
    if (region.intensities[v] === top) peak = Math.max(peak, sphereMean(region, n, offsets));
  });
  return peak;
}

/** Global intensity peak = max over all ROI voxels of their sphere mean */
export function globalIntensityPeak(region: IbsiRegion, offsets: readonly Vec3[]): number {
  let peak = -Infinity;
  for (const n of region.indices) peak = Math.max(peak, sphereMean(region, n, offsets));
  return peak;
}

/** Both loc_* features of the region. */
export function ibsiLocalIntensityFeatures(region: IbsiRegion): Record<string, number> {
  const offsets = sphereOffsets(region.spacing);
  return { loc_peak_loc: localIntensityPeak(region, offsets), loc_peak_glob: globalIntensityPeak(region, offsets) };
}
