/**
 * A small seeded pseudo-random generator, so synthetic data is reproducible from its seed alone.
 *
 * Generator: xoshiro128** (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c),
 * 32-bit output, period 2^128 − 1; its 128-bit state is filled from the seed by splitmix32.
 * Everything is integer arithmetic (Math.imul, >>>), so the same seed gives the same numbers
 * on every platform. Nothing here (or anywhere in the synthetic generator) uses Math.random.
 */

/** splitmix32: a fast 32-bit mixer, used only to expand a seed into well-spread state words. */
function splitmix32(state: { value: number }): number {
  state.value = (state.value + 0x9e3779b9) | 0;
  let z = state.value;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotateLeft(x: number, bits: number): number {
  return (x << bits) | (x >>> (32 - bits));
}

export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined = undefined;

  /** Any integer seed (also negative or above 2^32: both 32-bit halves are used). */
  constructor(seed: number) {
    const low = seed >>> 0;
    const high = Math.floor(seed / 2 ** 32) >>> 0;
    const state = { value: low ^ splitmix32({ value: high }) }; // the high half, mixed, then the low half
    this.s0 = splitmix32(state);
    this.s1 = splitmix32(state);
    this.s2 = splitmix32(state);
    this.s3 = splitmix32(state);
  }

  /** A generator with the given raw xoshiro128** state (for checking against reference outputs). */
  static fromState(state: [number, number, number, number]): Random {
    const rng = new Random(0);
    [rng.s0, rng.s1, rng.s2, rng.s3] = state.map((word) => word | 0);
    return rng;
  }

  /** Next 32-bit unsigned integer (one xoshiro128** step). */
  nextUint32(): number {
    const result = Math.imul(rotateLeft(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotateLeft(this.s3, 11);
    return result;
  }

  /** An independent generator seeded from this one: gives each part of the data its own stream. */
  split(): Random {
    return new Random(this.nextUint32() * 2 ** 21 + (this.nextUint32() >>> 11));
  }

  /** Uniform in [min, max), with 53 random bits. */
  uniform(min = 0, max = 1): number {
    const unit = ((this.nextUint32() >>> 5) * 2 ** 26 + (this.nextUint32() >>> 6)) / 2 ** 53;
    return min + (max - min) * unit;
  }

  /** Uniform integer in [min, max] (both included). */
  integer(min: number, max: number): number {
    return min + Math.floor(this.uniform() * (max - min + 1));
  }

  /**
   * Normal(mean, sd) by Box–Muller: with u1 in (0, 1] and u2 in [0, 1), r = sqrt(−2 ln u1) and
   * θ = 2π u2 give two independent N(0, 1) draws, r·cos θ and r·sin θ. The second is kept for
   * the next call (half the logarithms: most of the time of an image is spent here).
   */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + sd * z;
    }
    const r = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const theta = 2 * Math.PI * this.uniform();
    this.spareNormal = r * Math.sin(theta);
    return mean + sd * r * Math.cos(theta);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /**
   * Poisson(mean) count. Knuth's product of uniforms below mean 30; above it the normal
   * approximation round(mean + sqrt(mean)·z), floored at 0 (accurate there, and O(1)).
   */
  poisson(mean: number): number {
    if (!(mean > 0)) return 0;
    if (mean >= 30) return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
    const limit = Math.exp(-mean);
    let count = 0;
    for (let product = this.uniform(); product > limit; product *= this.uniform()) count++;
    return count;
  }

  /** One item, each equally likely. */
  choose<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot choose from an empty list');
    return items[Math.floor(this.uniform() * items.length)];
  }

  /** Index i with probability weights[i] / Σ weights. */
  weightedIndex(weights: readonly number[]): number {
    const total = weights.reduce((sum, w) => sum + w, 0);
    let target = this.uniform(0, total);
    for (let i = 0; i < weights.length - 1; i++) {
      target -= weights[i];
      if (target < 0) return i;
    }
    return weights.length - 1;
  }

  /** k distinct indices from 0..n−1, ascending (partial Fisher–Yates shuffle). */
  sampleIndices(n: number, k: number): number[] {
    if (k > n) throw new RangeError(`cannot sample ${k} of ${n} items`);
    const pool = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = this.integer(i, n - 1);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, k).sort((a, b) => a - b);
  }
}
