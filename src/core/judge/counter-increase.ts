// Per-interval increases of an arm's counters from two scrapes of its series (one series per pod,
// before any sum: a sum over pods hides which pod restarted). Explicit rules, so that counter
// resets, new series and vanished series neither create nor silently hide events:
//  - value went up: the difference;
//  - value went down: a reset (the process restarted from 0): the new value, and the increase
//    between the last scrape and the restart is lost (an under-count, reported as `resets`);
//  - a series absent before and present now: a new pod's counter started at 0 after the previous
//    scrape, so its whole value counts (Prometheus' increase() would drop it: prometheus#1673);
//    when the series may predate the previous scrape, pass countNewSeriesFromZero: false and it
//    is reported in `newSeries` and counted as 0;
//  - a series present before and absent now: its last increase is unknown (reported as `vanished`).
export interface CounterSample {
  /** The series' identity, e.g. its pod label. */
  series: string;
  value: number;
}

export type ArmIncrease =
  | { kind: 'increase'; value: number; resets: number; newSeries: number; vanished: number }
  | { kind: 'invalid'; series: string; value: number };

function seriesIncrease(previous: number | undefined, current: number, countNewSeriesFromZero: boolean): { value: number; reset: boolean } {
  if (previous === undefined) return { value: countNewSeriesFromZero ? current : 0, reset: false };
  if (current < previous) return { value: current, reset: true };
  return { value: current - previous, reset: false };
}

function firstInvalid(samples: readonly CounterSample[]): CounterSample | undefined {
  return samples.find((s) => !Number.isFinite(s.value) || s.value < 0);
}

/** The arm's increase between two scrapes; `invalid` for a NaN, infinite or negative counter value. */
export function computeArmIncrease(
  previous: readonly CounterSample[],
  current: readonly CounterSample[],
  options: { countNewSeriesFromZero: boolean },
): ArmIncrease {
  const invalid = firstInvalid(current) ?? firstInvalid(previous);
  if (invalid) return { kind: 'invalid', series: invalid.series, value: invalid.value };
  const before = new Map(previous.map((s) => [s.series, s.value]));
  let value = 0;
  let resets = 0;
  let newSeries = 0;
  for (const sample of current) {
    const prior = before.get(sample.series);
    if (prior === undefined) newSeries += 1;
    const increase = seriesIncrease(prior, sample.value, options.countNewSeriesFromZero);
    value += increase.value;
    if (increase.reset) resets += 1;
  }
  const now = new Set(current.map((s) => s.series));
  const vanished = previous.filter((s) => !now.has(s.series)).length;
  return { kind: 'increase', value, resets, newSeries, vanished };
}
