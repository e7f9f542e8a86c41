// The judge as a metric of an AnalysisRun (pure): settings from the metric's `judge` block, one
// interval's counts from counter readings, the measurement that records the step (counts per arm,
// evidence, what would decide) and the metric's phase from the verdict. The judge's state lives in
// the metric result (status), so a restarted controller resumes where the last one stopped.
import type { JudgeMeasurement, JudgeReadings, Measurement, MeasurementPhase, Metric, MetricResult } from '../../api/analysis.js';
import { MAX_MEASUREMENT_RETENTION } from '../../api/analysis.js';
import { computeArmIncrease, type CounterSample } from './counter-increase.js';
import { COUNT_FIELDS, formatCountProblem, type CountField, type IntervalCounts } from './interval-counts.js';
import { buildJudgeConfig, type JudgeConfig, type JudgeConfigResult } from './judge-config.js';
import { explainJudge, formatEvidence, formatJudgeSummary, formatRatio, type JudgeExplanation } from './judge-explain.js';
import { buildInitialJudgeState, stepJudge, type InconclusiveReason, type JudgeState, type JudgeStep, type JudgeVerdict } from './judge-process.js';

/** The judge's settings for a metric; its `count` is the most intervals judged (then inconclusive). */
export function buildMetricJudgeConfig(metric: Metric): JudgeConfigResult {
  const judge = metric.judge;
  if (judge === undefined) return { ok: false, problems: [`metric "${metric.name}" has no judge block`] };
  return buildJudgeConfig({
    alpha: judge.alpha,
    tolerance: judge.tolerance,
    badRatio: judge.badRatio,
    beta: judge.beta,
    warmupIntervals: judge.warmup,
    minEvents: judge.minEvents,
    minPromoteIntervals: judge.minPromoteIntervals,
    maxIntervals: metric.count !== undefined && metric.count > 0 ? metric.count : undefined,
    onInconclusive: judge.inconclusive === 'fail' ? 'abort' : 'pause',
  });
}

/** One reading of every count: the series of each query, or undefined when a query returned none. */
export type CountReadings = Record<CountField, CounterSample[] | undefined>;

export interface IntervalFromReadings {
  /** Undefined on the first reading of cumulative counters (nothing to subtract from yet). */
  counts?: IntervalCounts;
  /** What to keep for the next interval. */
  readings?: JudgeReadings;
}

const sum = (samples: readonly CounterSample[]): number => samples.reduce((total, s) => total + s.value, 0);

/** `counters: increase`: each query's value (summed over its series) is the interval's count. */
function countsFromIncreases(current: CountReadings): IntervalCounts {
  const counts: IntervalCounts = {};
  for (const field of COUNT_FIELDS) {
    const samples = current[field];
    if (samples !== undefined && samples.length > 0) counts[field] = sum(samples);
  }
  return counts;
}

/**
 * `counters: cumulative`: the increase of each count since the previous reading, per series
 * (resets and new series by computeArmIncrease). A count whose query returned no series is
 * missing and keeps its previous reading; an invalid value (NaN, negative) is passed on as is so
 * that the judge reports it.
 */
function countsFromCumulative(current: CountReadings, previous: JudgeReadings): IntervalFromReadings {
  const counts: IntervalCounts = {};
  const readings: JudgeReadings = { ...previous };
  for (const field of COUNT_FIELDS) {
    const samples = current[field];
    if (samples === undefined || samples.length === 0) continue;
    const increase = computeArmIncrease(previous[field], samples, { countNewSeriesFromZero: true });
    if (increase.kind === 'invalid') {
      counts[field] = increase.value;
      continue;
    }
    counts[field] = increase.value;
    readings[field] = samples;
  }
  return { counts, readings };
}

function readingsOf(current: CountReadings): JudgeReadings {
  return {
    canaryRequests: current.canaryRequests ?? [],
    canaryErrors: current.canaryErrors ?? [],
    baselineRequests: current.baselineRequests ?? [],
    baselineErrors: current.baselineErrors ?? [],
  };
}

export function computeIntervalFromReadings(
  current: CountReadings,
  previous: JudgeReadings | undefined,
  counters: 'cumulative' | 'increase',
): IntervalFromReadings {
  if (counters === 'increase') return { counts: countsFromIncreases(current) };
  if (previous === undefined) return { readings: readingsOf(current) };
  return countsFromCumulative(current, previous);
}

/** Evidence as a finite number for status (JSON has no Infinity). */
const finite = (value: number): number => (Number.isFinite(value) ? value : value > 0 ? Number.MAX_VALUE : 0);

