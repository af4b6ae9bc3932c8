/**
 * The IBSI interpolation grid (IBSI 1 manual, "Interpolation grid", UMPJ; "align grid centers",
 * 3WE3; grid dimensions 026Q and position QCY4).
 *
 * Along an axis with n_a voxels of spacing s_a, resampling to spacing s_b gives
 *   n_b = ⌈n_a s_a / s_b⌉ voxels,
 * whose centres, in the original grid's index coordinates (voxel centre k at k), are
 *   x_b,g + k s_b,g,   s_b,g = s_b / s_a,   x_b,g = ½ (n_a − 1 − s_b,g (n_b − 1)),
 * so that the centres of both grids coincide. The new grid therefore extends a little beyond the
 * original one: samples there are extrapolated (interpolate.ts pads with the edge intensities).
 * In 2D (in-plane) interpolation the z axis is left as it is.
 */
import { InvalidSettingsError } from '../../../errors';
import type { Vec3, Volume } from '../../../imaging/volume';

/** Where the samples of a resampled axis lie in the original grid. */
export interface AxisSampling {
  /** n_b */
  count: number;
  /** x_b,g: original-grid coordinate of the first new voxel centre. */
  start: number;
  /** s_b,g: step between new voxel centres, in original voxels. */
  step: number;
}

/** The new grid: per axis sampling, plus its size, spacing and world origin. */
export interface InterpolationGrid {
  axes: [AxisSampling, AxisSampling, AxisSampling];
  size: Vec3;
  spacing: Vec3;
  origin: Vec3;
}

/** n_b, x_b,g and s_b,g for one axis (see the module comment). */
export function axisSampling(count: number, spacing: number, newSpacing: number): AxisSampling {
  if (!(newSpacing > 0 && Number.isFinite(newSpacing))) {
    throw new InvalidSettingsError(`interpolation spacing must be a positive number of mm, not ${newSpacing}`);
  }
  // The relative slack keeps e.g. 180 mm / 2 mm = 90 from becoming 91 through rounding.
  const newCount = Math.max(1, Math.ceil((count * spacing) / newSpacing - 1e-9));
  const step = newSpacing / spacing;
  return { count: newCount, start: 0.5 * (count - 1 - step * (newCount - 1)), step };
}

/**
 * The IBSI grid with voxel spacing `spacing` (mm) over `volume`. `inPlane`: interpolate x and y
 * only (2D), keeping the slices as they are.
 */
export function interpolationGrid(volume: Volume, spacing: Vec3, inPlane: boolean): InterpolationGrid {
  const axes = [0, 1, 2].map((a) =>
    inPlane && a === 2
      ? { count: volume.size[2], start: 0, step: 1 }
      : axisSampling(volume.size[a], volume.spacing[a], spacing[a]),
  ) as InterpolationGrid['axes'];
  // World origin: old origin + direction · (old spacing ⊙ start), the direction's columns being the axes.
  const shift = axes.map((axis, a) => axis.start * volume.spacing[a]);
  const d = volume.direction;
  const origin = [0, 1, 2].map((r) => volume.origin[r] + d[3 * r] * shift[0] + d[3 * r + 1] * shift[1] + d[3 * r + 2] * shift[2]) as Vec3;
  return {
    axes,
    size: axes.map((axis) => axis.count) as Vec3,
    spacing: axes.map((axis, a) => axis.step * volume.spacing[a]) as Vec3,
    origin,
  };
}
