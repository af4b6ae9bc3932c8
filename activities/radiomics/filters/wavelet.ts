/**
 * PyRadiomics' wavelet image type (radiomics.imageoperations getWaveletImage / _swt3): an
 * undecimated (stationary) wavelet transform, one level at a time, with PyWavelets' swtn.
 *
 * One level, along each transformed axis in turn (x, then y, then z), splits every band so far
 * into a low-pass (L) and a high-pass (H) band by circular convolution with the wavelet's
 * decomposition filters (pywt's "periodization" convolution, swt level 1):
 *   out[o] = Σ_{j=0}^{F−1} filter[j] · in[(o + ⌊F/2⌋ − j) mod N]
 * giving 2^d bands named by their letters in axis order: "LLH" = low along x and y, high along z.
 * The all-L band (the approximation) is the input of the next level.
 *
 * PyRadiomics' own choices, reproduced here:
 *   - Before transforming, every axis of odd length is padded by one voxel at its end that repeats
 *     the first voxel of that axis (numpy.pad 'wrap'); the bands are cropped back afterwards.
 *   - Every level uses the wavelet's filters as they are: PyRadiomics calls swtn with
 *     start_level 0 each time, so there is no à-trous upsampling of the filters at deeper levels.
 *   - start_level levels are computed and discarded first (only their approximation is kept).
 *   - Names: the details of the first level kept are `wavelet-<bands>`, those of the n-th
 *     `wavelet<n>-<bands>`; the final approximation comes last, `wavelet-LLL` when one level is
 *     kept, else `wavelet<level>-LLL`. Details within a level are in pywt's order:
 *     LLH, LHL, LHH, HLL, HLH, HHL, HHH.
 *   - force2D leaves the axis force2Ddimension (0 = z, 1 = y, 2 = x, numpy's axis numbers)
 *     untransformed, and names have two letters (x, y when force2Ddimension is 0).
 * Integer and float64 images are transformed in float64; float32 images in float32 with pywt's
 * float32 filters, exactly as pywt does (each product and sum rounded to float32), and the bands
 * are then Float32Array volumes. Terms are summed in pywt's order, so the bands match pywt's to
 * the last bit. Every band keeps the grid of the input image.
 * The transform applies to the whole image it is given, before PyRadiomics crops to the ROI box.
 */
import { InvalidSettingsError } from '../../errors';
import type { Vec3, Volume } from '../../imaging/volume';
import { derived } from './simple';
import { WAVELET_DEC_LO } from './wavelet-coefficients';

export interface WaveletOptions {
  /** pywt wavelet name (PyRadiomics setting `wavelet`, default coif1): haar, db1–10, sym2–10, coif1–5. */
  wavelet?: string;
  /** Levels computed and discarded before the first one kept (PyRadiomics `start_level`, default 0). */
  startLevel?: number;
  /** Levels kept (PyRadiomics `level`, default 1). */
  level?: number;
  /** PyRadiomics `force2D`: leave the axis `force2Ddimension` untransformed. */
  force2D?: boolean;
  /** PyRadiomics `force2Ddimension` (numpy axis): 0 = z (default), 1 = y, 2 = x. */
  force2Ddimension?: number;
}

export interface DerivedImage {
  /** PyRadiomics' image type name, the prefix of its features: `wavelet-LLH`, `wavelet2-HHH`, ... */
  name: string;
  image: Volume;
}

/** The wavelet names this module has filters for. */
export const WAVELETS = Object.keys(WAVELET_DEC_LO);

type Samples = Float64Array | Float32Array;

