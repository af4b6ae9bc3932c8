/**
 * Seeded nonparametric bootstrap confidence intervals (percentile and BCa, Efron & Tibshirani 1993,
 * ch. 13–14). Resampling uses the project's xoshiro128** generator, so a seed gives the same interval
 * on every platform.
 */
import { Random } from '../sources/synthetic/random';
import { normalCdf, normalQuantile } from './distributions';

/** A statistic of the observations selected by `indices` (indices may repeat). */
export type IndexedStatistic = (indices: Uint32Array) => number;

export interface BootstrapOptions {
  replicates?: number;
  seed?: number;
  level?: number;
  method?: 'percentile' | 'bca';
}

export interface BootstrapInterval {
  estimate: number;
  lower: number;
  upper: number;
  method: 'percentile' | 'bca';
  level: number;
  replicates: number;
  seed: number;
  /** Standard deviation of the bootstrap replicates. */
  standardError: number;
}

/** Sample quantile, R's type 7: x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋+1₎ − x₍⌊h⌋₎), h = (n − 1)p. */
export function quantileType7(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Bootstrap replicates θ*_b = statistic(indices drawn uniformly with replacement from 0..n−1). */
export function bootstrapReplicates(n: number, statistic: IndexedStatistic, replicates: number, seed: number): Float64Array {
  const rng = new Random(seed);
  const out = new Float64Array(replicates);
  const indices = new Uint32Array(n);
  for (let b = 0; b < replicates; b++) {
    for (let i = 0; i < n; i++) indices[i] = rng.integer(0, n - 1);
    out[b] = statistic(indices);
  }
  return out;
}

/**
 * Percentile interval [θ*_(α/2), θ*_(1−α/2)], or BCa: the quantiles at Φ(z₀ + (z₀ + z_α)/(1 − a(z₀ + z_α))),
 * bias z₀ = Φ⁻¹(#{θ* < θ̂}/B) and acceleration a = Σ(θ̄₍.₎ − θ₍ᵢ₎)³ / (6 [Σ(θ̄₍.₎ − θ₍ᵢ₎)²]^{3/2}) by the jackknife.
 */
export function bootstrapCi(n: number, statistic: IndexedStatistic, options: BootstrapOptions = {}): BootstrapInterval {
  const replicates = options.replicates ?? 2000;
  const seed = options.seed ?? 1;
  const level = options.level ?? 0.95;
  const method = options.method ?? 'percentile';
  if (!(n >= 2)) throw new RangeError('bootstrap needs at least 2 observations');
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  const estimate = statistic(all);
  const boot = bootstrapReplicates(n, statistic, replicates, seed).sort();
  let mean = 0;
  for (const v of boot) mean += v;
  mean /= replicates;
  let ss = 0;
  for (const v of boot) ss += (v - mean) ** 2;
  const standardError = Math.sqrt(ss / (replicates - 1));
  const alpha = (1 - level) / 2;
  let pLower = alpha;
  let pUpper = 1 - alpha;
  if (method === 'bca') {
    let below = 0;
    for (const v of boot) if (v < estimate) below++;
    const z0 = normalQuantile(below / replicates);
    const a = jackknifeAcceleration(n, statistic);
    const adjust = (p: number) => {
      const z = normalQuantile(p);
      return normalCdf(z0 + (z0 + z) / (1 - a * (z0 + z)));
    };
    pLower = adjust(alpha);
    pUpper = adjust(1 - alpha);
  }
  return {
    estimate,
    lower: quantileType7(boot, pLower),
    upper: quantileType7(boot, pUpper),
    method,
    level,
    replicates,
    seed,
    standardError,
  };
}

/** Jackknife acceleration a = Σ dᵢ³ / (6 (Σ dᵢ²)^{3/2}), dᵢ = θ̄₍.₎ − θ₍ᵢ₎ (θ₍ᵢ₎ leaves observation i out). */
function jackknifeAcceleration(n: number, statistic: IndexedStatistic): number {
  const leaveOut = new Float64Array(n);
  const indices = new Uint32Array(n - 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0, k = 0; j < n; j++) if (j !== i) indices[k++] = j;
    leaveOut[i] = statistic(indices);
  }
  const mean = leaveOut.reduce((s, v) => s + v, 0) / n;
  let num = 0;
  let den = 0;
  for (const v of leaveOut) {
    const d = mean - v;
    num += d * d * d;
    den += d * d;
  }
  return den === 0 ? 0 : num / (6 * den ** 1.5);
}
