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
 * The transform applies to the whole image it is given, before PyRadiomics crops to the ROI box;
 * computing only the bands' voxels within that box (`region`) gives the same values.
 */
import { InvalidSettingsError } from '../../errors';
import type { Vec3, Volume } from '../../imaging/volume';
import { croppedGrid, type IndexBox } from './crop';
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

/**
 * Every detail band of every kept level, then the final approximation, as PyRadiomics yields them:
 * on the grid of `image`, or only within `region` (a box of it; the grid cropVolume gives), whose
 * voxels are those of the whole-image bands. With a region, each level is computed only where the
 * next one (or a kept band) reads it: each output voxel is the same sum either way.
 */
export function waveletDecompositions(image: Volume, options: WaveletOptions = {}, region?: IndexBox): DerivedImage[] {
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
  const box = region ?? { lower: [0, 0, 0] as Vec3, upper: image.size.map((n) => n - 1) as Vec3 };
  const wanted = [0, 1, 2].map((a) => range(box.lower[a], box.upper[a])) as Positions;
  const levels = levelPositions(startLevel + level, startLevel, wanted, padded, axes, lowPass.length);
  const bandOf = (band: Band) => {
    const selected = selectPositions(band, wanted);
    const data = single ? Float32Array.from(selected) : selected;
    return region ? { data, ...croppedGrid(image, region) } : derived(image, data);
  };

  let input: Band = wrapPad(image, levels[0].input);
  const out: DerivedImage[] = [];
  levels.forEach((positions, i) => {
    const [approximation, ...details] = oneLevel(input, positions.output, padded, axes, bank);
    input = approximation;
    const kept = i + 1 - startLevel; // 1 for the first level kept
    if (kept < 1) return;
    const prefix = kept === 1 ? 'wavelet' : `wavelet${kept}`;
    for (const band of details) out.push({ name: `${prefix}-${band.name}`, image: bandOf(band) });
  });
  const approximationName = `${level === 1 ? 'wavelet' : `wavelet${level}`}-${'L'.repeat(axes.length)}`;
  out.push({ name: approximationName, image: bandOf(input) });
  return out;
}

interface FilterBank {
  low: number[];
  high: number[];
  /** Arithmetic in float32 (float32 images) rather than float64. */
  single: boolean;
}

/** Ascending positions along each axis (x, y, z) of the wrap-padded grid. */
type Positions = [Int32Array, Int32Array, Int32Array];

/**
 * Samples at the positions positions[0] × positions[1] × positions[2], x fastest; in float64
 * arrays also for float32 images (holding float32 values then, every operation rounded).
 */
interface Band {
  name: string;
  data: Float64Array;
  positions: Positions;
}

/** pywt's decomposition high-pass filter: the low-pass one reversed, every other sign flipped. */
export function highPassOf(low: readonly number[]): number[] {
  const f = low.length;
  return low.map((_, i) => ((f - 1 - i) % 2 === 1 ? -low[f - 1 - i] : low[f - 1 - i]));
}

/** lo, lo + 1, ..., hi */
function range(lo: number, hi: number): Int32Array {
  return Int32Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

/**
 * Where each of `count` levels must be computed (output) and what it reads (input) so that the
 * last level, and the detail bands of the levels after the first `startLevel`, cover `wanted`:
 * working back from the last level, a level's input is the support of its output along the
 * transformed axes, and the previous level's output is that input (plus `wanted` if it is kept).
 */
function levelPositions(
  count: number,
  startLevel: number,
  wanted: Positions,
  padded: Vec3,
  axes: number[],
  taps: number,
): { input: Positions; output: Positions }[] {
  const levels: { input: Positions; output: Positions }[] = [];
  let output = wanted;
  for (let i = count - 1; i >= 0; i--) {
    const input = output.map((p, a) => (axes.includes(a) ? convolutionSupport(p, padded[a], taps) : p)) as Positions;
    levels.unshift({ input, output });
    output = i - 1 >= startLevel ? (input.map((p, a) => union(p, wanted[a])) as Positions) : input;
  }
  return levels;
}

/** The positions the outputs at `outputs` read: (o + ⌊F/2⌋ − j) mod n for j < F, ascending. */
function convolutionSupport(outputs: Int32Array, n: number, taps: number): Int32Array {
  const read = new Uint8Array(n);
  for (const o of outputs) for (let j = 0; j < taps; j++) read[(((o + Math.floor(taps / 2) - j) % n) + n) % n] = 1;
  const positions: number[] = [];
  read.forEach((r, i) => r && positions.push(i));
  return Int32Array.from(positions);
}

function union(a: Int32Array, b: Int32Array): Int32Array {
  return Int32Array.from(new Set([...a, ...b])).sort();
}

/** One swtn level from `input`, at the positions `output`: the 2^d bands in pywt's order, the approximation (all L) first. */
function oneLevel(input: Band, output: Positions, padded: Vec3, axes: number[], bank: FilterBank): Band[] {
  let bands = [{ ...input, name: '' }];
  for (const axis of axes) {
    bands = bands.flatMap((band) => {
      const positions = band.positions.map((p, a) => (a === axis ? output[axis] : p)) as Positions;
      return [
        { name: `${band.name}L`, data: convolveAxis(band, output, padded, axis, bank.low, bank.single), positions },
        { name: `${band.name}H`, data: convolveAxis(band, output, padded, axis, bank.high, bank.single), positions },
      ];
    });
  }
  return bands;
}

/** The image at these positions of its wrap-padded grid: each odd-length axis extended by its first voxel. */
function wrapPad(image: Volume, positions: Positions): Band {
  const [nx, ny, nz] = image.size;
  const [px, py, pz] = positions;
  const out = new Float64Array(px.length * py.length * pz.length);
  let v = 0;
  for (let k = 0; k < pz.length; k++) {
    for (let j = 0; j < py.length; j++) {
      const row = nx * ((py[j] % ny) + ny * (pz[k] % nz));
      for (let i = 0; i < px.length; i++) out[v++] = image.data[row + (px[i] % nx)];
    }
  }
  return { name: '', data: out, positions };
}

/** The samples of `band` at the positions `wanted` (`band.data` itself when they are all it has); each of `wanted` is a run within the band's positions. */
function selectPositions(band: Band, wanted: Positions): Float64Array {
  const { data, positions } = band;
  if (positions.every((p, a) => p.length === wanted[a].length)) return data;
  const [sx, sy] = positions.map((p) => p.length);
  const [x0, y0, z0] = wanted.map((w, a) => positions[a].indexOf(w[0]));
  const [nx, ny, nz] = wanted.map((w) => w.length);
  const out = new Float64Array(nx * ny * nz);
  let v = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++, v += nx) {
      const start = x0 + sx * (y0 + y + sy * (z0 + z));
      out.set(data.subarray(start, start + nx), v);
    }
  }
  return out;
}

