/**
 * Two-sample and contingency-table tests, as R's wilcox.test, fisher.test and chisq.test compute them.
 */
import { chiSquareSf, logChoose, normalCdf, normalSf } from './distributions';
import { ranksWithTies } from './ranks';

export interface MannWhitneyResult {
  /** W = R₁ − n₁(n₁+1)/2, the Mann–Whitney U of the first sample (R's W). */
  statistic: number;
  pValue: number;
  /** True when the p-value comes from the exact null distribution of W. */
  exact: boolean;
}

/**
 * Mann–Whitney U / Wilcoxon rank-sum test, two-sided (wilcox.test(x, y)). exact: undefined = R's default
 * (both samples < 50 and no ties), false = normal approximation
 * z = (W − n₁n₂/2 − sign·½) / √(n₁n₂/12 · (n₁+n₂+1 − Σ(t³−t)/((n₁+n₂)(n₁+n₂−1)))).
 */
export function mannWhitneyU(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: { exact?: boolean; correct?: boolean } = {},
): MannWhitneyResult {
  const nx = x.length;
  const ny = y.length;
  if (nx < 1 || ny < 1) throw new RangeError('both samples need at least one value');
  const combined = new Float64Array(nx + ny);
  combined.set(Array.from(x), 0);
  combined.set(Array.from(y), nx);
  const { ranks, tieSizes } = ranksWithTies(combined);
  let rankSumX = 0;
  for (let i = 0; i < nx; i++) rankSumX += ranks[i];
  const w = rankSumX - (nx * (nx + 1)) / 2;
  const ties = tieSizes.some((t) => t > 1);
  if ((options.exact ?? (nx < 50 && ny < 50)) && !ties) {
    const p = w > (nx * ny) / 2 ? 1 - wilcoxonCdf(w - 1, nx, ny) : wilcoxonCdf(w, nx, ny);
    return { statistic: w, pValue: Math.min(1, 2 * p), exact: true };
  }
  const n = nx + ny;
  const tieTerm = tieSizes.reduce((sum, t) => sum + t * t * t - t, 0) / (n * (n - 1));
  const sigma = Math.sqrt(((nx * ny) / 12) * (n + 1 - tieTerm));
  const centered = w - (nx * ny) / 2;
  const correction = options.correct === false ? 0 : Math.sign(centered) * 0.5;
  const z = (centered - correction) / sigma;
  return { statistic: w, pValue: Math.min(1, 2 * Math.min(normalCdf(z), normalSf(z))), exact: false };
}

/** P(W ≤ q) under H₀: count subsets of size m of 1..m+n by rank sum (W = sum − m(m+1)/2), divided by C(m+n, m). */
function wilcoxonCdf(q: number, m: number, n: number): number {
  if (q < 0) return 0;
  if (q >= m * n) return 1;
  // counts[j][u]: ways to choose j of the items seen so far with U-statistic u; item k adds (k − j) to U
  // Equivalent recursion: number of m-subsets with W = u is the coefficient of z^u in the Gaussian binomial [m+n choose m].
  let counts: Float64Array[] = Array.from({ length: m + 1 }, () => new Float64Array(m * n + 1));
  counts[0][0] = 1;
  for (let k = 1; k <= m + n; k++) {
    const next = counts.map((row) => row.slice());
    for (let j = 1; j <= Math.min(k, m); j++) {
      // choosing item k as the j-th pick: it exceeds (k − j) unchosen items so far
      const gain = k - j;
      if (gain > n) continue;
      const from = counts[j - 1];
      const to = next[j];
      for (let u = 0; u + gain <= m * n; u++) if (from[u] !== 0) to[u + gain] += from[u];
    }
    counts = next;
  }
  const dist = counts[m];
  let below = 0;
  let total = 0;
  for (let u = 0; u <= m * n; u++) {
    total += dist[u];
    if (u <= q) below += dist[u];
  }
  return below / total;
}

export interface FisherExactResult {
  /** Two-sided p-value: Σ of table probabilities ≤ the observed one × (1 + 1e−7). */
  pValue: number;
  /** Conditional maximum-likelihood odds ratio (as fisher.test's estimate). */
  oddsRatio: number;
  /** Sample odds ratio ad/bc. */
  sampleOddsRatio: number;
}

