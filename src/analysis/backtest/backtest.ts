// `kanary backtest` without the CLI: builds the run from the templates and args, replays it over
// each window against the Prometheus history and returns the reports and the exit code. A fault
// of the template, an argument or Prometheus stops at once (every window would meet it again).
import type { AnalysisRun } from '../../api/analysis.js';
import { parseDuration } from '../../api/duration.js';
import { computeBacktestExitCode, type BacktestExitCode } from '../../core/backtest-verdict.js';
import type { NamedTemplate } from '../build-analysis-run.js';
import { createConditionEnvironment } from '../cel-condition.js';
import { createBacktestProvider } from './backtest-provider.js';
import { createReplayClock } from './backtest-replay.js';
import { buildBacktestRunSpec, type BacktestRunOptions } from './backtest-run-spec.js';
import { replayWindow, type BacktestWindow, type WindowReport } from './backtest-window.js';

/** At most this many measurements in one backtest (all windows and metrics together). */
export const MAX_BACKTEST_MEASUREMENTS = 100_000;
/** Between runs of a range when no metric has an interval and no --step is given. */
const DEFAULT_SPACING_MS = 60_000;

export interface BacktestInput extends BacktestRunOptions {
  templates: readonly NamedTemplate[];
  windows: readonly BacktestWindow[];
}

export type BacktestResult =
  | { ok: true; run: AnalysisRun; windows: WindowReport[]; exitCode: BacktestExitCode }
  | { ok: false; problems: string[] };

function spacingOf(run: AnalysisRun, stepMs: number | undefined): number {
  if (stepMs !== undefined) return stepMs;
  const intervals = run.spec.metrics.flatMap((m) => {
    const parsed = m.interval === undefined ? undefined : parseDuration(m.interval, { requireUnit: true });
    return parsed?.ok === true && parsed.ms > 0 ? [parsed.ms] : [];
  });
  return intervals.length === 0 ? DEFAULT_SPACING_MS : Math.min(...intervals);
}

export async function runBacktest(input: BacktestInput): Promise<BacktestResult> {
  const spec = buildBacktestRunSpec(input.templates, input);
  if (!spec.ok) return spec;
  const clock = createReplayClock(input.windows[0]?.startMs ?? 0);
  const observed = createBacktestProvider({ address: input.address, now: clock.now });
  const session = {
    run: spec.run,
    observed,
    clock,
    conditions: createConditionEnvironment(),
    readSecret: spec.readSecret,
    spacingMs: spacingOf(spec.run, input.stepMs),
    budget: { remaining: MAX_BACKTEST_MEASUREMENTS, limit: MAX_BACKTEST_MEASUREMENTS },
  };
  const windows: WindowReport[] = [];
  for (const window of input.windows) {
    const report = await replayWindow(window, session);
    windows.push(report);
    if (report.outcome === 'badInput') break;
  }
  return { ok: true, run: spec.run, windows, exitCode: computeBacktestExitCode(windows.map((w) => w.outcome)) };
}
