/** Counting what each rule did on each simulated release, and summarising it (pure). */
import { percentile } from '../lib/stats.js';

export interface Tally {
  releases: number;
  aborted: number;
  promoted: number;
  /** Canary requests seen up to the aborting interval, one per aborted release. */
  requestsToAbort: number[];
  /** Canary requests seen up to the promoting interval, one per early promotion. */
  requestsToPromote: number[];
}

export function emptyTally(): Tally {
  return { releases: 0, aborted: 0, promoted: 0, requestsToAbort: [], requestsToPromote: [] };
}

export function mergeTallies(tallies: readonly Tally[]): Tally {
  const merged = emptyTally();
  for (const t of tallies) {
    merged.releases += t.releases;
    merged.aborted += t.aborted;
    merged.promoted += t.promoted;
    merged.requestsToAbort.push(...t.requestsToAbort);
    merged.requestsToPromote.push(...t.requestsToPromote);
  }
  return merged;
}

export interface TallySummary {
  releases: number;
  abortRate: number;
  promoteRate: number;
  medianRequestsToAbort?: number;
  p90RequestsToAbort?: number;
  medianRequestsToPromote?: number;
  p90RequestsToPromote?: number;
}

function quantiles(values: readonly number[]): { median?: number; p90?: number } {
  if (values.length === 0) return {};
  const sorted = [...values].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p90: percentile(sorted, 90) };
}

export function summarizeTally(t: Tally): TallySummary {
  const abort = quantiles(t.requestsToAbort);
  const promote = quantiles(t.requestsToPromote);
  return {
    releases: t.releases,
    abortRate: t.releases === 0 ? 0 : t.aborted / t.releases,
    promoteRate: t.releases === 0 ? 0 : t.promoted / t.releases,
    ...(abort.median === undefined ? {} : { medianRequestsToAbort: abort.median, p90RequestsToAbort: abort.p90 }),
    ...(promote.median === undefined ? {} : { medianRequestsToPromote: promote.median, p90RequestsToPromote: promote.p90 }),
  };
}
