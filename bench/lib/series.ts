/** A time series of samples (e.g. a process's RSS every few seconds) and its trend. */

export interface Sample {
  /** Milliseconds (any origin; only differences matter). */
  atMs: number;
  value: number;
}

/** Least-squares slope in value units per hour; NaN with fewer than two distinct times. */
export function slopePerHour(samples: readonly Sample[]): number {
  const n = samples.length;
  if (n < 2) return Number.NaN;
  const meanT = samples.reduce((sum, s) => sum + s.atMs, 0) / n;
  const meanV = samples.reduce((sum, s) => sum + s.value, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const s of samples) {
    covariance += (s.atMs - meanT) * (s.value - meanV);
    variance += (s.atMs - meanT) ** 2;
  }
  return variance === 0 ? Number.NaN : (covariance / variance) * 3_600_000;
}

/** Mean of the values whose time lies in [fromMs, toMs). NaN when none does. */
export function windowMean(samples: readonly Sample[], fromMs: number, toMs: number): number {
  const inside = samples.filter((s) => s.atMs >= fromMs && s.atMs < toMs);
  return inside.length === 0 ? Number.NaN : inside.reduce((sum, s) => sum + s.value, 0) / inside.length;
}

export interface Trend {
  first: number;
  last: number;
  max: number;
  /** Mean of the first and of the last tenth of the period (smooths GC saw-teeth). */
  firstTenthMean: number;
  lastTenthMean: number;
  slopePerHour: number;
  /** Slope over the second half only: a warm-up that levels off shows here as ~0. */
  secondHalfSlopePerHour: number;
  durationMs: number;
  samples: number;
}

const round = (value: number): number => Math.round(value * 100) / 100;

/** The trend of samples sorted by time (throws on an empty series). */
export function trendOf(samples: readonly Sample[]): Trend {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last) throw new Error('no samples');
  const span = last.atMs - first.atMs;
  const tenth = span / 10;
  return {
    first: first.value,
    last: last.value,
    max: Math.max(...samples.map((s) => s.value)),
    firstTenthMean: round(windowMean(samples, first.atMs, first.atMs + tenth + 1)),
    lastTenthMean: round(windowMean(samples, last.atMs - tenth, last.atMs + 1)),
    slopePerHour: round(slopePerHour(samples)),
    secondHalfSlopePerHour: round(slopePerHour(samples.filter((s) => s.atMs >= first.atMs + span / 2))),
    durationMs: span,
    samples: samples.length,
  };
}
