/**
 * In-place 3D discrete Fourier transform (forward, unnormalised: X̂_k = Σ_n x_n e^(−2πi k·n / N))
 * of complex data in separate real and imaginary arrays, x fastest. Every dimension must be a
 * power of two: iterative radix-2 Cooley–Tukey along each axis in turn.
 */
import { InvalidSettingsError } from '../../errors';
import type { Vec3 } from '../../imaging/volume';

/** The smallest power of two ≥ n. */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Transform (re, im) of dimensions `size` in place. */
export function fft3d(re: Float64Array, im: Float64Array, size: Vec3): void {
  for (const n of size) if (n !== nextPowerOfTwo(n)) throw new InvalidSettingsError(`FFT size ${n} is not a power of two`);
  const strides = [1, size[0], size[0] * size[1]];
  for (let axis = 0; axis < 3; axis++) {
    const n = size[axis];
    if (n === 1) continue;
    const plan = fftPlan(n);
    const lineRe = new Float64Array(n);
    const lineIm = new Float64Array(n);
    const stride = strides[axis];
    const [u, v] = [0, 1, 2].filter((a) => a !== axis);
    for (let j = 0; j < size[v]; j++) {
      for (let i = 0; i < size[u]; i++) {
        const first = i * strides[u] + j * strides[v];
        for (let p = 0; p < n; p++) {
          lineRe[p] = re[first + p * stride];
          lineIm[p] = im[first + p * stride];
        }
        fft1d(lineRe, lineIm, plan);
        for (let p = 0; p < n; p++) {
          re[first + p * stride] = lineRe[p];
          im[first + p * stride] = lineIm[p];
        }
      }
    }
  }
}

interface FftPlan {
  /** Bit-reversed position of every index. */
  reversed: Uint32Array;
  /** cos and −sin of 2πk/n, k < n/2. */
  cos: Float64Array;
  sin: Float64Array;
}

function fftPlan(n: number): FftPlan {
  const bits = Math.log2(n);
  const reversed = Uint32Array.from({ length: n }, (_, k) => {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((k >> b) & 1) << (bits - 1 - b);
    return r;
  });
  const half = n / 2;
  return {
    reversed,
    cos: Float64Array.from({ length: half }, (_, k) => Math.cos((2 * Math.PI * k) / n)),
    sin: Float64Array.from({ length: half }, (_, k) => -Math.sin((2 * Math.PI * k) / n)),
  };
}

/** Radix-2 decimation-in-time FFT of one line, in place. */
function fft1d(re: Float64Array, im: Float64Array, plan: FftPlan): void {
  const n = re.length;
  for (let k = 0; k < n; k++) {
    const r = plan.reversed[k];
    if (r > k) {
      const tr = re[k];
      const ti = im[k];
      re[k] = re[r];
      im[k] = im[r];
      re[r] = tr;
      im[r] = ti;
    }
  }
  for (let length = 2; length <= n; length *= 2) {
    const half = length / 2;
    const step = n / length;
    for (let start = 0; start < n; start += length) {
      for (let k = 0; k < half; k++) {
        const wr = plan.cos[k * step];
        const wi = plan.sin[k * step];
        const a = start + k;
        const b = a + half;
        const tr = wr * re[b] - wi * im[b];
        const ti = wr * im[b] + wi * re[b];
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}
