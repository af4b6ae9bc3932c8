/**
 * Intensity rounding after interpolation (IBSI 1 manual, "Rounding image intensities after
 * interpolation", 68QD): intensities that are integers by nature, such as Hounsfield units, are
 * rounded to the nearest integer. Halves go to the even neighbour, as numpy.round does in MIRP.
 */
import type { Volume } from '../../../imaging/volume';

/** x rounded to the nearest integer, halves to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** A copy of the volume with every intensity rounded to the nearest integer. */
export function roundIntensities(volume: Volume<Float64Array>): Volume<Float64Array> {
  return { ...volume, data: volume.data.map(roundHalfEven) };
}
