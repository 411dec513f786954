// Retry timing. Exponential backoff with "full jitter" (a uniformly random wait between 0 and the exponential
// ceiling; AWS Architecture Blog, "Exponential Backoff And Jitter", 2015): many devices failing at once spread
// their retries instead of hitting a recovering cloud in lockstep.

export interface BackoffPolicy {
  /** Ceiling of the first retry. */
  baseMs: number;
  /** No wait is ever longer. */
  capMs: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 1000, capMs: 5 * 60_000 };

/** The wait before retry number `attempt` (0 = the first retry). `random` returns [0, 1). */
export function fullJitter(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  // 2 ** 30 already exceeds any sensible cap; clamping keeps the arithmetic finite for absurd attempt counts.
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/**
 * The wait after a failure: the server's Retry-After when it gave one (RFC 9110 §10.2.3; capped, so a
 * misconfigured proxy cannot park the sync for a day), else full jitter.
 */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.capMs);
  return fullJitter(attempt, policy, random);
}