/** Every detail band of every kept level, then the final approximation, as PyRadiomics yields them. */
export function waveletDecompositions(image: Volume, options: WaveletOptions = {}): DerivedImage[] {
  const waveletName = options.wavelet ?? 'coif1';
  const startLevel = options.startLevel ?? 0;
  const level = options.level ?? 1;
  const filters = WAVELET_DEC_LO[waveletName];
  if (!filters) {
    throw new InvalidSettingsError(`wavelet "${waveletName}" is not implemented (known: ${WAVELETS.join(', ')})`);
  }
  if (!Number.isInteger(startLevel) || startLevel < 0) {
    throw new InvalidSettingsError(`wavelet start_level must be an integer ≥ 0, not ${startLevel}`);
  }
  if (!Number.isInteger(level) || level < 1) throw new InvalidSettingsError(`wavelet level must be an integer ≥ 1, not ${level}`);
  const force2Ddimension = options.force2Ddimension ?? 0;
  if (options.force2D && ![0, 1, 2].includes(force2Ddimension)) {
    throw new InvalidSettingsError(`force2Ddimension must be 0, 1 or 2, not ${force2Ddimension}`);
  }

  const single = image.data instanceof Float32Array;
  const lowPass = single ? filters.float32.map(Math.fround) : [...filters.float64];
  const bank: FilterBank = { low: lowPass, high: highPassOf(lowPass), single };
  // Volume axis a is numpy axis 2 − a; pywt transforms numpy axes (2, 1, 0) in that order.
  const axes = [0, 1, 2].filter((a) => !(options.force2D && a === 2 - force2Ddimension));

  const padded: Vec3 = [...image.size].map((n) => n + (n % 2)) as Vec3;
  let data = wrapPad(image, padded, single);
  for (let i = 0; i < startLevel; i++) data = oneLevel(data, padded, axes, bank)[0].data;

  const out: DerivedImage[] = [];
  for (let i = 1; i <= level; i++) {
    const [approximation, ...details] = oneLevel(data, padded, axes, bank);
    data = approximation.data;
    const prefix = i === 1 ? 'wavelet' : `wavelet${i}`;
    for (const band of details) {
      out.push({ name: `${prefix}-${band.name}`, image: derived(image, cropTo(band.data, padded, image.size)) });
    }
  }
  const approximationName = `${level === 1 ? 'wavelet' : `wavelet${level}`}-${'L'.repeat(axes.length)}`;
  out.push({ name: approximationName, image: derived(image, cropTo(data, padded, image.size)) });
  return out;
}

interface FilterBank {
  low: number[];
  high: number[];
  /** Arithmetic in float32 (float32 images) rather than float64. */
  single: boolean;
}

/** pywt's decomposition high-pass filter: the low-pass one reversed, every other sign flipped. */
export function highPassOf(low: readonly number[]): number[] {
  const f = low.length;
  return low.map((_, i) => ((f - 1 - i) % 2 === 1 ? -low[f - 1 - i] : low[f - 1 - i]));
}

/** One swtn level: the 2^d bands in pywt's order, the approximation (all L) first. */
function oneLevel(data: Samples, size: Vec3, axes: number[], bank: FilterBank): { name: string; data: Samples }[] {
  let bands = [{ name: '', data }];
  for (const axis of axes) {
    bands = bands.flatMap((band) => [
      { name: `${band.name}L`, data: convolveAxis(band.data, size, axis, bank.low, bank.single) },
      { name: `${band.name}H`, data: convolveAxis(band.data, size, axis, bank.high, bank.single) },
    ]);
  }
  return bands;
}

/** The image in float64 (float32 when `single`), each odd-length axis extended by its first voxel. */
function wrapPad(image: Volume, padded: Vec3, single: boolean): Samples {
  const [nx, ny, nz] = image.size;
  const [px, py, pz] = padded;
  const out = single ? new Float32Array(px * py * pz) : new Float64Array(px * py * pz);
  let v = 0;
  for (let z = 0; z < pz; z++) {
    const sz = z % nz;
    for (let y = 0; y < py; y++) {
      const sy = y % ny;
      for (let x = 0; x < px; x++, v++) out[v] = image.data[x % nx + nx * (sy + ny * sz)];
    }
  }
  return out;
}

