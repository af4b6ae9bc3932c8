/**
 * The log-rank test for k groups, as R's survival::survdiff (rho = 0).
 *
 * At each distinct event time t with n_t at risk and d_t events (n_gt, d_gt in group g):
 *   E_g = Σ_t d_t n_gt / n_t
 *   V_gh = Σ_t d_t (n_t − d_t) / (n_t − 1) · (n_gt / n_t) (δ_gh − n_ht / n_t)
 *   χ² = (O − E)ᵀ V⁻¹ (O − E) over the groups with E > 0, the first of them dropped; df = #(E > 0) − 1
 */
import { Matrix, solve } from 'ml-matrix';
import { chiSquareSf } from '../distributions';
import { groupLevels, validateSurvival, type SurvivalData } from './survival-data';

export interface LogRankResult {
  groups: (string | number)[];
  n: number[];
  observed: number[];
  expected: number[];
  /** k × k variance–covariance matrix of O − E. */
  variance: number[][];
  chisq: number;
  df: number;
  p: number;
}

/** survdiff(Surv(time, event) ~ group): observed/expected events per group and the χ² test. */
export function logRankTest(
  data: SurvivalData & { group: readonly (string | number)[] },
  options: { levels?: readonly (string | number)[] } = {},
): LogRankResult {
  const { time, event } = validateSurvival(data, { group: data.group });
  const groups = groupLevels(data.group, options.levels);
  const k = groups.length;
  const groupOf = data.group.map((g) => groups.indexOf(g));
  const order = time.map((_, i) => i).sort((a, b) => time[a] - time[b]);

  const atRisk = groups.map((_, g) => groupOf.filter((x) => x === g).length);
  const n = [...atRisk];
  const observed = new Array<number>(k).fill(0);
  const expected = new Array<number>(k).fill(0);
  const variance = groups.map(() => new Array<number>(k).fill(0));
  let totalAtRisk = time.length;
  for (let start = 0; start < order.length; ) {
    const t = time[order[start]];
    let end = start;
    while (end < order.length && time[order[end]] === t) end++;
    const deathsByGroup = new Array<number>(k).fill(0);
    for (let r = start; r < end; r++) if (event[order[r]] === 1) deathsByGroup[groupOf[order[r]]]++;
    const deaths = deathsByGroup.reduce((s, d) => s + d, 0);
    if (deaths > 0) {
      const factor = totalAtRisk > 1 ? (deaths * (totalAtRisk - deaths)) / (totalAtRisk - 1) : 0;
      for (let g = 0; g < k; g++) {
        observed[g] += deathsByGroup[g];
        expected[g] += (deaths * atRisk[g]) / totalAtRisk;
        for (let h = 0; h < k; h++) {
          const delta = g === h ? 1 : 0;
          variance[g][h] += factor * (atRisk[g] / totalAtRisk) * (delta - atRisk[h] / totalAtRisk);
        }
      }
    }
    for (let r = start; r < end; r++) atRisk[groupOf[order[r]]]--;
    totalAtRisk -= end - start;
    start = end;
  }

  const used = groups.map((_, g) => g).filter((g) => expected[g] > 0);
  const df = used.length - 1;
  let chisq = 0;
  if (used.length >= 2) {
    const kept = used.slice(1);
    const diff = Matrix.columnVector(kept.map((g) => observed[g] - expected[g]));
    const v = new Matrix(kept.map((g) => kept.map((h) => variance[g][h])));
    const x = solve(v, diff);
    chisq = kept.reduce((s, g, i) => s + x.get(i, 0) * (observed[g] - expected[g]), 0);
  }
  return { groups, n, observed, expected, variance, chisq, df, p: df > 0 ? chiSquareSf(chisq, df) : 1 };
}
