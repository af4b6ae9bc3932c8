/**
 * Correlation coefficients and their tests, as R's cor() and cor.test() compute them.
 *
 *   Pearson:  t = r √((n − 2)/(1 − r²)) on n − 2 df; CI by Fisher's z.
 *   Spearman: ρ = Pearson r of average ranks; S = (n³ − n)(1 − ρ)/6. p-value as cor.test:
 *             without ties and n < 1290 (R's exact = NULL) AS 89 — exact enumeration for n ≤ 9,
 *             Edgeworth series above; with ties or exact = false, t = ρ √((n − 2)/(1 − ρ²)) on n − 2 df.
 *   Kendall:  τ-b = (C − D)/√((n₀ − n₁)(n₀ − n₂)). p-value as cor.test: without ties and n < 50 the
 *             exact distribution of the number of concordant pairs T; otherwise the normal approximation
 *             of S = C − D with the tie-corrected variance.
 */
import { normalQuantile, normalSf, normalCdf, studentTCdf, studentTSf } from './distributions';
import { averageRanks, hasTies, ranksWithTies } from './ranks';

export interface CorrelationTest {
  method: 'pearson' | 'spearman' | 'kendall';
  /** r, ρ or τ-b. */
  estimate: number;
  /** t (Pearson), S (Spearman), T (Kendall, exact) or z (Kendall, normal approximation). */
  statistic: number;
  /** Degrees of freedom of t, when the p-value comes from a t distribution. */
  df?: number;
  /** Two-sided p-value. */
  pValue: number;
  /** Whether the p-value is exact (or AS 89's Edgeworth series) rather than asymptotic. */
  exact: boolean;
  /** Pearson only: confidence interval for r by Fisher's z transform. */
  confidenceInterval?: [number, number];
}

function checkPaired(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`x and y differ in length (${x.length} vs ${y.length})`);
  if (x.length < 3) throw new RangeError('a correlation test needs at least 3 pairs');
  return x.length;
}

/** Pearson r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² Σ(y−ȳ)²). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Two-sided p-value of r on n − 2 df: t = r √((n−2)/(1−r²)), p = 2 P(T > |t|). */
function correlationTTest(r: number, n: number): { t: number; pValue: number } {
  const df = n - 2;
  const t = (Math.sqrt(df) * r) / Math.sqrt(1 - r * r);
  const pValue = Math.min(1, 2 * Math.min(studentTCdf(t, df), studentTSf(t, df)));
  return { t, pValue };
}

/** Pearson's test (cor.test method = "pearson"): t on n − 2 df, CI tanh(atanh(r) ± z_{(1+level)/2}/√(n−3)). */
export function pearsonTest(x: ArrayLike<number>, y: ArrayLike<number>, level = 0.95): CorrelationTest {
  const n = checkPaired(x, y);
  const r = pearson(x, y);
  const { t, pValue } = correlationTTest(r, n);
  const result: CorrelationTest = { method: 'pearson', estimate: r, statistic: t, df: n - 2, pValue, exact: false };
  if (n > 3) {
    const half = normalQuantile((1 + level) / 2) / Math.sqrt(n - 3);
    result.confidenceInterval = [Math.tanh(Math.atanh(r) - half), Math.tanh(Math.atanh(r) + half)];
  }
  return result;
}

/** Spearman ρ = Pearson r of the average ranks of x and y. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(averageRanks(x), averageRanks(y));
}

/** Spearman's test (cor.test method = "spearman"); exact: undefined = R's default, false = t approximation. */
export function spearmanTest(x: ArrayLike<number>, y: ArrayLike<number>, options: { exact?: boolean } = {}): CorrelationTest {
  const n = checkPaired(x, y);
  const rho = spearman(x, y);
  const s = ((n * n * n - n) * (1 - rho)) / 6;
  const ties = hasTies(x) || hasTies(y);
  const exact = (options.exact ?? n < 1290) && !ties && n <= 1290;
  if (exact) {
    // two-sided: twice the tail on the side of S away from its mean (n³ − n)/6
    const lowerTail = !(s > (n * n * n - n) / 6);
    const tail = spearmanTail(Math.round(s) + (lowerTail ? 2 : 0), n, lowerTail);
    return { method: 'spearman', estimate: rho, statistic: s, pValue: Math.min(1, 2 * tail), exact: true };
  }
  const { pValue } = correlationTTest(1 - s / ((n * (n * n - 1)) / 6), n);
  return { method: 'spearman', estimate: rho, statistic: s, df: n - 2, pValue, exact: false };
}

const SPEARMAN_EXACT_MAX_N = 9;
const spearmanCountsCache = new Map<number, Map<number, number>>();

/** Number of permutations π of 1..n with S = Σ (i − π(i))² equal to each value (n ≤ 9: 9! = 362 880 permutations). */
function spearmanCounts(n: number): Map<number, number> {
  const cached = spearmanCountsCache.get(n);
  if (cached) return cached;
  const counts = new Map<number, number>();
  const used = new Uint8Array(n + 1);
  const visit = (position: number, sum: number) => {
    if (position > n) {
      counts.set(sum, (counts.get(sum) ?? 0) + 1);
      return;
    }
    for (let v = 1; v <= n; v++) {
      if (used[v]) continue;
      used[v] = 1;
      visit(position + 1, sum + (position - v) * (position - v));
      used[v] = 0;
    }
  };
  visit(1, 0);
  spearmanCountsCache.set(n, counts);
  return counts;
}

/**
 * AS 89 (R's prho): upper = P(S ≥ is); lower = P(S < is). Exact for n ≤ 9, else the Edgeworth series
 * P(S ≥ is) ≈ 1 − Φ(x) + x/n (c₁ + …) e^{−x²/2} with x = (6(is − 1)/(n(n²−1)) − 1) √(n − 1).
 */
