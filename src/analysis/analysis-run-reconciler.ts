// One reconcile of an AnalysisRun: measure the metrics that are due, assess, and return the next
// status and when to come back. No informers or queues here: a function over (run, providers, now).
import type { Environment } from '@marcbachmann/cel-js';
import type { AnalysisRun, AnalysisRunStatus, Measurement, Metric, MetricResult } from '../api/analysis.js';
import {
  ERROR_RETRY_MS,
  applyMeasurement,
  assessMeasurementPhase,
  assessMetricPhase,
  assessRunPhase,
  computeNextMeasurementAtMs,
  computeRequeueAfterMs,
  emptyMetricResult,
  isCompletedPhase,
  isDryRunMetric,
} from '../core/analysis-assess.js';
import { resolveArgs, substituteArgs, type ResolvedArg, type SecretReader } from './args.js';
import { compileCondition, type CompiledCondition } from './cel-condition.js';
import type { MeasureResult, MetricProvider } from './metric-provider.js';

export interface AnalysisRunDeps {
  providers: readonly MetricProvider[];
  /** The CEL environment from createConditionEnvironment(), built once per process. */
  conditions: Environment;
  now: () => Date;
  readSecret?: SecretReader;
}

export interface AnalysisRunReconcileResult {
  status: AnalysisRunStatus;
  /** When to reconcile again; undefined once the run is complete. */
  requeueAfterMs?: number;
}

interface CompiledMetric {
  metric: Metric;
  success?: CompiledCondition;
  failure?: CompiledCondition;
}

function compileOne(env: Environment, text: string | undefined, args: readonly ResolvedArg[]) {
  if (text === undefined || text.trim() === '') return { condition: undefined };
  const substituted = substituteArgs(text, args);
  if (!substituted.ok) return { problem: substituted.message };
  const compiled = compileCondition(env, substituted.text);
  return compiled.ok ? { condition: compiled.condition } : { problem: compiled.message };
}

function compileMetric(env: Environment, metric: Metric, args: readonly ResolvedArg[]): CompiledMetric | string {
  const success = compileOne(env, metric.successCondition, args);
  if (success.problem !== undefined) return `metric "${metric.name}" successCondition: ${success.problem}`;
  const failure = compileOne(env, metric.failureCondition, args);
  if (failure.problem !== undefined) return `metric "${metric.name}" failureCondition: ${failure.problem}`;
  return { metric, success: success.condition, failure: failure.condition };
}

function evaluate(condition: CompiledCondition | undefined, value: unknown) {
  return condition === undefined ? { ok: true as const, value: undefined } : condition.evaluate(value);
}

function phaseFromValue(compiled: CompiledMetric, value: unknown): Pick<Measurement, 'phase' | 'message'> {
  const failure = evaluate(compiled.failure, value);
  if (!failure.ok) return { phase: 'Error', message: failure.message };
  const success = evaluate(compiled.success, value);
  if (!success.ok) return { phase: 'Error', message: success.message };
  return { phase: assessMeasurementPhase({ success: success.value, failure: failure.value }) };
}

function toMeasurement(compiled: CompiledMetric, result: MeasureResult, times: { startedAt: Date; finishedAt: Date }): Measurement {
  const base = { startedAt: times.startedAt.toISOString(), finishedAt: times.finishedAt.toISOString() };
  const resumeAt = new Date(times.finishedAt.getTime() + ERROR_RETRY_MS).toISOString();
  if ('error' in result) return { ...base, phase: 'Error', message: result.error, resumeAt };
  if ('noData' in result) return { ...base, phase: 'Error', message: result.message, resumeAt };
  const assessed = phaseFromValue(compiled, result.value);
  const value = JSON.stringify(result.value);
  return assessed.phase === 'Error' ? { ...base, ...assessed, value, resumeAt } : { ...base, ...assessed, value };
}

function providerFor(metric: Metric, providers: readonly MetricProvider[]): MetricProvider | undefined {
  const type = metric.provider.prometheus !== undefined ? 'prometheus' : 'web';
  return providers.find((p) => p.type === type);
}

async function measureMetric(
  compiled: CompiledMetric,
  result: MetricResult,
  context: { deps: AnalysisRunDeps; args: readonly ResolvedArg[] },
): Promise<MetricResult> {
  const startedAt = context.deps.now();
  const provider = providerFor(compiled.metric, context.deps.providers);
  const measured: MeasureResult = provider === undefined
    ? { error: `no provider configured for metric "${compiled.metric.name}"` }
    : await provider.measure(compiled.metric, context.args);
  const measurement = toMeasurement(compiled, measured, { startedAt, finishedAt: context.deps.now() });
  const next = applyMeasurement(result, measurement);
  return measured.resolvedQuery === undefined ? next : { ...next, resolvedQuery: measured.resolvedQuery };
}