function describeObservedRatio(e: JudgeExplanation): string | undefined {
  if (e.observedRatio === undefined) return undefined;
  return e.observedRatio === Number.POSITIVE_INFINITY ? 'inf' : formatRatio(e.observedRatio);
}

export function buildJudgeMeasurement(interval: JudgeMeasurement['interval'], counts: IntervalCounts | undefined, e: JudgeExplanation): JudgeMeasurement {
  const record: JudgeMeasurement = { interval, ...(counts ?? {}), abortEvidence: finite(e.abortEvidence), abortThreshold: e.abortThreshold };
  const ratio = describeObservedRatio(e);
  if (ratio !== undefined) record.observedRatio = ratio;
  if (e.promoteEvidence !== undefined) record.promoteEvidence = finite(e.promoteEvidence);
  if (e.promoteThreshold !== undefined) record.promoteThreshold = e.promoteThreshold;
  if (e.canaryErrorsToAbort !== undefined) record.canaryErrorsToAbort = e.canaryErrorsToAbort;
  if (e.baselineErrorsToPromote !== undefined) record.baselineErrorsToPromote = e.baselineErrorsToPromote;
  return record;
}

const INCONCLUSIVE_REASONS: Record<InconclusiveReason, string> = {
  warmup: 'the run ended inside the warm-up',
  noTraffic: 'no requests in either arm',
  noCanaryTraffic: 'no canary requests',
  noBaselineTraffic: 'no stable requests',
  missingData: 'every interval had a missing count',
  noBadEvents: 'no bad events in either arm',
  notEnoughEvidence: 'not enough evidence either way',
};

/** The verdict in words, e.g. "canary worse than stable (evidence 120 ≥ 100)". */
export function describeVerdict(verdict: JudgeVerdict, e: JudgeExplanation): string {
  if (verdict.outcome === 'fail') return `judge: canary worse than stable (evidence ${formatEvidence(e.abortEvidence)} ≥ ${formatEvidence(e.abortThreshold)})`;
  if (verdict.outcome === 'pass') {
    return `judge: canary no worse than stable, promoted early (evidence ${formatEvidence(e.promoteEvidence ?? 0)} ≥ ${formatEvidence(e.promoteThreshold ?? 0)})`;
  }
  const then = verdict.action === 'abort' ? 'fails the run' : 'pauses for a person';
  return `judge: inconclusive after ${verdict.interval} intervals: ${INCONCLUSIVE_REASONS[verdict.reason]}; ${then}`;
}

function stepPhase(step: JudgeStep): MeasurementPhase {
  const verdict = step.verdict;
  if (verdict?.outcome === 'fail') return 'Failed';
  if (verdict?.outcome === 'pass') return 'Successful';
  if (verdict?.outcome === 'inconclusive' || step.status === 'missing' || step.status === 'invalid') return 'Inconclusive';
  return 'Successful';
}

const NAMES: Record<CountField, string> = {
  canaryRequests: 'canaryRequests',
  canaryErrors: 'canaryErrors',
  baselineRequests: 'baselineRequests',
  baselineErrors: 'baselineErrors',
};

function stepNote(step: JudgeStep): string | undefined {
  const assessment = step.assessment;
  if (assessment.kind === 'invalid') return `interval not judged: ${formatCountProblem(assessment, NAMES)}`;
  if (assessment.kind === 'missing') return `interval not judged: no series for ${assessment.fields.join(', ')} (a missing count is never read as 0)`;
  if (step.status === 'warmup') return 'warm-up interval, not judged';
  return undefined;
}

function stepMessage(step: JudgeStep, e: JudgeExplanation): string {
  const summary = formatJudgeSummary('errors', e);
  const parts = [step.verdict ? describeVerdict(step.verdict, e) : undefined, summary, stepNote(step)];
  return parts.filter((p): p is string => p !== undefined).join('; ');
}

export interface JudgeTimes {
  startedAt: string;
  finishedAt: string;
}

function record(result: MetricResult, measurement: Measurement, state: JudgeState, readings: JudgeReadings | undefined): MetricResult {
  const measurements = [...result.measurements, measurement].slice(-MAX_MEASUREMENT_RETENTION);
  const successful = measurement.phase === 'Successful' ? 1 : 0;
  return {
    ...result,
    count: result.count + 1,
    successful: result.successful + successful,
    failed: result.failed + (measurement.phase === 'Failed' ? 1 : 0),
    inconclusive: result.inconclusive + (measurement.phase === 'Inconclusive' ? 1 : 0),
    consecutiveError: 0,
    consecutiveSuccess: successful === 1 ? result.consecutiveSuccess + 1 : 0,
    measurements,
    message: measurement.message,
    judge: { state, ...(readings ? { readings } : {}) },
  };
}

