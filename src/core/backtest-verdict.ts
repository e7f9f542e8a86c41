// Pure decisions of `kanary backtest`: which measurements a reconcile added, what a replayed run's
// end means for its window, and the exit code of a whole backtest. No I/O, no clock.
import type { AnalysisPhase, Measurement, MetricResult } from '../api/analysis.js';

/**
 * What a window would have done to a release: `passed` (every run Successful or still running at
 * the window's end), `failed` (a run Failed or ended in Error: the rollout would have aborted),
 * `inconclusive` (a run Inconclusive: the rollout would have paused for a person), `noData` (the
 * history needed to judge is missing: never a pass), `badInput` (the template, an argument or
 * Prometheus is at fault: nothing can be said).
 */
export type BacktestOutcome = 'passed' | 'failed' | 'inconclusive' | 'noData' | 'badInput';

/** 0 passed throughout, 1 a window would have failed, 2 bad input or missing data, 3 paused (inconclusive). */
export type BacktestExitCode = 0 | 1 | 2 | 3;

const EXIT_RANK: readonly BacktestExitCode[] = [0, 3, 1, 2];

const EXIT_OF: Readonly<Record<BacktestOutcome, BacktestExitCode>> = {
  passed: 0,
  inconclusive: 3,
  failed: 1,
  noData: 2,
  badInput: 2,
};

/** The exit code of a backtest: the worst of its windows (2 > 1 > 3 > 0); no window is bad input. */
export function computeBacktestExitCode(outcomes: readonly BacktestOutcome[]): BacktestExitCode {
  if (outcomes.length === 0) return 2;
  return outcomes.map((o) => EXIT_OF[o]).reduce((worst, code) => (EXIT_RANK.indexOf(code) > EXIT_RANK.indexOf(worst) ? code : worst), 0 as BacktestExitCode);
}

/** A measurement a reconcile added, with its metric. */
export interface NewMeasurement {
  metric: string;
  measurement: Measurement;
}

/** Each measurement counts once, in `count` or in `error` (an Error does not use up count). */
const taken = (result: MetricResult | undefined): number => (result === undefined ? 0 : result.count + result.error);

/** The measurements taken between two statuses of the same run (at most one per metric per reconcile). */
export function findNewMeasurements(before: readonly MetricResult[], after: readonly MetricResult[]): NewMeasurement[] {
  return after.flatMap((result) => {
    const previous = before.find((r) => r.name === result.name);
    const added = taken(result) - taken(previous);
    if (added <= 0) return [];
    return result.measurements.slice(-added).map((measurement) => ({ metric: result.name, measurement }));
  });
}

/** What the end of one replayed run means, before the window's data check. */
export interface RunEnd {
  phase: AnalysisPhase;
  /** Metrics whose last provider answer was "no data". */
  noDataMetrics: readonly string[];
  /** Metric results of the run's final status. */
  metricResults: readonly MetricResult[];
  /** Measurements the run took in all. */
  measurementCount: number;
}

/**
 * A run that ended in Error because a metric's queries kept returning no data is missing history
 * (noData), not a verdict; a run that ended in Error before measuring anything could not start
 * (badInput: an argument or a condition the controller would refuse too). Otherwise Failed and
 * Error abort (failed), Inconclusive pauses, and anything else passed.
 */
export function assessRunEnd(end: RunEnd): BacktestOutcome {
  if (end.phase === 'Failed') return 'failed';
  if (end.phase === 'Inconclusive') return 'inconclusive';
  if (end.phase !== 'Error') return 'passed';
  if (end.measurementCount === 0) return 'badInput';
  const erred = end.metricResults.filter((r) => r.phase === 'Error').map((r) => r.name);
  return erred.length > 0 && erred.every((name) => end.noDataMetrics.includes(name)) ? 'noData' : 'failed';
}

/** The outcome of a window from its runs' outcomes: the first failure ends it; then inconclusive; then passed. */
export function assessWindowOutcome(runOutcomes: readonly BacktestOutcome[], metricsWithoutData: readonly string[]): BacktestOutcome {
  for (const worst of ['badInput', 'failed', 'noData'] as const) {
    if (runOutcomes.includes(worst)) return worst;
  }
  if (metricsWithoutData.length > 0) return 'noData';
  if (runOutcomes.length === 0) return 'noData';
  return runOutcomes.includes('inconclusive') ? 'inconclusive' : 'passed';
}
