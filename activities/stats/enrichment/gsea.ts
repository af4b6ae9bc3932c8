/**
 * Preranked gene set enrichment analysis (Subramanian et al. 2005, weighted Kolmogorov–Smirnov,
 * as fgsea's simple mode): a gene-level statistic ranks the genes (decreasing; ties by input
 * order), and for a set S of k genes among N:
 *   walk step at a hit g:  +|r_g|^p / Σ_S |r|^p      at a miss: −1 / (N − k)
 *   ES = the walk's largest deviation from 0 (signed)
 * Null: ES of `permutations` random gene sets of the same size (seeded xoshiro128**, reproducible).
 *   p = (#{null ES ≥ ES} + 1) / (#{null ES ≥ 0} + 1) for ES ≥ 0 (mirror image for ES < 0)
 *   NES = ES / mean(null ES of the same sign)
 * Each ES costs O(k log k): only hits are visited; between hits the walk falls linearly, so its
 * maximum sits at a hit and its minimum just before one.
 */
import { z } from 'zod';
import { InvalidSettingsError, InvalidTableError } from '../../errors';
import { Random } from '../../sources/synthetic/random';
import { indexGeneSets } from './gene-set-index';

export const GseaOptions = z
  .object({
    /** Exponent p of the hit weights |r|^p (1: the classic weighted GSEA; 0: unweighted KS). */
    weight: z.number().min(0).default(1),
    permutations: z.number().int().min(1).default(1000),
    seed: z.number().int().default(1),
    minSize: z.number().int().min(1).default(1),
    maxSize: z.number().int().min(1).default(Number.MAX_SAFE_INTEGER),
  })
  .strict();
export type GseaOptions = z.input<typeof GseaOptions>;

export interface GseaSetResult {
  name: string;
  size: number;
  es: number;
  nes: number;
  pValue: number;
  /** Set genes at or before the peak (ES ≥ 0), or at or after the trough (ES < 0), in ranked order. */
  leadingEdge: string[];
}

/** Preranked GSEA of every set with minSize ≤ |S ∩ genes| ≤ maxSize; results in input order. */
export function preRankedGsea(
  input: { genes: readonly string[]; stats: readonly number[]; geneSets: Record<string, readonly string[]> },
  options: GseaOptions = {},
): GseaSetResult[] {
  const parsed = GseaOptions.safeParse(options);
  if (!parsed.success) throw new InvalidSettingsError(`GSEA options: ${parsed.error.message}`);
  const { weight, permutations, seed, minSize, maxSize } = parsed.data;
  const { genes, stats } = input;
  if (stats.length !== genes.length) throw new InvalidTableError(`ranked list: ${stats.length} statistics but ${genes.length} genes`);
  stats.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new InvalidTableError(`ranked list: row ${i} ("${genes[i]}"): ${String(v)} is not a finite number`);
  });
  const n = genes.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => stats[b] - stats[a] || a - b);
  const rankOf = new Uint32Array(n);
  order.forEach((g, r) => (rankOf[g] = r));
  const rankedWeights = Float64Array.from(order, (g) => Math.pow(Math.abs(stats[g]), weight));

  const sets = indexGeneSets(genes, input.geneSets, 'ranked list');
  const rng = new Random(seed);
  const pool = Uint32Array.from({ length: n }, (_, i) => i);
  const results: GseaSetResult[] = [];
  sets.names.forEach((name, s) => {
    const k = sets.members[s].length;
    if (k < minSize || k > maxSize || k >= n) return;
    const ranks = Uint32Array.from(sets.members[s], (g) => rankOf[g]).sort();
    const { es, peak } = enrichmentScore(ranks, rankedWeights, n);
    const nullScores = new Float64Array(permutations);
    for (let b = 0; b < permutations; b++) nullScores[b] = enrichmentScore(randomRanks(pool, k, rng), rankedWeights, n).es;
    const sameSign = nullScores.filter((v) => (es >= 0 ? v >= 0 : v < 0));
    const asExtreme = sameSign.filter((v) => (es >= 0 ? v >= es : v <= es)).length;
    const meanSameSign = sameSign.reduce((a, v) => a + v, 0) / sameSign.length;
    const leading = es >= 0 ? ranks.filter((r) => r <= peak) : ranks.filter((r) => r >= peak);
    results.push({
      name,
      size: k,
      es,
      nes: sameSign.length > 0 ? es / Math.abs(meanSameSign) : NaN,
      pValue: (asExtreme + 1) / (sameSign.length + 1),
      leadingEdge: Array.from(leading, (r) => genes[order[r]]),
    });
  });
  return results;
}

/** Signed maximum deviation of the weighted KS walk, visiting only the hits (sorted ranks). */
export function enrichmentScore(sortedRanks: Uint32Array, rankedWeights: Float64Array, n: number): { es: number; peak: number } {
  const k = sortedRanks.length;
  let total = 0;
  for (let i = 0; i < k; i++) total += rankedWeights[sortedRanks[i]];
  const missStep = 1 / (n - k);
  let cumulative = 0;
  let max = 0;
  let maxAt = -1;
  let min = 0;
  let minAt = -1;
  for (let i = 0; i < k; i++) {
    const r = sortedRanks[i];
    const before = cumulative / total - (r - i) * missStep; // after the misses preceding this hit
    if (before < min) ((min = before), (minAt = r - 1));
    cumulative += rankedWeights[r];
    const after = before + rankedWeights[r] / total;
    if (after > max) ((max = after), (maxAt = r));
  }
  const end = 1 - (n - k) * missStep; // 0 up to rounding
  if (end < min) ((min = end), (minAt = n - 1));
  return max >= -min ? { es: max, peak: maxAt } : { es: min, peak: minAt + 1 };
}

/** k distinct ranks by a partial Fisher–Yates shuffle of `pool`, undone afterwards (O(k)). */
function randomRanks(pool: Uint32Array, k: number, rng: Random): Uint32Array {
  const n = pool.length;
  const swaps = new Uint32Array(k);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng.uniform() * (n - i));
    swaps[i] = j;
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  const picked = pool.slice(0, k).sort();
  for (let i = k - 1; i >= 0; i--) [pool[i], pool[swaps[i]]] = [pool[swaps[i]], pool[i]];
  return picked;
}
