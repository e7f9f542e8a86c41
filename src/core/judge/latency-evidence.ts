// Latency through the same rate-ratio test: a bad event is a request slower than a histogram
// bucket boundary τ (exceedances = _count − _bucket{le="τ"}). The boundaries are fixed from the
// baseline during warm-up, before comparing (choosing them after looking breaks validity); each
// boundary runs its own e-process and their e-values are averaged (an average of e-values is an
// e-value, whatever their dependence).
import { logSumExp } from './rate-ratio.js';

/** One cumulative histogram bucket: requests no slower than `le` (seconds or ms, as exported). */
export interface HistogramBucket {
  le: number;
  count: number;
}

export const DEFAULT_LATENCY_QUANTILES: readonly number[] = [0.5, 0.9, 0.99];

/**
 * For each quantile q, the smallest finite boundary whose cumulative count reaches q of the
 * baseline's requests (nearest boundary at or above the baseline's q-quantile); deduplicated and
 * ascending. Empty when the baseline had no requests.
 */
export function chooseLatencyBoundaries(baselineBuckets: readonly HistogramBucket[], quantiles: readonly number[] = DEFAULT_LATENCY_QUANTILES): number[] {
  const finite = baselineBuckets.filter((b) => Number.isFinite(b.le)).sort((a, b) => a.le - b.le);
  const total = baselineBuckets.find((b) => b.le === Number.POSITIVE_INFINITY)?.count ?? finite.at(-1)?.count ?? 0;
  if (total <= 0) return [];
  const chosen = new Set<number>();
  for (const q of quantiles) {
    const bucket = finite.find((b) => b.count >= q * total);
    if (bucket) chosen.add(bucket.le);
  }
  return [...chosen].sort((a, b) => a - b);
}

/**
 * Requests slower than `boundary` in one interval: total − bucket{le=boundary}. Undefined when
 * the histogram has no such boundary (it must be one of the exported `le` values), or when the
 * counts contradict each other (bucket above total).
 */
export function computeExceedances(total: number, buckets: readonly HistogramBucket[], boundary: number): number | undefined {
  const bucket = buckets.find((b) => b.le === boundary);
  if (!bucket || bucket.count > total) return undefined;
  return total - bucket.count;
}

/** ln of the (weighted) average of e-values given their logs; weights default to equal and are normalised. */
export function averageLogEvidence(logEvidences: readonly number[], weights?: readonly number[]): number {
  if (logEvidences.length === 0) return 0;
  const w = weights ?? logEvidences.map(() => 1);
  const total = w.reduce((sum, x) => sum + x, 0);
  return logSumExp(logEvidences.map((logE, i) => logE + Math.log((w[i] ?? 0) / total)));
}
