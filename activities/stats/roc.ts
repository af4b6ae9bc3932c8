/**
 * ROC analysis as pROC computes it (direction "<": higher scores mean "case"): the curve, the AUC,
 * DeLong's variance and confidence interval (ci.auc(method = "delong")) and DeLong's paired test of
 * two correlated AUCs (roc.test(method = "delong", paired = TRUE)).
 *
 * DeLong placements: ψ(a, b) = 1 if a > b, ½ if a = b, 0 if a < b;
 *   V₁₀(caseᵢ) = mean_j ψ(caseᵢ, controlⱼ),  V₀₁(controlⱼ) = mean_i ψ(caseᵢ, controlⱼ),  AUC = mean V₁₀.
 */
import { normalCdf, normalQuantile, normalSf } from './distributions';

export type Labels = ArrayLike<number | boolean>;

export interface RocCurve {
  /** Thresholds: −∞, midpoints between consecutive distinct scores, +∞ (as pROC); "case" when score > threshold. */
  thresholds: number[];
  sensitivities: number[];
  specificities: number[];
}

function splitByLabel(scores: ArrayLike<number>, labels: Labels): { cases: Float64Array; controls: Float64Array } {
  if (scores.length !== labels.length) throw new RangeError(`scores and labels differ in length (${scores.length} vs ${labels.length})`);
  const cases: number[] = [];
  const controls: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const label = Number(labels[i]);
    if (label !== 0 && label !== 1) throw new RangeError(`label ${String(labels[i])} at index ${i} is not 0/1`);
    (label === 1 ? cases : controls).push(scores[i]);
  }
  if (cases.length === 0 || controls.length === 0) throw new RangeError('ROC analysis needs at least one case and one control');
  return { cases: Float64Array.from(cases), controls: Float64Array.from(controls) };
}

/** Sensitivity P(score > t | case) and specificity P(score < t | control) at every distinct threshold. */
export function rocCurve(scores: ArrayLike<number>, labels: Labels): RocCurve {
  const { cases, controls } = splitByLabel(scores, labels);
  const distinct = Array.from(new Set(Array.from(scores))).sort((a, b) => a - b);
  const thresholds = [-Infinity];
  for (let i = 1; i < distinct.length; i++) thresholds.push((distinct[i - 1] + distinct[i]) / 2);
  thresholds.push(Infinity);
  const sortedCases = Float64Array.from(cases).sort();
  const sortedControls = Float64Array.from(controls).sort();
  return {
    thresholds,
    sensitivities: thresholds.map((t) => 1 - countBelowOrEqual(sortedCases, t) / cases.length),
    specificities: thresholds.map((t) => countBelowOrEqual(sortedControls, t) / controls.length),
  };
}

/** Number of values ≤ t in an ascending array (binary search). */
function countBelowOrEqual(sorted: Float64Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of values < t in an ascending array. */
function countBelow(sorted: Float64Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface DeLongPlacements {
  /** V₁₀: per case, the share of controls it outranks (ties ½). */
  cases: Float64Array;
  /** V₀₁: per control, the share of cases that outrank it (ties ½). */
  controls: Float64Array;
  auc: number;
}

/** DeLong placements V₁₀, V₀₁ and AUC = mean V₁₀, in O(n log n) by binary search on the sorted other group. */
export function delongPlacements(scores: ArrayLike<number>, labels: Labels): DeLongPlacements {
  const { cases, controls } = splitByLabel(scores, labels);
  const sortedCases = Float64Array.from(cases).sort();
  const sortedControls = Float64Array.from(controls).sort();
  const caseV = cases.map((x) => (countBelow(sortedControls, x) + 0.5 * (countBelowOrEqual(sortedControls, x) - countBelow(sortedControls, x))) / controls.length);
  const controlV = controls.map(
    (y) => (cases.length - countBelowOrEqual(sortedCases, y) + 0.5 * (countBelowOrEqual(sortedCases, y) - countBelow(sortedCases, y))) / cases.length,
  );
  let auc = 0;
  for (const v of caseV) auc += v;
  return { cases: caseV, controls: controlV, auc: auc / cases.length };
}

/** Area under the ROC curve = P(case score > control score) + ½ P(tie) (Mann–Whitney). */
export function rocAuc(scores: ArrayLike<number>, labels: Labels): number {
  return delongPlacements(scores, labels).auc;
}

/** Sample covariance Σ (aᵢ − ā)(bᵢ − b̄) / (n − 1). */
function covariance(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i] - ma) * (b[i] - mb);
  return s / (n - 1);
}

export interface AucWithCi {
  auc: number;
  /** DeLong variance var(V₁₀)/m + var(V₀₁)/n. */
  variance: number;
  /** AUC ± z_{(1+level)/2} √variance, clipped to [0, 1] (ci.auc method = "delong"). */
  confidenceInterval: [number, number];
  level: number;
}

/** AUC with DeLong's variance var(V₁₀)/m + var(V₀₁)/n and its normal confidence interval. */
export function aucDeLong(scores: ArrayLike<number>, labels: Labels, level = 0.95): AucWithCi {
  const placements = delongPlacements(scores, labels);
  const variance =
    covariance(placements.cases, placements.cases) / placements.cases.length +
    covariance(placements.controls, placements.controls) / placements.controls.length;
  const half = normalQuantile(1 - (1 - level) / 2) * Math.sqrt(variance);
  return {
    auc: placements.auc,
    variance,
    confidenceInterval: [Math.max(0, placements.auc - half), Math.min(1, placements.auc + half)],
    level,
  };
}

export interface DeLongPairedTest {
  auc1: number;
  auc2: number;
  /** z = (AUC₁ − AUC₂) / √(L S Lᵀ), L = (1, −1), S = S₁₀/m + S₀₁/n (covariances of the placements). */
  z: number;
  /** Two-sided p-value 2 Φ(−|z|). */
  pValue: number;
}

/** DeLong's test for two correlated AUCs measured on the same subjects (roc.test(method = "delong", paired = TRUE)). */
export function delongPairedTest(scores1: ArrayLike<number>, scores2: ArrayLike<number>, labels: Labels): DeLongPairedTest {
  if (scores1.length !== scores2.length) throw new RangeError('paired scores differ in length');
  const r = delongPlacements(scores1, labels);
  const s = delongPlacements(scores2, labels);
  const m = r.cases.length;
  const n = r.controls.length;
  const varianceOfDifference =
    (covariance(r.cases, r.cases) + covariance(s.cases, s.cases) - 2 * covariance(r.cases, s.cases)) / m +
    (covariance(r.controls, r.controls) + covariance(s.controls, s.controls) - 2 * covariance(r.controls, s.controls)) / n;
  let z = (r.auc - s.auc) / Math.sqrt(varianceOfDifference);
  if (Number.isNaN(z) && r.auc === s.auc) z = 0;
  return { auc1: r.auc, auc2: s.auc, z, pValue: Math.min(1, 2 * Math.min(normalCdf(z), normalSf(z))) };
}
