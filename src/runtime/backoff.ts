/** Capped exponential backoff: `baseMs * 2^attempt`, never above `maxMs`. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 100, maxMs: 60_000 };

/** The delay before retry number `attempt` (0 for the first retry). */
export function computeBackoffMs(policy: BackoffPolicy, attempt: number): number {
  const exponent = Math.max(0, Math.floor(attempt));
  const delayMs = policy.baseMs * 2 ** exponent;
  return Number.isFinite(delayMs) ? Math.min(policy.maxMs, delayMs) : policy.maxMs;
}
