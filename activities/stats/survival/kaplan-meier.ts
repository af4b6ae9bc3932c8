/**
 * Kaplan–Meier survival curves with Greenwood standard errors and pointwise confidence intervals,
 * as R's survival::survfit (conf.type "log", the default, "log-log" or "plain").
 *
 * At each distinct time t (events and censorings alike, as survfit lists them):
 *   S(t) = Π_{s ≤ t} (1 − d_s / n_s)
 *   std.err(t) = sqrt( Σ_{s ≤ t} d_s / (n_s (n_s − d_s)) )     — the SE of −log S (Greenwood), as survfit's `std.err`
 *   log:     S · exp(∓ z·se), upper capped at 1
 *   log-log: exp(−exp(log(−log S) ∓ z·se / log S))             — NaN where S is 0 or 1
 *   plain:   S ∓ z·se·S, clipped to [0, 1]
 */
import { z } from 'zod';
import { InvalidSettingsError } from '../../errors';
import { normalQuantile } from '../distributions';
import { groupLevels, validateSurvival, type SurvivalData } from './survival-data';

export const KaplanMeierOptions = z
  .object({
    confType: z.enum(['log', 'log-log', 'plain']).default('log'),
    confLevel: z.number().gt(0).lt(1).default(0.95),
    /** Group order for kaplanMeierByGroup (a factor's levels); default: sorted labels. */
    levels: z.array(z.union([z.string(), z.number()])).optional(),
  })
  .strict();
export type KaplanMeierOptions = z.input<typeof KaplanMeierOptions>;

export interface KaplanMeierCurve {
  time: number[];
  nRisk: number[];
  nEvent: number[];
  nCensor: number[];
  surv: number[];
  /** Standard error of the cumulative hazard −log S (survfit's `std.err`); SE of S is surv · stdErr. */
  stdErr: number[];
  lower: number[];
  upper: number[];
  confType: 'log' | 'log-log' | 'plain';
  confLevel: number;
}

/** One Kaplan–Meier curve over all subjects. */
export function kaplanMeier(data: SurvivalData, options: KaplanMeierOptions = {}): KaplanMeierCurve {
  const { confType, confLevel } = parseOptions(options);
  const { time, event } = validateSurvival(data);
  return curveOf(time, event, confType, confLevel);
}

/** One curve per group, groups in R's factor order (as survfit(Surv(time, event) ~ group)). */
export function kaplanMeierByGroup(
  data: SurvivalData & { group: readonly (string | number)[] },
  options: KaplanMeierOptions = {},
): { group: string | number; curve: KaplanMeierCurve }[] {
  const { confType, confLevel, levels } = parseOptions(options);
  const { time, event } = validateSurvival(data, { group: data.group });
  return groupLevels(data.group, levels).map((level) => {
    const rows = data.group.flatMap((g, i) => (g === level ? [i] : []));
    return { group: level, curve: curveOf(rows.map((i) => time[i]), rows.map((i) => event[i]), confType, confLevel) };
  });
}

/** Median survival: the first time with S(t) ≤ 0.5 (NaN if the curve never gets there). */
export function medianSurvival(curve: KaplanMeierCurve): number {
  const index = curve.surv.findIndex((s) => s <= 0.5);
  return index < 0 ? NaN : curve.time[index];
}

function parseOptions(options: KaplanMeierOptions) {
  const parsed = KaplanMeierOptions.safeParse(options);
  if (!parsed.success) throw new InvalidSettingsError(`Kaplan–Meier options: ${parsed.error.message}`);
  return parsed.data;
}

/** Product-limit estimate over the distinct times, with the Greenwood sum and its intervals. */
function curveOf(time: number[], event: (0 | 1)[], confType: KaplanMeierCurve['confType'], confLevel: number): KaplanMeierCurve {
  const order = time.map((_, i) => i).sort((a, b) => time[a] - time[b]);
  const zval = normalQuantile(1 - (1 - confLevel) / 2);
  const curve: KaplanMeierCurve = {
    time: [], nRisk: [], nEvent: [], nCensor: [], surv: [], stdErr: [], lower: [], upper: [], confType, confLevel,
  };
  let atRisk = time.length;
  let surv = 1;
  let greenwood = 0;
  for (let k = 0; k < order.length; ) {
    const t = time[order[k]];
    let deaths = 0;
    let censored = 0;
    for (; k < order.length && time[order[k]] === t; k++) {
      if (event[order[k]] === 1) deaths++;
      else censored++;
    }
    surv *= 1 - deaths / atRisk;
    greenwood += deaths / (atRisk * (atRisk - deaths));
    const se = Math.sqrt(greenwood);
    const [lower, upper] = confidenceInterval(surv, se, zval, confType);
    curve.time.push(t);
    curve.nRisk.push(atRisk);
    curve.nEvent.push(deaths);
    curve.nCensor.push(censored);
    curve.surv.push(surv);
    curve.stdErr.push(se);
    curve.lower.push(lower);
    curve.upper.push(upper);
    atRisk -= deaths + censored;
  }
  return curve;
}

/** survfit's survfit_confint for a log-scale standard error `se` (NaN where R gives NA). */
function confidenceInterval(p: number, se: number, zval: number, confType: KaplanMeierCurve['confType']): [number, number] {
  if (confType === 'plain') {
    const half = zval * se * p;
    return [Math.max(p - half, 0), Math.min(p + half, 1)];
  }
  if (confType === 'log') {
    if (p === 0) return [NaN, NaN];
    return [Math.exp(Math.log(p) - zval * se), Math.min(Math.exp(Math.log(p) + zval * se), 1)];
  }
  if (p === 0 || p === 1) return [NaN, NaN];
  const shift = (zval * se) / Math.log(p);
  const loglog = Math.log(-Math.log(p));
  return [Math.exp(-Math.exp(loglog - shift)), Math.exp(-Math.exp(loglog + shift))];
}
