/**
 * Validation of right-censored survival data at the boundary of every survival function:
 * times finite and ≥ 0, events 0 or 1, all columns of one length. Problems raise an
 * InvalidTableError that names the field and the (0-based) row.
 */
import { z } from 'zod';
import { InvalidTableError } from '../../errors';

export interface SurvivalData {
  /** Follow-up time of each subject (any unit), finite and ≥ 0. */
  time: readonly number[];
  /** 1 = event observed at `time`, 0 = censored at `time`. */
  event: readonly number[];
}

const NumberArray = z.array(z.unknown());

/** Check time/event (and any extra columns) and return them as plain number arrays. */
export function validateSurvival(
  data: SurvivalData,
  extraColumns: Record<string, readonly unknown[]> = {},
  source = 'survival data',
): { time: number[]; event: (0 | 1)[] } {
  for (const [field, values] of Object.entries({ time: data.time, event: data.event })) {
    if (!NumberArray.safeParse(values).success) throw new InvalidTableError(`${source}: field "${field}" must be an array`);
  }
  const n = data.time.length;
  if (n === 0) throw new InvalidTableError(`${source}: no rows`);
  if (data.event.length !== n) {
    throw new InvalidTableError(`${source}: field "event" has ${data.event.length} rows but "time" has ${n}`);
  }
  for (const [field, values] of Object.entries(extraColumns)) {
    if (values.length !== n) throw new InvalidTableError(`${source}: field "${field}" has ${values.length} rows but "time" has ${n}`);
  }
  const time = data.time.map((t, row) => {
    if (typeof t !== 'number' || !Number.isFinite(t)) {
      throw new InvalidTableError(`${source}: field "time", row ${row}: ${String(t)} is not a finite number`);
    }
    if (t < 0) throw new InvalidTableError(`${source}: field "time", row ${row}: negative time ${t}`);
    return t;
  });
  const event = data.event.map((e, row) => {
    if (e !== 0 && e !== 1) throw new InvalidTableError(`${source}: field "event", row ${row}: ${String(e)} is not 0 or 1`);
    return e;
  });
  return { time, event };
}

/** Check that a numeric covariate column has only finite numbers. */
export function validateNumericColumn(values: readonly unknown[], field: string, source = 'survival data'): number[] {
  return values.map((v, row) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidTableError(`${source}: field "${field}", row ${row}: ${String(v)} is not a finite number`);
    }
    return v;
  });
}

/**
 * Group labels in R's factor order: `levels` when given (every group must be one of them, as a
 * factor's levels), else the distinct labels sorted (numbers numerically, strings by code point).
 */
export function groupLevels(groups: readonly (string | number)[], levels?: readonly (string | number)[]): (string | number)[] {
  if (levels) {
    groups.forEach((g, row) => {
      if (!levels.includes(g)) throw new InvalidTableError(`survival data: field "group", row ${row}: ${String(g)} is not one of the levels`);
    });
    return levels.filter((level) => groups.includes(level));
  }
  const unique = [...new Set(groups)];
  return unique.sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0,
  );
}
