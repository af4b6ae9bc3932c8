/**
 * Planted survival: an exponential event time from a known proportional hazard, censored by an
 * independent uniform follow-up time.
 */
import { PLANTED } from './biology';
import type { Random } from './random';

export interface SurvivalCovariates {
  mutated: boolean;
  moduleScore: number;
  stage: number;
  age: number;
}

export interface SurvivalTruth {
  /** Events per day. */
  hazardPerDay: number;
  eventTimeDays: number;
  censoringTimeDays: number;
  /** Observed time: min(event, censoring), whole days, at least 1. */
  timeDays: number;
  /** 1 when the event was observed (event time ≤ censoring time), else 0. */
  event: 0 | 1;
}

/** h = h0 · exp(β_mut·mut + β_z·z + β_stage·(stage − 1) + β_age·(age − 62)/10) */
export function hazardPerDay({ mutated, moduleScore, stage, age }: SurvivalCovariates): number {
  const { baselineHazardPerDay, beta } = PLANTED.survival;
  const linearPredictor =
    beta.mutation * (mutated ? 1 : 0) +
    beta.moduleScore * moduleScore +
    beta.stage * (stage - 1) +
    (beta.agePer10Years * (age - PLANTED.clinical.ageMean)) / 10;
  return baselineHazardPerDay * Math.exp(linearPredictor);
}

/** Event time T = −ln(U)/h ~ Exponential(h); censoring C ~ Uniform(censoringDays). */
export function simulateSurvival(covariates: SurvivalCovariates, rng: Random): SurvivalTruth {
  const hazard = hazardPerDay(covariates);
  const eventTimeDays = -Math.log(1 - rng.uniform()) / hazard;
  const [earliest, latest] = PLANTED.survival.censoringDays;
  const censoringTimeDays = rng.uniform(earliest, latest);
  const event = eventTimeDays <= censoringTimeDays ? 1 : 0;
  const timeDays = Math.max(1, Math.round(Math.min(eventTimeDays, censoringTimeDays)));
  return { hazardPerDay: hazard, eventTimeDays, censoringTimeDays, timeDays, event };
}