function spearmanTail(is: number, n: number, lowerTail: boolean): number {
  const none = lowerTail ? 0 : 1;
  if (is <= 0) return none;
  if (is > (n * (n * n - 1)) / 3) return 1 - none;
  if (n <= SPEARMAN_EXACT_MAX_N) {
    let factorial = 1;
    for (let i = 2; i <= n; i++) factorial *= i;
    let atLeast = 0;
    for (const [value, count] of spearmanCounts(n)) if (value >= is) atLeast += count;
    return (lowerTail ? factorial - atLeast : atLeast) / factorial;
  }
  const [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12] = [
    0.2274, 0.2531, 0.1745, 0.0758, 0.1033, 0.3932, 0.0879, 0.0151, 0.0072, 0.0831, 0.0131, 4.6e-4,
  ];
  const b = 1 / n;
  const x = ((6 * (is - 1) * b) / (n * n - 1) - 1) * Math.sqrt(n - 1);
  const y = x * x;
  const u =
    x * b * (c1 + b * (c2 + c3 * b) + y * (-c4 + b * (c5 + c6 * b) - y * b * (c7 + c8 * b - y * (c9 - c10 * b + y * b * (c11 - c12 * y)))));
  const correction = u / Math.exp(y / 2);
  const p = lowerTail ? -correction + normalCdf(x) : correction + normalSf(x);
  return Math.max(0, Math.min(1, p));
}

/** Kendall τ-b = (C − D) / √((n₀ − n₁)(n₀ − n₂)), n₀ = n(n−1)/2, n₁, n₂ = pairs tied in x, in y. O(n²). */
export function kendall(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let concordantMinusDiscordant = 0;
  let tiedX = 0;
  let tiedY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const sx = Math.sign(x[i] - x[j]);
      const sy = Math.sign(y[i] - y[j]);
      if (sx === 0) tiedX++;
      if (sy === 0) tiedY++;
      concordantMinusDiscordant += sx * sy;
    }
  }
  const pairs = (n * (n - 1)) / 2;
  return concordantMinusDiscordant / Math.sqrt((pairs - tiedX) * (pairs - tiedY));
}

/** Kendall's test (cor.test method = "kendall"); exact: undefined = R's default (n < 50, no ties), false = normal. */
export function kendallTest(x: ArrayLike<number>, y: ArrayLike<number>, options: { exact?: boolean } = {}): CorrelationTest {
  const n = checkPaired(x, y);
  const tau = kendall(x, y);
  const xTies = ranksWithTies(x).tieSizes.filter((t) => t > 1);
  const yTies = ranksWithTies(y).tieSizes.filter((t) => t > 1);
  const ties = xTies.length > 0 || yTies.length > 0;
  if ((options.exact ?? n < 50) && !ties) {
    const q = Math.round(((tau + 1) * n * (n - 1)) / 4); // concordant pairs T
    const p = q > (n * (n - 1)) / 4 ? 1 - kendallCdf(q - 1, n) : kendallCdf(q, n);
    return { method: 'kendall', estimate: tau, statistic: q, pValue: Math.min(1, 2 * p), exact: true };
  }
  const sum = (sizes: number[], f: (t: number) => number) => sizes.reduce((acc, t) => acc + f(t), 0);
  const pairs = (n * (n - 1)) / 2;
  const t1 = sum(xTies, (t) => t * (t - 1)) / 2;
  const t2 = sum(yTies, (t) => t * (t - 1)) / 2;
  const s = tau * Math.sqrt((pairs - t1) * (pairs - t2));
  const v0 = n * (n - 1) * (2 * n + 5);
  const vt = sum(xTies, (t) => t * (t - 1) * (2 * t + 5));
  const vu = sum(yTies, (t) => t * (t - 1) * (2 * t + 5));
  const v1 = sum(xTies, (t) => t * (t - 1)) * sum(yTies, (t) => t * (t - 1));
  const v2 = sum(xTies, (t) => t * (t - 1) * (t - 2)) * sum(yTies, (t) => t * (t - 1) * (t - 2));
  const varianceS = (v0 - vt - vu) / 18 + v1 / (2 * n * (n - 1)) + v2 / (9 * n * (n - 1) * (n - 2));
  const z = s / Math.sqrt(varianceS);
  const pValue = Math.min(1, 2 * Math.min(normalCdf(z), normalSf(z)));
  return { method: 'kendall', estimate: tau, statistic: z, pValue, exact: false };
}

/** P(T ≤ q) for T = concordant pairs of a random permutation: Σ_{k ≤ q} c(k, n) / n!, c = Mahonian numbers. */
function kendallCdf(q: number, n: number): number {
  if (q < 0) return 0;
  const maxPairs = (n * (n - 1)) / 2;
  if (q >= maxPairs) return 1;
  // c(k, m) = Σ_{i=0}^{min(k, m−1)} c(k − i, m − 1): permutations of m items with k inversions
  let counts = new Float64Array(maxPairs + 1);
  counts[0] = 1;
  for (let m = 2; m <= n; m++) {
    const next = new Float64Array(maxPairs + 1);
    const top = (m * (m - 1)) / 2;
    let window = 0;
    for (let k = 0; k <= top; k++) {
      window += counts[k];
      if (k - m >= 0) window -= counts[k - m];
      next[k] = window;
    }
    counts = next;
  }
  let total = 0;
  let below = 0;
  for (let k = 0; k <= maxPairs; k++) {
    total += counts[k];
    if (k <= q) below += counts[k];
  }
  return below / total;
}
