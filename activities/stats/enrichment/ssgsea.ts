/**
 * Single-sample GSEA exactly as GSVA computes it (gsva(method = "ssgsea"), GSVA 1.46: ssgsea and
 * .fastRndWalk), including its normalization.
 *
 * Per sample: r_g = average rank of gene g among the sample's values (1 = lowest), truncated to
 * an integer (GSVA stores ranks as integers); genes ordered by r decreasing, ties by gene order
 * (R's stable order()); pos_g = position in that order (1 = highest). For a set S of k genes:
 *   ES = Σ_S |r_g|^τ (n − pos_g + 1) / Σ_S |r_g|^τ  −  (n(n+1)/2 − Σ_S (n − pos_g + 1)) / (n − k)
 * (the sum over all n steps of the weighted-KS walk P_hit − P_miss, in closed form).
 * ssgsea.norm = TRUE: every score divided by (max − min) over all sets and samples.
 * Cost: one sort per sample (n log n), then O(k) per set.
 * Differences from GSVA: duplicate genes within a set count once (GSVA would count them twice).
 */
import { z } from 'zod';
import { InvalidSettingsError, InvalidTableError } from '../../errors';
import { indexGeneSets } from './gene-set-index';

export const SsgseaOptions = z
  .object({
    /** τ, the weight exponent of the ranks (GSVA's tau; 0.25 for ssGSEA). */
    alpha: z.number().min(0).default(0.25),
    /** GSVA's ssgsea.norm: divide by the range of all scores. */
    normalize: z.boolean().default(true),
  })
  .strict();
export type SsgseaOptions = z.input<typeof SsgseaOptions>;

export interface SsgseaInput {
  /** Row names of `expression`. */
  genes: readonly string[];
  /** genes × samples. */
  expression: readonly ArrayLike<number>[];
  geneSets: Record<string, readonly string[]>;
}

export interface SsgseaResult {
  /** Kept sets, in input order. */
  setNames: string[];
  /** scores[set][sample]. */
  scores: Float64Array[];
  /** Sets with no gene in the matrix. */
  droppedSets: string[];
}

/** gsva(expr, geneSets, method = "ssgsea", tau = alpha, ssgsea.norm = normalize). */
export function ssgsea(input: SsgseaInput, options: SsgseaOptions = {}): SsgseaResult {
  const parsed = SsgseaOptions.safeParse(options);
  if (!parsed.success) throw new InvalidSettingsError(`ssGSEA options: ${parsed.error.message}`);
  const { alpha, normalize } = parsed.data;
  const { genes, expression } = input;
  if (expression.length !== genes.length) {
    throw new InvalidTableError(`expression matrix: ${expression.length} rows but ${genes.length} gene names`);
  }
  if (genes.length < 2) throw new InvalidTableError('expression matrix: fewer than two genes');
  const n = genes.length;
  const samples = expression[0].length;
  expression.forEach((row, g) => {
    if (row.length !== samples) throw new InvalidTableError(`expression matrix: row ${g} ("${genes[g]}") has ${row.length} values, row 0 has ${samples}`);
  });
  const sets = indexGeneSets(genes, input.geneSets);
  const scores = sets.names.map(() => new Float64Array(samples));

  const column = new Float64Array(n);
  const sorted = new Float64Array(n);
  const groupEnd = new Int32Array(n);
  const seen = new Int32Array(n);
  const position = new Float64Array(n); // n − pos + 1, the walk's weight of each gene's step
  const weight = new Float64Array(n); // |r|^τ
  const total = (n * (n + 1)) / 2;
  const rankWeight = Float64Array.from({ length: n + 1 }, (_, r) => Math.pow(r, alpha)); // r^τ, computed once
  for (let s = 0; s < samples; s++) {
    for (let g = 0; g < n; g++) {
      const v = expression[g][s];
      if (!Number.isFinite(v)) throw new InvalidTableError(`expression matrix: row ${g} ("${genes[g]}"), column ${s}: ${String(v)} is not a finite number`);
      column[g] = v;
    }
    rankSample(column, sorted, groupEnd, seen, position, weight, rankWeight);
    sets.members.forEach((members, k) => {
      let sumWeight = 0;
      let sumWeightedPosition = 0;
      let sumPosition = 0;
      for (let m = 0; m < members.length; m++) {
        const g = members[m];
        sumWeight += weight[g];
        sumWeightedPosition += weight[g] * position[g];
        sumPosition += position[g];
      }
      scores[k][s] = sumWeightedPosition / sumWeight - (total - sumPosition) / (n - members.length);
    });
  }
  if (normalize) {
    let min = Infinity;
    let max = -Infinity;
    for (const row of scores) for (const v of row) ((min = Math.min(min, v)), (max = Math.max(max, v)));
    const range = max - min;
    for (const row of scores) for (let s = 0; s < row.length; s++) row[s] /= range;
  }
  return { setNames: sets.names, scores, droppedSets: sets.dropped };
}

/**
 * Per gene: position[g] = n − pos + 1 (pos: 1-based place when genes are ordered by value
 * decreasing, ties by gene index increasing, as R's stable order on tied ranks) and
 * weight[g] = floor(average rank)^τ. One native numeric sort of the values, then per gene a
 * binary search for its tie group [lo, hi) in ascending order: average rank (lo + 1 + hi)/2, and
 * its place within the group counted in gene order.
 */
function rankSample(column: Float64Array, sorted: Float64Array, groupEnd: Int32Array, seen: Int32Array, position: Float64Array, weight: Float64Array, rankWeight: Float64Array): void {
  const n = column.length;
  sorted.set(column);
  sorted.sort();
  groupEnd.fill(-1);
  seen.fill(0);
  for (let g = 0; g < n; g++) {
    const v = column[g];
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    if (groupEnd[lo] < 0) {
      let end = lo + 1;
      while (end < n && sorted[end] === v) end++;
      groupEnd[lo] = end;
    }
    const end = groupEnd[lo];
    const placeFromTop = n - end + seen[lo]++; // 0-based position in decreasing order
    position[g] = n - placeFromTop;
    weight[g] = rankWeight[(lo + 1 + end) >>> 1]; // floor of the average rank
  }
}