/** The first size[0] × size[1] × size[2] voxels of a volume of size `from` (`data` itself when no padding). */
function cropTo(data: Samples, from: Vec3, size: Vec3): Samples {
  if (from.every((n, a) => n === size[a])) return data;
  const [nx, ny, nz] = size;
  const out = data instanceof Float32Array ? new Float32Array(nx * ny * nz) : new Float64Array(nx * ny * nz);
  let v = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++, v += nx) {
      const start = from[0] * (y + from[1] * z);
      out.set(data.subarray(start, start + nx), v);
    }
  }
  return out;
}

/**
 * Circular convolution of every line along `axis` with `filter` (pywt swt, level 1). Each output
 * voxel accumulates its terms from 0 in the plan's order, so it is pywt's sum exactly; the loops
 * run over whole rows of x at a time so that memory is read in order.
 */
function convolveAxis(data: Samples, size: Vec3, axis: number, filter: readonly number[], single: boolean): Samples {
  const n = size[axis];
  const taps = filter.length;
  const plan = periodicConvolutionPlan(n, taps);
  // The volume as [outer][n][inner]: inner voxels share a position along `axis` and are contiguous.
  const inner = axis === 0 ? 1 : axis === 1 ? size[0] : size[0] * size[1];
  const block = n * inner;
  const out = single ? new Float32Array(data.length) : new Float64Array(data.length);
  if (inner === 1) {
    // Along x: one contiguous line at a time, summed in a local variable.
    for (let base = 0; base < data.length; base += n) {
      for (let o = 0, t = 0; o < n; o++) {
        let sum = 0;
        for (const end = t + taps; t < end; t++) {
          const product = filter[plan.tap[t]] * data[base + plan.input[t]];
          sum = single ? Math.fround(sum + Math.fround(product)) : sum + product;
        }
        out[base + o] = sum;
      }
    }
    return out;
  }
  for (let base = 0; base < data.length; base += block) {
    for (let o = 0; o < n; o++) {
      const target = base + o * inner;
      for (let t = o * taps; t < (o + 1) * taps; t++) {
        const weight = filter[plan.tap[t]];
        const source = base + plan.input[t] * inner;
        if (single) {
          // float32 arithmetic: the product is rounded, then the sum (stored into a Float32Array).
          for (let i = 0; i < inner; i++) out[target + i] += Math.fround(weight * data[source + i]);
        } else {
          for (let i = 0; i < inner; i++) out[target + i] += weight * data[source + i];
        }
      }
    }
  }
  return out;
}

interface ConvolutionPlan {
  /** For output o, the filter taps in the order pywt adds them: tap[o·F .. o·F + F − 1]. */
  tap: Int32Array;
  /** The input sample each of those taps multiplies. */
  input: Int32Array;
}

/**
 * out[o] = Σ_j filter[j] · in[(o + ⌊F/2⌋ − j) mod N], with the terms in pywt's summation order:
 * for centre i = o + ⌊F/2⌋ < N, taps 0, 1, …, F − 1; for i ≥ N (the centre has wrapped past the
 * end), pywt first adds taps i − N, i − N − 1, …, 0 and then i − N + 1, …, F − 1.
 */
function periodicConvolutionPlan(n: number, taps: number): ConvolutionPlan {
  const tap = new Int32Array(n * taps);
  const input = new Int32Array(n * taps);
  let t = 0;
  const add = (centre: number, j: number) => {
    tap[t] = j;
    input[t++] = (((centre - j) % n) + n) % n;
  };
  for (let o = 0; o < n; o++) {
    const centre = o + Math.floor(taps / 2);
    if (centre < n) {
      for (let j = 0; j < taps; j++) add(centre, j);
    } else {
      for (let j = centre - n; j >= 0; j--) add(centre, j);
      for (let j = centre - n + 1; j < taps; j++) add(centre, j);
    }
  }
  return { tap, input };
}