function initialResults(run: AnalysisRun, status: AnalysisRunStatus | undefined): MetricResult[] {
  return run.spec.metrics.map((metric) => {
    const existing = status?.metricResults.find((r) => r.name === metric.name);
    return existing ?? emptyMetricResult(metric.name, isDryRunMetric(metric.name, run.spec.dryRun));
  });
}

function withPhases(run: AnalysisRun, results: MetricResult[], terminating: boolean): MetricResult[] {
  return results.map((result, i) => {
    const metric = run.spec.metrics[i];
    if (metric === undefined) return result;
    const assessed = assessMetricPhase(metric, result, terminating);
    return { ...result, phase: assessed.phase, message: assessed.message ?? result.message };
  });
}

function finish(
  run: AnalysisRun,
  base: { startedAt: string; results: MetricResult[]; terminating: boolean; nowMs: number },
): AnalysisRunReconcileResult {
  const results = withPhases(run, base.results, base.terminating);
  const assessed = assessRunPhase(results.map((r) => ({ name: r.name, phase: r.phase, dryRun: r.dryRun === true, message: r.message })));
  const message = base.terminating && assessed.phase === 'Successful' ? 'Run Terminated' : assessed.message;
  const status: AnalysisRunStatus = { phase: assessed.phase, startedAt: base.startedAt, metricResults: results };
  if (message !== undefined) status.message = message;
  if (isCompletedPhase(assessed.phase)) return { status };
  const startedMs = Date.parse(base.startedAt);
  const due = results.map((r, i) => {
    const metric = run.spec.metrics[i];
    return metric === undefined ? undefined : computeNextMeasurementAtMs(metric, r, startedMs);
  });
  return { status, requeueAfterMs: computeRequeueAfterMs(due, base.nowMs) };
}

function failRun(startedAt: string, results: MetricResult[], message: string): AnalysisRunReconcileResult {
  return { status: { phase: 'Error', message, startedAt, metricResults: results } };
}

async function prepare(run: AnalysisRun, deps: AnalysisRunDeps): Promise<{ args: ResolvedArg[]; compiled: CompiledMetric[] } | string> {
  const resolved = await resolveArgs(run.spec.args, { namespace: run.metadata.namespace ?? 'default', readSecret: deps.readSecret });
  if (!resolved.ok) return `cannot resolve args: ${resolved.message}`;
  const compiled: CompiledMetric[] = [];
  for (const metric of run.spec.metrics) {
    const one = compileMetric(deps.conditions, metric, resolved.args);
    if (typeof one === 'string') return one;
    compiled.push(one);
  }
  return { args: resolved.args, compiled };
}

function isDue(metric: Metric, result: MetricResult, times: { startedMs: number; nowMs: number }): boolean {
  const dueAt = computeNextMeasurementAtMs(metric, result, times.startedMs);
  return dueAt !== undefined && dueAt <= times.nowMs;
}

/**
 * Measures every due metric once and returns the next status. A complete run is returned as is;
 * `spec.terminate` stops measuring and completes running metrics as Successful ("Run Terminated").
 */
export async function reconcileAnalysisRun(run: AnalysisRun, deps: AnalysisRunDeps): Promise<AnalysisRunReconcileResult> {
  if (run.status !== undefined && isCompletedPhase(run.status.phase)) return { status: run.status };
  const now = deps.now();
  const startedAt = run.status?.startedAt ?? now.toISOString();
  const terminating = run.spec.terminate === true;
  let results = initialResults(run, run.status);
  if (!terminating) {
    const prepared = await prepare(run, deps);
    if (typeof prepared === 'string') return failRun(startedAt, results, prepared);
    const times = { startedMs: Date.parse(startedAt), nowMs: now.getTime() };
    results = await Promise.all(results.map((result, i) => {
      const compiled = prepared.compiled[i];
      if (compiled === undefined || !isDue(compiled.metric, result, times)) return result;
      return measureMetric(compiled, result, { deps, args: prepared.args });
    }));
  }
  return finish(run, { startedAt, results, terminating, nowMs: deps.now().getTime() });
}
