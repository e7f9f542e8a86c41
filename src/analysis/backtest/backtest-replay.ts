// Replays one AnalysisRun over Prometheus history through the controller's own reconcile
// (analysis-run-reconciler.ts): a simulated clock starts at the run's start, each reconcile
// measures what is due at that instant (the provider asks Prometheus `time=` that instant) and
// says when to come back; the clock jumps there. Conditions, count, the limits, the error retry
// and the judge are the controller's code, unchanged. A run still going at the window's end is
// terminated there, as a background analysis is at promotion.
import type { Environment } from '@marcbachmann/cel-js';
import type { AnalysisRun, AnalysisRunStatus } from '../../api/analysis.js';
import { findNewMeasurements, type NewMeasurement } from '../../core/backtest-verdict.js';
import { reconcileAnalysisRun, type AnalysisRunDeps } from '../analysis-run-reconciler.js';
import type { SecretReader } from '../args.js';
import type { ObservedProvider, ProviderFault } from './backtest-provider.js';

export interface ReplayClock {
  setMs(ms: number): void;
  now(): Date;
}

export function createReplayClock(startMs: number): ReplayClock {
  let current = startMs;
  return { setMs: (ms) => { current = ms; }, now: () => new Date(current) };
}

export interface ReplayContext {
  observed: ObservedProvider;
  clock: ReplayClock;
  conditions: Environment;
  readSecret: SecretReader;
  /** Called for every measurement, at its simulated instant. */
  onMeasurement(measurement: NewMeasurement, atMs: number): void;
  /** Measurements still allowed in this backtest (a guard against a tiny step over a long window). */
  budget: { remaining: number };
}

export interface ReplayedRun {
  status: AnalysisRunStatus;
  startMs: number;
  /** The instant of the last reconcile: when the run ended, or the window's end. */
  endMs: number;
  /** True when the window ended first and the run was terminated. */
  terminated: boolean;
  measurementCount: number;
  fault?: ProviderFault;
  /** Set when the measurement budget ran out. */
  overBudget?: boolean;
}

interface LoopState {
  run: AnalysisRun;
  atMs: number;
  measurementCount: number;
}

async function reconcileAt(state: LoopState, context: ReplayContext, deps: AnalysisRunDeps) {
  context.clock.setMs(state.atMs);
  const before = state.run.status?.metricResults ?? [];
  const result = await reconcileAnalysisRun(state.run, deps);
  state.run = { ...state.run, status: result.status };
  for (const added of findNewMeasurements(before, result.status.metricResults)) {
    state.measurementCount += 1;
    context.budget.remaining -= 1;
    context.onMeasurement(added, state.atMs);
  }
  return result.requeueAfterMs;
}

function ended(state: LoopState, startMs: number, extra: Partial<ReplayedRun>): ReplayedRun {
  const status = state.run.status ?? { phase: 'Pending', metricResults: [] };
  return { status, startMs, endMs: state.atMs, terminated: false, measurementCount: state.measurementCount, ...extra };
}

/** Replays `run` from `startMs` until it completes or `endMs` (inclusive) passes. */
export async function replayRun(run: AnalysisRun, window: { startMs: number; endMs: number }, context: ReplayContext): Promise<ReplayedRun> {
  const deps: AnalysisRunDeps = { providers: [context.observed.provider], conditions: context.conditions, now: context.clock.now, readSecret: context.readSecret };
  const state: LoopState = { run, atMs: window.startMs, measurementCount: 0 };
  for (;;) {
    const requeueAfterMs = await reconcileAt(state, context, deps);
    const fault = context.observed.fault();
    if (fault !== undefined) return ended(state, window.startMs, { fault });
    if (requeueAfterMs === undefined) return ended(state, window.startMs, {});
    if (context.budget.remaining <= 0) return ended(state, window.startMs, { overBudget: true });
    const nextMs = state.atMs + Math.max(requeueAfterMs, 1);
    if (nextMs > window.endMs) {
      state.run = { ...state.run, spec: { ...state.run.spec, terminate: true } };
      state.atMs = Math.max(state.atMs, window.endMs);
      await reconcileAt(state, context, deps);
      return ended(state, window.startMs, { terminated: true });
    }
    state.atMs = nextMs;
  }
}
