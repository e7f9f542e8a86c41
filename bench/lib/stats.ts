/** Summary statistics for benchmark samples (nearest-rank percentiles). */
export interface Summary {
  unit: string;
  median: number;
  p90: number;
  p99: number;
  runs: number;
}

/** The nearest-rank percentile of already sorted values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

const round = (value: number): number => Math.round(value * 100) / 100;

export function summarize(values: readonly number[], unit: string): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    unit,
    median: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    runs: sorted.length,
  };
}

/** A single figure (one run) in the same shape. */
export function single(value: number, unit: string): Summary {
  return summarize([value], unit);
}
