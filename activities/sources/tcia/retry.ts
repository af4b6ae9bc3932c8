/**
 * Retries with exponential backoff for the TCIA client. Only TransientSourceError is retried
 * (HTTP 5xx, timeouts, dropped connections, truncated ZIPs); every other error passes through.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TransientSourceError } from '../../errors';

export interface RetryPolicy {
  /** Tries in all, the first included (≥ 1). */
  attempts: number;
  /** Wait before the second try; doubled for each later one. */
  baseDelayMs: number;
  /** Longest wait between two tries. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000 };

/** The wait before try number `attempt + 1` (attempt counts from 1): base · 2^(attempt−1), capped. */
export function backoffDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

/**
 * Run `tryOnce` until it succeeds or throws something other than TransientSourceError.
 * After `policy.attempts` transient failures, throws a TransientSourceError that names `what`,
 * the number of attempts and the last failure.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  what: string,
  tryOnce: (attempt: number) => Promise<T>,
): Promise<T> {
  const attempts = Math.max(1, Math.floor(policy.attempts));
  for (let attempt = 1; ; attempt++) {
    try {
      return await tryOnce(attempt);
    } catch (error) {
      if (!(error instanceof TransientSourceError)) throw error;
      if (attempt >= attempts) {
        throw new TransientSourceError(`${what}: gave up after ${attempts} attempts; last: ${error.message}`, error.uri);
      }
      await sleep(backoffDelayMs(policy, attempt));
    }
  }
}