type StoredState = NonNullable<MetricResult['judge']>['state'];

function verdictOf(stored: NonNullable<StoredState['verdict']>, config: JudgeConfig): JudgeVerdict {
  if (stored.outcome !== 'inconclusive') return { outcome: stored.outcome, interval: stored.interval };
  return { outcome: 'inconclusive', interval: stored.interval, reason: stored.reason ?? 'notEnoughEvidence', action: stored.action ?? config.onInconclusive };
}

function fromStatus(stored: StoredState, config: JudgeConfig): JudgeState {
  const { verdict, ...rest } = stored;
  return verdict === undefined ? rest : { ...rest, verdict: verdictOf(verdict, config) };
}

/** The judge's state from status (a restarted controller resumes it), or a fresh one. */
export function judgeStateOf(result: MetricResult, config: JudgeConfig): JudgeState {
  const stored = result.judge?.state;
  return stored === undefined ? buildInitialJudgeState(config) : fromStatus(stored, config);
}

/**
 * Records one interval: steps the judge (from the state in `result`), explains it, and returns
 * the metric result with the new measurement, counters and state. The first reading of cumulative
 * counters (no counts yet) only stores the readings.
 */
export function recordJudgeInterval(result: MetricResult, config: JudgeConfig, interval: IntervalFromReadings, times: JudgeTimes): MetricResult {
  const state = judgeStateOf(result, config);
  if (interval.counts === undefined) {
    const e = explainJudge(state, config);
    const message = `first counter reading: intervals are judged from the next measurement; ${formatJudgeSummary('errors', e)}`;
    const measurement: Measurement = { phase: 'Successful', ...times, message, judge: buildJudgeMeasurement('firstScrape', undefined, e) };
    return record(result, measurement, state, interval.readings);
  }
  const step = stepJudge(state, interval.counts, config);
  const e = explainJudge(step.state, config);
  const counts = step.assessment.kind === 'missing' ? interval.counts : step.assessment.kind === 'complete' ? step.assessment.counts : interval.counts;
  const finiteCounts = Object.fromEntries(Object.entries(counts).filter(([, v]) => Number.isFinite(v) && v >= 0)) as IntervalCounts;
  const measurement: Measurement = {
    phase: stepPhase(step),
    ...times,
    message: stepMessage(step, e),
    judge: buildJudgeMeasurement(step.status, finiteCounts, e),
  };
  return record(result, measurement, step.state, interval.readings ?? result.judge?.readings);
}

export interface JudgeMetricAssessment {
  phase: 'Successful' | 'Failed' | 'Inconclusive';
  message: string;
}

/** The metric's phase from the judge's verdict, or undefined while it has not decided. */
export function assessJudgeVerdict(result: MetricResult, config: JudgeConfig): JudgeMetricAssessment | undefined {
  if (result.judge?.state.verdict === undefined) return undefined;
  const state = judgeStateOf(result, config);
  const verdict = state.verdict;
  if (verdict === undefined) return undefined;
  const message = describeVerdict(verdict, explainJudge(state, config));
  if (verdict.outcome === 'fail') return { phase: 'Failed', message };
  if (verdict.outcome === 'pass') return { phase: 'Successful', message };
  return { phase: verdict.action === 'abort' ? 'Failed' : 'Inconclusive', message };
}

/**
 * One line for a judged measurement, e.g. "errors 2.4× stable, evidence 37 of 100 to abort,
 * 0.3 of 20 to promote" (kanary get rollout).
 */
export function formatJudgeMeasurement(m: JudgeMeasurement): string {
  const ratio = m.observedRatio === undefined
    ? 'errors: none compared yet'
    : m.observedRatio === 'inf' ? 'errors in the canary only' : `errors ${m.observedRatio}× stable`;
  const abort = `evidence ${formatEvidence(m.abortEvidence)} of ${formatEvidence(m.abortThreshold)} to abort`;
  const promote = m.promoteEvidence === undefined || m.promoteThreshold === undefined
    ? ''
    : `, ${formatEvidence(m.promoteEvidence)} of ${formatEvidence(m.promoteThreshold)} to promote`;
  const note = m.interval === 'firstScrape' ? ' (first counter reading)' : m.interval === 'missing' || m.interval === 'invalid' ? ` (last interval ${m.interval})` : '';
  return `${ratio}, ${abort}${promote}${note}`;
}