/** Fisher's exact test on [[a, b], [c, d]], two-sided (fisher.test on a 2 × 2 table). */
export function fisherExact2x2(table: readonly [readonly [number, number], readonly [number, number]]): FisherExactResult {
  const [[a, b], [c, d]] = table;
  for (const v of [a, b, c, d]) if (!(Number.isInteger(v) && v >= 0)) throw new RangeError('table cells must be non-negative integers');
  const m = a + c; // first column
  const n = b + d; // second column
  const k = a + b; // first row
  const lo = Math.max(0, k - n);
  const hi = Math.min(k, m);
  // hypergeometric log-densities C(m, x) C(n, k − x) / C(m + n, k) over the support lo..hi
  const logDensity = [];
  for (let x = lo; x <= hi; x++) logDensity.push(logChoose(m, x) + logChoose(n, k - x) - logChoose(m + n, k));
  const density = noncentralHypergeometric(logDensity, lo, 1);
  const observed = density[a - lo];
  let pValue = 0;
  for (const p of density) if (p <= observed * (1 + 1e-7)) pValue += p;
  return {
    pValue: Math.min(1, pValue),
    oddsRatio: conditionalOddsRatio(logDensity, lo, hi, a),
    sampleOddsRatio: (a * d) / (b * c),
  };
}

/** Fisher's noncentral hypergeometric density ∝ C(m, x) C(n, k − x) ψˣ over lo..hi, normalized. */
function noncentralHypergeometric(logDensity: number[], lo: number, psi: number): number[] {
  const logs = logDensity.map((value, i) => value + Math.log(psi) * (lo + i));
  const top = Math.max(...logs);
  const weights = logs.map((value) => Math.exp(value - top));
  const total = weights.reduce((s, w) => s + w, 0);
  return weights.map((w) => w / total);
}

/** Conditional MLE of the odds ratio: ψ with E_ψ[X] = a (bisection on log ψ; 0 or ∞ at the support ends). */
function conditionalOddsRatio(logDensity: number[], lo: number, hi: number, a: number): number {
  if (a === lo) return 0;
  if (a === hi) return Infinity;
  const mean = (psi: number) => noncentralHypergeometric(logDensity, lo, psi).reduce((s, p, i) => s + p * (lo + i), 0);
  let low = -50;
  let high = 50;
  for (let iteration = 0; iteration < 200 && high - low > 1e-14; iteration++) {
    const mid = (low + high) / 2;
    if (mean(Math.exp(mid)) < a) low = mid;
    else high = mid;
  }
  return Math.exp((low + high) / 2);
}

export interface ChiSquareResult {
  statistic: number;
  df: number;
  pValue: number;
  /** Expected counts under independence, row total × column total / N. */
  expected: number[][];
}

/**
 * Pearson's χ² test of independence on an r × c table (chisq.test): X² = Σ (|O − E| − Y)² / E on
 * (r − 1)(c − 1) df, where Y = min(½, min |O − E|) for a 2 × 2 table with correct = true (Yates), else 0.
 */
export function chiSquareTest(table: readonly (readonly number[])[], options: { correct?: boolean } = {}): ChiSquareResult {
  const rows = table.length;
  const cols = table[0]?.length ?? 0;
  if (rows < 2 || cols < 2 || table.some((row) => row.length !== cols)) throw new RangeError('need an r × c table with r, c ≥ 2');
  const rowTotals = table.map((row) => row.reduce((s, v) => s + v, 0));
  const colTotals = Array.from({ length: cols }, (_, j) => table.reduce((s, row) => s + row[j], 0));
  const total = rowTotals.reduce((s, v) => s + v, 0);
  const expected = rowTotals.map((r) => colTotals.map((c) => (r * c) / total));
  let yates = 0;
  if ((options.correct ?? true) && rows === 2 && cols === 2) {
    yates = 0.5;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) yates = Math.min(yates, Math.abs(table[i][j] - expected[i][j]));
  }
  let statistic = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) statistic += (Math.abs(table[i][j] - expected[i][j]) - yates) ** 2 / expected[i][j];
  }
  const df = (rows - 1) * (cols - 1);
  return { statistic, df, pValue: chiSquareSf(statistic, df), expected };
}
