/**
 * k-means clustering. Lloyd's algorithm exactly as R's kmeans(algorithm = "Lloyd") (C_kmeans_Lloyd):
 * assign each point to its nearest center (first on ties), stop when no assignment changes,
 * else move each center to its cluster's mean. Starting centers are given, or chosen by seeded
 * k-means++ (D² sampling; `nStart` restarts, the lowest total within-cluster SS kept).
 * R's default algorithm is Hartigan–Wong; its results can differ from Lloyd's.
 *   withinss_k = Σ_{i∈k} ‖x_i − c_k‖²,  totss = Σ_i ‖x_i − x̄‖²,  betweenss = totss − Σ withinss
 */
import { z } from 'zod';
import { InvalidSettingsError, InvalidTableError } from '../../errors';
import { Random } from '../../sources/synthetic/random';
import { validateMatrix } from './matrix-input';

export const KmeansOptions = z
  .object({
    /** Number of clusters (ignored when `centers` is given). */
    k: z.number().int().min(1).optional(),
    /** Starting centers (k × variables). */
    centers: z.array(z.array(z.number())).optional(),
    maxIter: z.number().int().min(1).default(10),
    seed: z.number().int().default(1),
    nStart: z.number().int().min(1).default(1),
  })
  .strict()
  .refine((o) => o.k !== undefined || o.centers !== undefined, { message: 'give k or centers' });
export type KmeansOptions = z.input<typeof KmeansOptions>;

export interface KmeansResult {
  /** Cluster of each observation, 1-based as in R. */
  cluster: number[];
  centers: number[][];
  withinss: number[];
  totWithinss: number;
  betweenss: number;
  totss: number;
  size: number[];
  /** Passes, as R counts them (maxIter + 1 when not converged). */
  iter: number;
  converged: boolean;
}

/** kmeans(data, centers, algorithm = "Lloyd", iter.max = maxIter); data = observations × variables. */
export function kmeans(data: readonly (readonly number[])[], options: KmeansOptions): KmeansResult {
  const parsed = KmeansOptions.safeParse(options);
  if (!parsed.success) throw new InvalidSettingsError(`k-means options: ${parsed.error.message}`);
  const { centers, maxIter, seed, nStart } = parsed.data;
  const rows = validateMatrix(data, 'k-means data');
  if (centers) {
    const start = validateMatrix(centers, 'k-means centers');
    if (start[0].length !== rows[0].length) throw new InvalidTableError(`k-means centers: ${start[0].length} columns but data has ${rows[0].length}`);
    return lloyd(rows, start, maxIter);
  }
  const k = parsed.data.k!;
  if (k > new Set(rows.map((r) => r.join(','))).size) throw new InvalidTableError(`k-means data: fewer distinct points than k = ${k}`);
  const rng = new Random(seed);
  let best: KmeansResult | undefined;
  for (let s = 0; s < nStart; s++) {
    const result = lloyd(rows, kmeansPlusPlus(rows, k, rng), maxIter);
    if (!best || result.totWithinss < best.totWithinss) best = result;
  }
  return best!;
}

function squaredDistance(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
  return s;
}

/** k-means++ (Arthur & Vassilvitskii 2007): first center uniform, then each with probability ∝ D². */
export function kmeansPlusPlus(rows: number[][], k: number, rng: Random): number[][] {
  const centers = [rows[Math.floor(rng.uniform() * rows.length)]];
  const nearest = rows.map((r) => squaredDistance(r, centers[0]));
  while (centers.length < k) {
    const total = nearest.reduce((s, d) => s + d, 0);
    let target = rng.uniform() * total;
    let pick = rows.length - 1;
    for (let i = 0; i < rows.length; i++) {
      target -= nearest[i];
      if (target < 0 && nearest[i] > 0) {
        pick = i;
        break;
      }
    }
    centers.push(rows[pick]);
    rows.forEach((r, i) => (nearest[i] = Math.min(nearest[i], squaredDistance(r, rows[pick]))));
  }
  return centers.map((c) => [...c]);
}

/** R's C_kmeans_Lloyd. */
function lloyd(rows: number[][], start: number[][], maxIter: number): KmeansResult {
  const n = rows.length;
  const p = rows[0].length;
  const k = start.length;
  const centers = start.map((c) => [...c]);
  const cluster = new Array<number>(n).fill(-1);
  let iter = 0;
  let converged = false;
  for (; iter < maxIter; iter++) {
    let updated = false;
    for (let i = 0; i < n; i++) {
      let best = Infinity;
      let chosen = 0;
      for (let c = 0; c < k; c++) {
        const d = squaredDistance(rows[i], centers[c]);
        if (d < best) ((best = d), (chosen = c));
      }
      if (cluster[i] !== chosen) ((cluster[i] = chosen), (updated = true));
    }
    if (!updated) {
      converged = true;
      break;
    }
    const counts = new Array<number>(k).fill(0);
    for (const c of centers) c.fill(0);
    rows.forEach((r, i) => {
      counts[cluster[i]]++;
      for (let j = 0; j < p; j++) centers[cluster[i]][j] += r[j];
    });
    centers.forEach((c, ci) => c.forEach((_, j) => (c[j] /= counts[ci])));
  }
  const withinss = new Array<number>(k).fill(0);
  rows.forEach((r, i) => (withinss[cluster[i]] += squaredDistance(r, centers[cluster[i]])));
  const grand = Array.from({ length: p }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const totss = rows.reduce((s, r) => s + squaredDistance(r, grand), 0);
  const totWithinss = withinss.reduce((s, w) => s + w, 0);
  const size = Array.from({ length: k }, (_, c) => cluster.filter((x) => x === c).length);
  if (size.some((s) => s === 0)) throw new InvalidTableError('k-means: a cluster became empty; choose other starting centers or a smaller k');
  return { cluster: cluster.map((c) => c + 1), centers, withinss, totWithinss, betweenss: totss - totWithinss, totss, size, iter: iter + 1, converged };
}