/**
 * Circular convolution of every line of `band` along `axis` with `filter` (pywt swt, level 1),
 * evaluated at the positions `output[axis]` (the band keeps its positions along the other axes).
 * Each output voxel accumulates its terms from 0 in the plan's order, so it is pywt's sum exactly;
 * the loops run over whole rows of x at a time so that memory is read in order.
 */
function convolveAxis(
  band: Band,
  output: Positions,
  padded: Vec3,
  axis: number,
  filter: readonly number[],
  single: boolean,
): Float64Array {
  const { data, positions } = band;
  const plan = periodicConvolutionPlan(padded[axis], filter.length, output[axis], positions[axis]);
  const size = positions.map((p) => p.length);
  // The volume as [outer][n][inner]: inner voxels share a position along `axis` and are contiguous.
  const inner = axis === 0 ? 1 : axis === 1 ? size[0] : size[0] * size[1];
  const lines = { nIn: size[axis], nOut: output[axis].length, inner, outer: data.length / (size[axis] * inner) };
  return inner === 1 ? convolveRows(data, lines, plan, filter, single) : convolveColumns(data, lines, plan, filter, single);
}

/** The volume as [outer][n][inner] (n = nIn samples along the axis in, nOut out). */
interface LineShape {
  nIn: number;
  nOut: number;
  inner: number;
  outer: number;
}

/** convolveAxis along x: one contiguous line at a time, each output summed in a local variable. */
function convolveRows(data: Float64Array, lines: LineShape, plan: ConvolutionPlan, filter: readonly number[], single: boolean): Float64Array {
  const { nIn, nOut, outer } = lines;
  const taps = filter.length;
  const out = new Float64Array(outer * nOut);
  for (let line = 0; line < outer; line++) {
    const base = line * nIn;
    for (let o = 0, t = 0; o < nOut; o++) {
      let sum = 0;
      for (const end = t + taps; t < end; t++) {
        const product = filter[plan.tap[t]] * data[base + plan.input[t]];
        sum = single ? Math.fround(sum + Math.fround(product)) : sum + product;
      }
      out[line * nOut + o] = sum;
    }
  }
  return out;
}

/** convolveAxis along y or z: every term is added to a whole row of x at a time. */
function convolveColumns(data: Float64Array, lines: LineShape, plan: ConvolutionPlan, filter: readonly number[], single: boolean): Float64Array {
  const { nIn, nOut, inner, outer } = lines;
  const taps = filter.length;
  const out = new Float64Array(outer * nOut * inner);
  for (let block = 0; block < outer; block++) {
    const base = block * nIn * inner;
    for (let o = 0; o < nOut; o++) {
      const target = (block * nOut + o) * inner;
      for (let t = o * taps; t < (o + 1) * taps; t++) {
        const weight = filter[plan.tap[t]];
        const source = base + plan.input[t] * inner;
        if (single) {
          // float32 arithmetic: the product is rounded, then the sum.
          for (let i = 0; i < inner; i++) out[target + i] = Math.fround(out[target + i] + Math.fround(weight * data[source + i]));
        } else {
          for (let i = 0; i < inner; i++) out[target + i] += weight * data[source + i];
        }
      }
    }
  }
  return out;
}

interface ConvolutionPlan {
  /** For the k-th output, the filter taps in the order pywt adds them: tap[k·F .. k·F + F − 1]. */
  tap: Int32Array;
  /** The input sample each of those taps multiplies, as an index into the input positions. */
  input: Int32Array;
}

/**
 * out[o] = Σ_j filter[j] · in[(o + ⌊F/2⌋ − j) mod N] for each o of `outputs` (positions on a line
 * of N samples, of which `inputs` are at hand), with the terms in pywt's summation order:
 * for centre i = o + ⌊F/2⌋ < N, taps 0, 1, …, F − 1; for i ≥ N (the centre has wrapped past the
 * end), pywt first adds taps i − N, i − N − 1, …, 0 and then i − N + 1, …, F − 1.
 */
function periodicConvolutionPlan(n: number, taps: number, outputs: Int32Array, inputs: Int32Array): ConvolutionPlan {
  const indexOf = new Int32Array(n).fill(-1);
  inputs.forEach((position, k) => (indexOf[position] = k));
  const tap = new Int32Array(outputs.length * taps);
  const input = new Int32Array(outputs.length * taps);
  let t = 0;
  const add = (centre: number, j: number) => {
    tap[t] = j;
    input[t++] = indexOf[(((centre - j) % n) + n) % n];
  };
  for (const o of outputs) {
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
