/**
 * Similarity network fusion (Wang et al., Nat Methods 2014), following SNFtool's R functions
 * dist2, affinityMatrix and SNF.
 *   squaredDistances: D_ij = ‖x_i − x_j‖²  (SNFtool's dist2; negative rounding clipped to 0)
 *   affinityMatrix(D, K, σ): μ_i = mean of the K smallest D_i· after the self-distance;
 *     ε_ij = (μ_i + μ_j)/3 + D_ij/3 (+ machine ε);  W_ij = N(D_ij; 0, σ ε_ij) (a normal density of D, as SNFtool)
 *   normalize(W): off-diagonal W_ij / (2 Σ_{k≠i} W_ik), diagonal ½; then symmetrized (W + Wᵀ)/2
 *   S = K-nearest-neighbour kernel of each view: keep each row's K largest entries, rows sum to 1
 *   t times, for every view v:  P_v ← S_v (Σ_{u≠v} P_u / (m − 1)) S_vᵀ, then normalize, symmetrize
 *   fused = normalize(mean_v P_v), symmetrized
 * `alpha` is SNFtool's σ (the paper's η, typically 0.3–0.8).
 */
import { z } from 'zod';
import { InvalidSettingsError, InvalidTableError } from '../../errors';
import { validateMatrix } from './matrix-input';

const EPS = 2.220446049250313e-16; // R's .Machine$double.eps

export const SnfOptions = z
  .object({ K: z.number().int().min(1).default(20), t: z.number().int().min(1).default(20) })
  .strict();
export type SnfOptions = z.input<typeof SnfOptions>;

/** SNFtool's dist2: squared Euclidean distances between rows (observations × features). */
export function squaredDistances(data: readonly (readonly number[])[]): number[][] {
  const rows = validateMatrix(data, 'SNF data');
  return rows.map((a) => rows.map((b) => Math.max(0, a.reduce((s, v, j) => s + (v - b[j]) ** 2, 0))));
}

/** SNFtool's standardNormalization: each column to mean 0, sd 1 (n − 1). */
export function standardNormalization(data: readonly (readonly number[])[]): number[][] {
  const rows = validateMatrix(data, 'SNF data', 2);
  const n = rows.length;
  const means = rows[0].map((_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const sds = rows[0].map((_, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j] - means[j]) ** 2, 0) / (n - 1)));
  return rows.map((r) => r.map((v, j) => (sds[j] > 0 ? (v - means[j]) / sds[j] : 0)));
}

/** SNFtool's affinityMatrix(Diff, K, sigma): scaled exponential similarity kernel. */
export function affinityMatrix(distances: readonly (readonly number[])[], K = 20, alpha = 0.5): number[][] {
  const raw = validateMatrix(distances, 'SNF distances', 2);
  const n = raw.length;
  if (raw[0].length !== n) throw new InvalidTableError(`SNF distances: ${n} rows but ${raw[0].length} columns (need a square matrix)`);
  if (!(K >= 1 && K < n)) throw new InvalidSettingsError(`affinityMatrix: K must be in 1..${n - 1}, got ${K}`);
  if (!(alpha > 0)) throw new InvalidSettingsError(`affinityMatrix: alpha must be positive, got ${alpha}`);
  const diff = raw.map((row, i) => row.map((v, j) => (i === j ? 0 : (v + raw[j][i]) / 2)));
  // SNFtool sorts each column; the matrix is symmetric, so column i = row i.
  const means = diff.map((row) => {
    const sorted = [...row].sort((a, b) => a - b);
    return sorted.slice(1, K + 1).reduce((s, v) => s + v, 0) / K + EPS;
  });
  const densities = diff.map((row, i) =>
    row.map((dij, j) => {
      let sigma = ((means[i] + means[j]) / 2 / 3) * 2 + dij / 3 + EPS;
      if (sigma <= EPS) sigma = EPS;
      const sd = alpha * sigma;
      return Math.exp(-(dij * dij) / (2 * sd * sd)) / (sd * Math.sqrt(2 * Math.PI));
    }),
  );
  return densities.map((row, i) => row.map((v, j) => (v + densities[j][i]) / 2));
}

/** SNFtool's SNF(Wall, K, t): the fused similarity network of several views' affinity matrices. */
export function snf(affinities: readonly (readonly (readonly number[])[])[], options: SnfOptions = {}): number[][] {
  const parsed = SnfOptions.safeParse(options);
  if (!parsed.success) throw new InvalidSettingsError(`SNF options: ${parsed.error.message}`);
  const { K, t } = parsed.data;
  if (affinities.length < 2) throw new InvalidTableError(`SNF: needs at least two views, got ${affinities.length}`);
  const n = affinities[0].length;
  const views = affinities.map((w, v) => {
    const m = validateMatrix(w, `SNF view ${v}`, 2);
    if (m.length !== n || m[0].length !== n) throw new InvalidTableError(`SNF view ${v}: ${m.length} × ${m[0].length}, view 0 is ${n} × ${n}`);
    return symmetrize(normalizeNetwork(m));
  });
  if (!(K >= 1 && K <= n)) throw new InvalidSettingsError(`SNF: K must be in 1..${n}, got ${K}`);
  const kernels = views.map((w) => nearestNeighbourKernel(w, K));
  let status = views;
  for (let iter = 0; iter < t; iter++) {
    const next = status.map((_, v) => {
      const others = sumOthers(status, v);
      return multiply(multiply(kernels[v], others), transpose(kernels[v]));
    });
    status = next.map((w) => symmetrize(normalizeNetwork(w)));
  }
  const mean = status[0].map((row, i) => row.map((_, j) => status.reduce((s, w) => s + w[i][j], 0) / status.length));
  return symmetrize(normalizeNetwork(mean));
}

/** W_ij / (2 Σ_{k≠i} W_ik) off the diagonal (a zero sum counts as 1), ½ on it. */
function normalizeNetwork(w: number[][]): number[][] {
  return w.map((row, i) => {
    let sum = row.reduce((s, v) => s + v, 0) - row[i];
    if (sum === 0) sum = 1;
    return row.map((v, j) => (i === j ? 0.5 : v / (2 * sum)));
  });
}

function symmetrize(w: number[][]): number[][] {
  return w.map((row, i) => row.map((v, j) => (v + w[j][i]) / 2));
}

/** Keep each row's K largest entries (SNFtool's .dominateset: ties resolved by R's sort order), rows sum to 1. */
function nearestNeighbourKernel(w: number[][], K: number): number[][] {
  return w.map((row) => {
    const ascending = row.map((_, j) => j).sort((a, b) => row[a] - row[b] || a - b);
    const kept = new Array<number>(row.length).fill(0);
    for (const j of ascending.slice(row.length - K)) kept[j] = row[j];
    const sum = kept.reduce((s, v) => s + v, 0);
    return kept.map((v) => v / sum);
  });
}

function sumOthers(views: number[][][], skip: number): number[][] {
  const n = views[0].length;
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  views.forEach((w, v) => {
    if (v === skip) return;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i][j] += w[i][j] / (views.length - 1);
  });
  return out;
}

function transpose(a: number[][]): number[][] {
  return a[0].map((_, j) => a.map((row) => row[j]));
}

function multiply(a: number[][], b: number[][]): number[][] {
  const n = a.length;
  const m = b[0].length;
  const out = Array.from({ length: n }, () => new Array<number>(m).fill(0));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < b.length; k++) {
      const aik = a[i][k];
      if (aik === 0) continue;
      const bk = b[k];
      const oi = out[i];
      for (let j = 0; j < m; j++) oi[j] += aik * bk[j];
    }
  }
  return out;
}
