// Pure analysis assessment (SPEC §4): measurement phase from conditions, metric phase from
// counters and limits, run phase as the worst metric phase, and when each metric is next due.
// No I/O, no clock: `now` and timestamps come in as arguments.
import type {
  AnalysisPhase,
  Measurement,
  MeasurementPhase,
  Metric,
  MetricResult,
} from '../api/analysis.js';
import { MAX_MEASUREMENT_RETENTION } from '../api/analysis.js';
import { coversMetric } from './metric-name-pattern.js';
import { parseDuration } from '../api/duration.js';
import { assessJudgeVerdict, buildMetricJudgeConfig } from './judge/judge-metric.js';
import { assessUndecidedJudge } from './judge/judge-undecided.js';

/** Delay before retrying a metric whose last measurement was an Error. */
export const ERROR_RETRY_MS = 10_000;

/** Each condition's boolean outcome, or undefined when the metric does not set it. */
export interface ConditionResults {
  success?: boolean;
  failure?: boolean;
}

/**
 * Argo Rollouts' rules: failure is checked first. With only a success condition, "not
 * successful" is a failure; with only a failure condition, "not failed" is a success; with
 * both, neither true is Inconclusive; with none, every measurement succeeds.
 */
export function assessMeasurementPhase(conditions: ConditionResults): MeasurementPhase {
  const { success, failure } = conditions;
  const failed = failure ?? (success === undefined ? false : !success);
  const succeeded = success ?? !failed;
  if (failed) return 'Failed';
  return succeeded ? 'Successful' : 'Inconclusive';
}

export function isCompletedPhase(phase: AnalysisPhase): boolean {
  return phase === 'Successful' || phase === 'Failed' || phase === 'Error' || phase === 'Inconclusive';
}

export function emptyMetricResult(name: string, dryRun: boolean): MetricResult {
  return {
    name,
    phase: 'Pending',
    count: 0,
    successful: 0,
    failed: 0,
    inconclusive: 0,
    error: 0,
    consecutiveError: 0,
    consecutiveSuccess: 0,
    dryRun: dryRun || undefined,
    measurements: [],
  };
}

function countersAfter(result: MetricResult, phase: MeasurementPhase): Partial<MetricResult> {
  if (phase === 'Error') {
    return { error: result.error + 1, consecutiveError: result.consecutiveError + 1 };
  }
  const base = { count: result.count + 1, consecutiveError: 0 };
  if (phase === 'Successful') {
    return { ...base, successful: result.successful + 1, consecutiveSuccess: result.consecutiveSuccess + 1 };
  }
  if (phase === 'Failed') return { ...base, failed: result.failed + 1, consecutiveSuccess: 0 };
  return { ...base, inconclusive: result.inconclusive + 1, consecutiveSuccess: 0 };
}

/**
 * Records a measurement: counters (an Error does not use up `count`), history capped at the most
 * measurementRetention allows (the run trims it to the metric's own limit).
 */
export function applyMeasurement(result: MetricResult, measurement: Measurement): MetricResult {
  const measurements = [...result.measurements, measurement].slice(-MAX_MEASUREMENT_RETENTION);
  return { ...result, ...countersAfter(result, measurement.phase), measurements, message: measurement.message };
}

/** Argo's effective count: no count and no interval means a single measurement. */
export function effectiveCount(metric: Metric): number | undefined {
  if (metric.count === undefined || metric.count === 0) {
    return metric.interval === undefined ? 1 : undefined;
  }
  return metric.count;
}

export interface MetricAssessment {
  phase: AnalysisPhase;
  message?: string;
}

function exceeds(value: number, limit: number): boolean {
  return limit >= 0 && value > limit;
}

function assessLimits(metric: Metric, result: MetricResult): MetricAssessment | undefined {
  if (exceeds(result.failed, metric.failureLimit)) {
    return { phase: 'Failed', message: `failed (${result.failed}) > failureLimit (${metric.failureLimit})` };
  }
  if (exceeds(result.inconclusive, metric.inconclusiveLimit)) {
    return {
      phase: 'Inconclusive',
      message: `inconclusive (${result.inconclusive}) > inconclusiveLimit (${metric.inconclusiveLimit})`,
    };
  }
  if (exceeds(result.consecutiveError, metric.consecutiveErrorLimit)) {
    return {
      phase: 'Error',
      message: `consecutiveErrors (${result.consecutiveError}) > consecutiveErrorLimit (${metric.consecutiveErrorLimit})`,
    };
  }
  return undefined;
}

function assessCompletion(metric: Metric, result: MetricResult): MetricAssessment | undefined {
  const count = effectiveCount(metric);
  if (count !== undefined && result.count >= count) return { phase: 'Successful' };
  const limit = metric.consecutiveSuccessLimit;
  if (limit > 0 && result.consecutiveSuccess >= limit) {
    return { phase: 'Successful', message: `consecutiveSuccess (${result.consecutiveSuccess}) reached consecutiveSuccessLimit (${limit})` };
  }
  return undefined;
}

function withLastMessage(assessment: MetricAssessment, result: MetricResult): MetricAssessment {
  const last = result.measurements.at(-1)?.message;
  if (assessment.message === undefined || last === undefined) return assessment;
  return { ...assessment, message: `${assessment.message}: ${last}` };
}

/**
 * A judged metric (a `judge` block) decides by the judge's verdict alone: Failed when the abort
 * evidence reached 1/alpha, Successful on an early promotion, Inconclusive (or Failed with
 * `inconclusive: fail`) when undecided after `count` intervals; failureLimit, inconclusiveLimit
 * and count do not apply. Query errors still end it by consecutiveErrorLimit. A run terminated
 * before the judge decided (background analysis at promotion, a step skipped by promote, an abort)
 * ends the metric Inconclusive, "judge undecided": an undecided judge is never a pass.
 */
