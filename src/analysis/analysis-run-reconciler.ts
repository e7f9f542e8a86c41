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
import { retentionLimitOf } from '../core/metric-name-pattern.js';
import { resolveArgs, sensitiveValuesFor, type ResolvedArg, type SecretReader } from './args.js';
import {
  createInProcessConditionEngine,
  toCelValue,
  typedArgValue,
  type CompiledCondition,
  type ConditionEngine,
  type ConditionOutcome,
  type ConditionVariables,
} from './cel-condition.js';
import { checkResultSize } from './cel-limits.js';
import { rewriteArgPlaceholders } from './cel-placeholders.js';
import { measureJudgedMetric } from './judge-measure.js';
import type { MeasureResult, MetricProvider } from './metric-provider.js';
import { createRedactor, recordedValue, truncate } from './redaction.js';

export interface AnalysisRunDeps {
  providers: readonly MetricProvider[];
  /**
   * Evaluates conditions: the controller passes a CelSandbox (worker thread, wall-clock limit);
   * a bare Environment from createConditionEnvironment() evaluates in this thread (tests, tools).
   */
  conditions: ConditionEngine | Environment;
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

interface RunContext {
  engine: ConditionEngine;
  args: readonly ResolvedArg[];
  variables: Omit<ConditionVariables, 'result'>;
  namespace: string;
}

function engineOf(conditions: ConditionEngine | Environment): ConditionEngine {
  return 'evaluateCondition' in conditions ? conditions : createInProcessConditionEngine(conditions);
}

/** `args` (typed) and `argText` for conditions: every argument with a value, except secret ones. */
export function buildArgVariables(args: readonly ResolvedArg[]): Omit<ConditionVariables, 'result'> {
  const visible = args.filter((a): a is ResolvedArg & { value: string } => !a.secret && a.value !== undefined);
  return {
    args: Object.fromEntries(visible.map((a) => [a.name, typedArgValue(a.value)])),
    argText: Object.fromEntries(visible.map((a) => [a.name, a.value])),
  };
}

function argProblem(name: string, args: readonly ResolvedArg[]): string | undefined {
  const arg = args.find((a) => a.name === name);
  if (arg === undefined) return `argument "${name}" is not defined`;
  if (arg.value === undefined) return `argument "${name}" has no value`;
  if (arg.secret) return `argument "${name}" comes from a Secret and cannot be used in a condition (conditions and their errors are recorded in status)`;
  return undefined;
}

function compileOne(engine: ConditionEngine, text: string | undefined, args: readonly ResolvedArg[]) {
  if (text === undefined || text.trim() === '') return { condition: undefined };
  const rewritten = rewriteArgPlaceholders(text);
  if (!rewritten.ok) return { problem: rewritten.message };
  const problems = rewritten.names.map((name) => argProblem(name, args)).filter((p): p is string => p !== undefined);
  if (problems.length > 0) return { problem: problems.join('; ') };
  const compiled = engine.compileCondition(rewritten.text);
  return compiled.ok ? { condition: compiled.condition } : { problem: compiled.message };
}

function compileMetric(engine: ConditionEngine, metric: Metric, args: readonly ResolvedArg[]): CompiledMetric | string {
  const success = compileOne(engine, metric.successCondition, args);
  if (success.problem !== undefined) return `metric "${metric.name}" successCondition: ${success.problem}`;
  const failure = compileOne(engine, metric.failureCondition, args);
  if (failure.problem !== undefined) return `metric "${metric.name}" failureCondition: ${failure.problem}`;
  return { metric, success: success.condition, failure: failure.condition };
}

type Evaluated = ConditionOutcome | { ok: true; value: undefined };

function evaluate(condition: CompiledCondition | undefined, variables: ConditionVariables, context: RunContext): Promise<Evaluated> {
  return condition === undefined ? Promise.resolve({ ok: true, value: undefined }) : context.engine.evaluateCondition(condition, variables, context.namespace);
}

async function phaseFromValue(compiled: CompiledMetric, value: unknown, context: RunContext): Promise<Pick<Measurement, 'phase' | 'message'>> {
  const tooLarge = checkResultSize(value);
  if (tooLarge !== undefined) return { phase: 'Error', message: tooLarge };
  const variables = { ...context.variables, result: toCelValue(value) };
  const failure = await evaluate(compiled.failure, variables, context);
  if (!failure.ok) return { phase: 'Error', message: failure.message };
  const success = await evaluate(compiled.success, variables, context);
  if (!success.ok) return { phase: 'Error', message: success.message };
  return { phase: assessMeasurementPhase({ success: success.value, failure: failure.value }) };
}

/**
 * The single point where a measurement is built from a provider's result: the recorded value is a
 * scalar or a short list, every secret is redacted from value and message in every encoding
 * (redaction.ts), and value and message are bounded in length.
 */
async function toMeasurement(
  compiled: CompiledMetric,
  result: MeasureResult,
  context: RunContext & { startedAt: Date; finishedAt: () => Date },
): Promise<Measurement> {
  const clean = createRedactor(sensitiveValuesFor(compiled.metric, context.args));
  const started = context.startedAt.toISOString();
  const assessed: Pick<Measurement, 'phase' | 'message'> & { value?: string } = 'error' in result
    ? { phase: 'Error', message: result.error }
    : 'noData' in result
      ? { phase: 'Error', message: result.message }
      : { ...(await phaseFromValue(compiled, result.value, context)), value: recordedValue(result.value) };
  const finishedAt = context.finishedAt();
  const measurement: Measurement = { phase: assessed.phase, startedAt: started, finishedAt: finishedAt.toISOString() };
  if (assessed.message !== undefined) measurement.message = truncate(clean(assessed.message), 1024);
  if (assessed.value !== undefined) measurement.value = truncate(clean(assessed.value));
  if (assessed.phase === 'Error') measurement.resumeAt = new Date(finishedAt.getTime() + ERROR_RETRY_MS).toISOString();
  return measurement;
}

function providerFor(metric: Metric, providers: readonly MetricProvider[]): MetricProvider | undefined {
  const type = metric.provider.prometheus !== undefined ? 'prometheus' : 'web';
  return providers.find((p) => p.type === type);
}

async function measureMetric(
  compiled: CompiledMetric,
  result: MetricResult,
  context: RunContext & { deps: AnalysisRunDeps },
): Promise<MetricResult> {
  const provider = providerFor(compiled.metric, context.deps.providers);
  if (compiled.metric.judge !== undefined) {
    return measureJudgedMetric(compiled.metric, result, { provider, args: context.args, namespace: context.namespace, now: context.deps.now });
  }
  const startedAt = context.deps.now();
  const measured: MeasureResult = provider === undefined
    ? { error: `no provider configured for metric "${compiled.metric.name}"` }
    : await provider.measure(compiled.metric, context.args, { namespace: context.namespace });
  const measurement = await toMeasurement(compiled, measured, { ...context, startedAt, finishedAt: () => context.deps.now() });
  const next = applyMeasurement(result, measurement);
  if (measured.resolvedQuery === undefined) return next;
  const clean = createRedactor(sensitiveValuesFor(compiled.metric, context.args));
  return { ...next, resolvedQuery: truncate(clean(measured.resolvedQuery), 2048) };
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
    const measurements = result.measurements.slice(-retentionLimitOf(metric.name, run.spec.measurementRetention));
    return { ...result, measurements, phase: assessed.phase, message: assessed.message ?? result.message };
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

async function prepare(run: AnalysisRun, deps: AnalysisRunDeps): Promise<{ context: RunContext; compiled: CompiledMetric[] } | string> {
  const namespace = run.metadata.namespace ?? 'default';
  const resolved = await resolveArgs(run.spec.args, { namespace, readSecret: deps.readSecret });
  if (!resolved.ok) return `cannot resolve args: ${resolved.message}`;
  const engine = engineOf(deps.conditions);
  const compiled: CompiledMetric[] = [];
  for (const metric of run.spec.metrics) {
    const one = compileMetric(engine, metric, resolved.args);
    if (typeof one === 'string') return createRedactor(sensitiveValuesFor(metric, resolved.args))(one);
    compiled.push(one);
  }
  return { context: { engine, args: resolved.args, variables: buildArgVariables(resolved.args), namespace }, compiled };
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
      return measureMetric(compiled, result, { ...prepared.context, deps });
    }));
  }
  return finish(run, { startedAt, results, terminating, nowMs: deps.now().getTime() });
}
