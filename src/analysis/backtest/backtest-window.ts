// One backtest window: a release time (one run from that instant, as a release's analysis) or a
// range (runs back to back from its start to its end, each starting one spacing after the previous
// one completed, as if a release had started then). A failure, missing history or a Prometheus
// fault ends the window at that instant; an inconclusive run is recorded and the range goes on.
import type { Environment } from '@marcbachmann/cel-js';
import type { AnalysisRun, JudgeMeasurement, Measurement, MeasurementPhase } from '../../api/analysis.js';
import { assessRunEnd, assessWindowOutcome, type BacktestOutcome } from '../../core/backtest-verdict.js';
import type { SecretReader } from '../args.js';
import type { ObservedProvider } from './backtest-provider.js';
import { replayRun, type ReplayClock, type ReplayedRun } from './backtest-replay.js';

export interface BacktestWindow {
  /** `range`: --from/--to, runs back to back; `release`: --at, one run. */
  kind: 'range' | 'release';
  startMs: number;
  endMs: number;
}

export interface MeasurementRecord {
  atMs: number;
  /** 1-based run number inside the window. */
  run: number;
  metric: string;
  phase: MeasurementPhase;
  /** The value as the controller records it (JSON text), absent for no data and judged metrics. */
  value?: string;
  message?: string;
  judge?: JudgeMeasurement;
}

export interface RunReport {
  startMs: number;
  endMs: number;
  phase: string;
  message?: string;
  terminated: boolean;
  outcome: BacktestOutcome;
}

export interface WindowReport {
  window: BacktestWindow;
  outcome: BacktestOutcome;
  runs: RunReport[];
  measurements: MeasurementRecord[];
  /** The instant the outcome was decided (failed, inconclusive, no data, bad input). */
  decidedAtMs?: number;
  message?: string;
  metricsWithoutData: string[];
}

export interface BacktestSession {
  run: AnalysisRun;
  observed: ObservedProvider;
  clock: ReplayClock;
  conditions: Environment;
  readSecret: SecretReader;
  /** Between the end of a run and the start of the next one in a range. */
  spacingMs: number;
  budget: { remaining: number; limit: number };
}

type Decided = Map<BacktestOutcome, { atMs: number; message?: string }>;

function runReport(replayed: ReplayedRun, outcome: BacktestOutcome): RunReport {
  const { status } = replayed;
  const report: RunReport = { startMs: replayed.startMs, endMs: replayed.endMs, phase: status.phase, terminated: replayed.terminated, outcome };
  if (status.message !== undefined) report.message = status.message;
  return report;
}

function outcomeOf(replayed: ReplayedRun, session: BacktestSession): { outcome: BacktestOutcome; message?: string } {
  if (replayed.fault !== undefined) {
    const when = new Date(replayed.fault.atMs).toISOString();
    return { outcome: 'badInput', message: `metric "${replayed.fault.metric}" at ${when}: ${replayed.fault.message}` };
  }
  if (replayed.overBudget === true) {
    return { outcome: 'badInput', message: `more than ${session.budget.limit} measurements: give a larger --step or shorter windows` };
  }
  const noDataMetrics = session.run.spec.metrics.map((m) => m.name).filter((name) => session.observed.answersOf(name).lastWasNoData);
  const outcome = assessRunEnd({ phase: replayed.status.phase, noDataMetrics, metricResults: replayed.status.metricResults, measurementCount: replayed.measurementCount });
  return { outcome, message: replayed.status.message };
}

function withoutData(session: BacktestSession): string[] {
  return session.run.spec.metrics.map((m) => m.name).filter((name) => session.observed.answersOf(name).withData === 0);
}

function recorder(measurements: MeasurementRecord[], runNumber: number) {
  return (added: { metric: string; measurement: Measurement }, atMs: number) => {
    const { phase, value, message, judge } = added.measurement;
    const record: MeasurementRecord = { atMs, run: runNumber, metric: added.metric, phase };
    if (value !== undefined) record.value = value;
    if (message !== undefined) record.message = message;
    if (judge !== undefined) record.judge = judge;
    measurements.push(record);
  };
}

function noDataMessage(metrics: readonly string[]): string {
  const names = metrics.map((n) => `metric "${n}"`).join(', ');
  return `no data in the window for ${names}: the query returned nothing at every instant (wrong labels or args, or no history kept that far back?)`;
}

function buildReport(parts: Pick<WindowReport, 'window' | 'runs' | 'measurements' | 'metricsWithoutData'>, firstOf: Decided): WindowReport {
  const outcome = assessWindowOutcome(parts.runs.map((r) => r.outcome), parts.metricsWithoutData);
  const report: WindowReport = { ...parts, outcome };
  const decided = outcome === 'passed' ? undefined : firstOf.get(outcome);
  if (decided === undefined) {
    if (outcome === 'noData') report.message = noDataMessage(parts.metricsWithoutData);
    return report;
  }
  report.decidedAtMs = decided.atMs;
  if (decided.message !== undefined) report.message = decided.message;
  return report;
}

const goesOn = (outcome: BacktestOutcome) => outcome === 'passed' || outcome === 'inconclusive';

/** Replays the session's run over one window and reports every measurement and the outcome. */
export async function replayWindow(window: BacktestWindow, session: BacktestSession): Promise<WindowReport> {
  session.observed.reset();
  const runs: RunReport[] = [];
  const measurements: MeasurementRecord[] = [];
  const firstOf: Decided = new Map();
  let startMs = window.startMs;
  while (startMs <= window.endMs) {
    const context = { ...session, onMeasurement: recorder(measurements, runs.length + 1) };
    const replayed = await replayRun(session.run, { startMs, endMs: window.endMs }, context);
    const { outcome, message } = outcomeOf(replayed, session);
    runs.push(runReport(replayed, outcome));
    if (!firstOf.has(outcome)) firstOf.set(outcome, { atMs: replayed.fault?.atMs ?? replayed.endMs, message });
    if (!goesOn(outcome) || window.kind === 'release' || replayed.terminated) break;
    startMs = replayed.endMs + session.spacingMs;
  }
  return buildReport({ window, runs, measurements, metricsWithoutData: withoutData(session) }, firstOf);
}
