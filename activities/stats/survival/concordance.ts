/**
 * Harrell's concordance index, as R's survival::concordance (timewt "n", no strata or weights).
 *
 * A pair (i, j) is comparable when i has an event and t_i < t_j, or t_i = t_j with j censored
 * (censored at the event time counts as still at risk). Pairs of two events at the same time are
 * tied in y (tied.y, or tied.xy when x ties too) and not comparable.
 *   concordant: x_i < x_j (the longer survivor has the larger x), discordant: x_i > x_j, tied.x
 *   C = (concordant + tied.x / 2) / (concordant + discordant + tied.x)
 * reverse = true swaps concordant and discordant (a risk score: larger x, shorter survival —
 * what coxph reports for its linear predictor).
 * Standard error: survival's infinitesimal jackknife. With N = C + D + T and Somers' d = (C − D)/N,
 *   dfbeta_i = (c_i − d_i)/N − (d/N)(c_i + d_i + t_i)   (c_i, d_i, t_i: pairs that involve subject i)
 *   var(C) = Σ dfbeta_i² / 4
 * O(n²) pairs: fine for cohorts up to ~10⁴ subjects.
 */
import { z } from 'zod';
import { InvalidSettingsError } from '../../errors';
import { validateNumericColumn, validateSurvival, type SurvivalData } from './survival-data';

export const ConcordanceOptions = z.object({ reverse: z.boolean().default(false) }).strict();
export type ConcordanceOptions = z.input<typeof ConcordanceOptions>;

export interface ConcordanceResult {
  concordance: number;
  stdErr: number;
  variance: number;
  concordant: number;
  discordant: number;
  tiedX: number;
  tiedY: number;
  tiedXY: number;
}

/** concordance(Surv(time, event) ~ predictor) (reverse = false) or of a risk score (reverse = true). */
export function concordance(
  data: SurvivalData & { predictor: readonly number[] },
  options: ConcordanceOptions = {},
): ConcordanceResult {
  const parsed = ConcordanceOptions.safeParse(options);
  if (!parsed.success) throw new InvalidSettingsError(`concordance options: ${parsed.error.message}`);
  const { time, event } = validateSurvival(data, { predictor: data.predictor });
  const x = validateNumericColumn(data.predictor, 'predictor');
  const n = time.length;
  const perSubject = { concordant: new Float64Array(n), discordant: new Float64Array(n), tiedX: new Float64Array(n) };
  let concordant = 0;
  let discordant = 0;
  let tiedX = 0;
  let tiedY = 0;
  let tiedXY = 0;
  for (let i = 0; i < n; i++) {
    if (event[i] !== 1) continue;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      if (time[j] === time[i] && event[j] === 1) {
        if (j > i) {
          if (x[i] === x[j]) tiedXY++;
          else tiedY++;
        }
        continue;
      }
      if (time[j] < time[i]) continue;
      // i dies first (or at the time j is censored): comparable.
      const kind = x[i] < x[j] ? 'concordant' : x[i] > x[j] ? 'discordant' : 'tiedX';
      perSubject[kind][i]++;
      perSubject[kind][j]++;
      if (kind === 'concordant') concordant++;
      else if (kind === 'discordant') discordant++;
      else tiedX++;
    }
  }
  if (parsed.data.reverse) {
    [concordant, discordant] = [discordant, concordant];
    [perSubject.concordant, perSubject.discordant] = [perSubject.discordant, perSubject.concordant];
  }
  const pairs = concordant + discordant + tiedX;
  const somers = (concordant - discordant) / pairs;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const c = perSubject.concordant[i];
    const d = perSubject.discordant[i];
    const dfbeta = (c - d) / pairs - (somers / pairs) * (c + d + perSubject.tiedX[i]);
    sumSquares += dfbeta * dfbeta;
  }
  const variance = sumSquares / 4;
  return {
    concordance: (somers + 1) / 2,
    stdErr: Math.sqrt(variance),
    variance,
    concordant,
    discordant,
    tiedX,
    tiedY,
    tiedXY,
  };
}
