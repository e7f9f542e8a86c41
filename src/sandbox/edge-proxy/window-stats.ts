/**
 * Per-cluster upstream statistics over a sliding time window: request count, success rate (not
 * 5xx) and the exact p99 of request time (ms), from the same observations the Envoy metrics
 * record. Pure: the caller passes every timestamp. Memory is bounded: observations older than the
 * retention (60 s by default) are dropped as new ones arrive and whenever a window is read.
 */

export const DEFAULT_RETENTION_MS = 60_000;

export interface WindowObservation {
  clusterName: string;
  statusCode: number;
  durationMs: number;
  /** When the request finished (ms, any monotonic origin). */
  atMs: number;
}

export interface WindowQuery {
  clusterName: string;
  seconds: number;
  nowMs: number;
}

export interface WindowSummary {
  requests: number;
  /** Share of requests that were not 5xx; undefined without requests. */
  successRate?: number;
  /** 99th percentile request time (nearest rank); undefined without requests. */
  p99Ms?: number;
}

interface Sample {
  atMs: number;
  failed: boolean;
  durationMs: number;
}

/** Samples of one cluster in arrival order; `head` marks the first one still retained. */
interface Series {
  samples: Sample[];
  head: number;
}

export interface WindowStats {
  record(observation: WindowObservation): void;
  summarize(query: WindowQuery): WindowSummary;
  /** Samples currently held over all clusters (for tests of the memory bound). */
  size(): number;
}

/** Nearest-rank percentile of an ascending list (non-empty). */
export function nearestRank(sorted: readonly number[], quantile: number): number {
  const rank = Math.max(1, Math.ceil(quantile * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

/** First index at or after `head` whose sample is not older than `fromMs` (samples ordered by time). */
function firstAtOrAfter(series: Series, fromMs: number): number {
  let low = series.head;
  let high = series.samples.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((series.samples[mid]?.atMs ?? 0) < fromMs) low = mid + 1;
    else high = mid;
  }
  return low;
}

function prune(series: Series, cutoffMs: number): void {
  series.head = firstAtOrAfter(series, cutoffMs);
  if (series.head > 1024 && series.head * 2 > series.samples.length) {
    series.samples = series.samples.slice(series.head);
    series.head = 0;
  }
}

function insert(series: Series, sample: Sample): void {
  const last = series.samples.at(-1);
  if (last === undefined || last.atMs <= sample.atMs) {
    series.samples.push(sample);
    return;
  }
  // Recorded out of order (a caller's clock ran behind): insert where it belongs to keep the order.
  series.samples.splice(firstAtOrAfter(series, sample.atMs), 0, sample);
}

function summarizeSamples(samples: readonly Sample[]): WindowSummary {
  if (samples.length === 0) return { requests: 0 };
  const failed = samples.filter((s) => s.failed).length;
  const durations = samples.map((s) => s.durationMs).sort((a, b) => a - b);
  return { requests: samples.length, successRate: (samples.length - failed) / samples.length, p99Ms: nearestRank(durations, 0.99) };
}

export function createWindowStats(retentionMs = DEFAULT_RETENTION_MS): WindowStats {
  const series = new Map<string, Series>();
  const dropOld = (nowMs: number): void => {
    for (const [name, s] of series) {
      prune(s, nowMs - retentionMs);
      if (s.head >= s.samples.length) series.delete(name);
    }
  };
  return {
    record({ clusterName, statusCode, durationMs, atMs }) {
      let s = series.get(clusterName);
      if (!s) {
        s = { samples: [], head: 0 };
        series.set(clusterName, s);
      }
      insert(s, { atMs, failed: statusCode >= 500, durationMs });
      dropOld(atMs);
    },
    summarize({ clusterName, seconds, nowMs }) {
      dropOld(nowMs);
      const s = series.get(clusterName);
      if (!s) return { requests: 0 };
      const windowMs = Math.min(seconds * 1000, retentionMs);
      return summarizeSamples(s.samples.slice(firstAtOrAfter(s, nowMs - windowMs)));
    },
    size() {
      let total = 0;
      for (const s of series.values()) total += s.samples.length - s.head;
      return total;
    },
  };
}