function assessJudgedMetric(metric: Metric, result: MetricResult, terminating: boolean): MetricAssessment {
  const config = buildMetricJudgeConfig(metric);
  if (!config.ok) return { phase: 'Error', message: `judge: ${config.problems.join('; ')}` };
  if (result.measurements.length === 0) return terminating ? assessUndecidedJudge(result, config.config) : { phase: 'Pending' };
  const verdict = assessJudgeVerdict(result, config.config);
  if (verdict !== undefined) return verdict;
  if (exceeds(result.consecutiveError, metric.consecutiveErrorLimit)) {
    return withLastMessage({
      phase: 'Error',
      message: `consecutiveErrors (${result.consecutiveError}) > consecutiveErrorLimit (${metric.consecutiveErrorLimit})`,
    }, result);
  }
  return terminating ? assessUndecidedJudge(result, config.config) : { phase: 'Running' };
}

/** The metric's phase from its counters; `terminating` completes a running metric as Successful (a judged one as Inconclusive). */
export function assessMetricPhase(metric: Metric, result: MetricResult, terminating: boolean): MetricAssessment {
  if (isCompletedPhase(result.phase)) return { phase: result.phase, message: result.message };
  if (metric.judge !== undefined) return assessJudgedMetric(metric, result, terminating);
  if (result.measurements.length === 0) return { phase: terminating ? 'Successful' : 'Pending' };
  const limited = assessLimits(metric, result);
  if (limited !== undefined) return withLastMessage(limited, result);
  const completed = assessCompletion(metric, result);
  if (completed !== undefined) return completed;
  return { phase: terminating ? 'Successful' : 'Running' };
}

const PHASE_RANK: Readonly<Record<AnalysisPhase, number>> = {
  Successful: 0,
  Running: 1,
  Pending: 2,
  Inconclusive: 3,
  Error: 4,
  Failed: 5,
};

export interface RunMetricPhase {
  name: string;
  phase: AnalysisPhase;
  dryRun: boolean;
  message?: string;
}

/** A dry-run metric never decides: once complete it counts as Successful. */
function decidingPhase(metric: RunMetricPhase): AnalysisPhase {
  if (metric.dryRun && isCompletedPhase(metric.phase)) return 'Successful';
  return metric.phase;
}

function runMessage(worst: RunMetricPhase, phase: AnalysisPhase): string | undefined {
  if (phase === 'Successful' || phase === 'Running' || phase === 'Pending') return undefined;
  const why = worst.message === undefined ? '' : ` due to ${worst.message}`;
  return `Metric "${worst.name}" assessed ${phase}${why}`;
}

/**
 * Run phase = worst deciding metric phase (Successful < Running < Pending < Inconclusive <
 * Error < Failed). Any Failed/Error/Inconclusive metric ends the run at once (fail fast).
 */
export function assessRunPhase(metrics: readonly RunMetricPhase[]): MetricAssessment {
  let worst: RunMetricPhase | undefined;
  let worstPhase: AnalysisPhase = 'Successful';
  for (const metric of metrics) {
    const phase = decidingPhase(metric);
    if (PHASE_RANK[phase] > PHASE_RANK[worstPhase]) {
      worst = metric;
      worstPhase = phase;
    }
  }
  const message = worst === undefined ? undefined : runMessage(worst, worstPhase);
  return message === undefined ? { phase: worstPhase } : { phase: worstPhase, message };
}

/** True when the run has reached a terminal phase and no metric will be measured again. */
export function isRunComplete(metrics: readonly RunMetricPhase[]): boolean {
  return isCompletedPhase(assessRunPhase(metrics).phase);
}

function durationMs(text: string | undefined): number {
  if (text === undefined) return 0;
  const parsed = parseDuration(text, { requireUnit: true });
  return parsed.ok ? parsed.ms : 0;
}

function timeMs(iso: string | undefined, fallbackMs: number): number {
  const parsed = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(parsed) ? fallbackMs : parsed;
}

/**
 * When the metric is next due (epoch ms), or undefined when it is complete. First measurement:
 * run start + initialDelay; after an Error: its resumeAt (or finish + 10 s); otherwise the last
 * finish + interval (immediately when there is no interval).
 */
export function computeNextMeasurementAtMs(
  metric: Metric,
  result: MetricResult,
  runStartedAtMs: number,
): number | undefined {
  if (isCompletedPhase(result.phase)) return undefined;
  const last = result.measurements.at(-1);
  if (last === undefined) return runStartedAtMs + durationMs(metric.initialDelay);
  const finishedMs = timeMs(last.finishedAt, runStartedAtMs);
  if (last.phase === 'Error') return timeMs(last.resumeAt, finishedMs + ERROR_RETRY_MS);
  return finishedMs + durationMs(metric.interval);
}

/** Milliseconds until the earliest due time (0 if one is already due); undefined if none. */
export function computeRequeueAfterMs(dueAtMs: readonly (number | undefined)[], nowMs: number): number | undefined {
  const due = dueAtMs.filter((t): t is number => t !== undefined);
  if (due.length === 0) return undefined;
  return Math.max(0, Math.min(...due) - nowMs);
}

/** Whether a dry-run entry (exact name or anchored RE2 expression) covers the metric. */
export function isDryRunMetric(metricName: string, dryRun: readonly { metricName: string }[]): boolean {
  return dryRun.some((entry) => coversMetric(entry.metricName, metricName));
}
