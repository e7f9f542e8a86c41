/**
 * Renders a judged run (`kanary judge`): one line per interval, then the verdict line; or JSON.
 * Also the one-line evidence of a judged metric in `kanary get rollout`.
 */
import type { MetricResult } from '../api/analysis.js';
import type { JudgeConfig } from '../core/judge/judge-config.js';
import type { JudgeExplanation } from '../core/judge/judge-explain.js';
import { explainJudge, formatJudgeOutlook, formatJudgeSummary } from '../core/judge/judge-explain.js';
import type { InconclusiveReason, JudgeStep, JudgeVerdict } from '../core/judge/judge-process.js';
import type { CountField } from '../core/judge/interval-counts.js';
import { formatCountProblem } from '../core/judge/interval-counts.js';
import { formatJudgeMeasurement } from '../core/judge/judge-metric.js';
import { formatIntervals, isUndecidedJudge } from '../core/judge/judge-undecided.js';

/** The CSV column of each count. */
export const CSV_COLUMNS: Record<CountField, string> = {
  canaryRequests: 'canary_requests',
  canaryErrors: 'canary_errors',
  baselineRequests: 'baseline_requests',
  baselineErrors: 'baseline_errors',
};

const METRIC = 'errors';

function countsText(step: JudgeStep): string {
  if (step.assessment.kind !== 'complete') return '';
  const c = step.assessment.counts;
  return `canary ${c.canaryErrors}/${c.canaryRequests}, stable ${c.baselineErrors}/${c.baselineRequests}`;
}

function stepText(step: JudgeStep, config: JudgeConfig): string {
  const head = `interval ${step.interval}:`;
  if (step.assessment.kind === 'missing') {
    return `${head} missing ${step.assessment.fields.map((f) => CSV_COLUMNS[f]).join(', ')}: no evidence from this interval, no promotion on it`;
  }
  if (step.assessment.kind === 'invalid') return `${head} invalid: ${formatCountProblem(step.assessment, CSV_COLUMNS)}; no evidence from this interval`;
  if (step.status === 'warmup') return `${head} ${countsText(step)}; warm-up, not judged`;
  return `${head} ${countsText(step)}; ${formatJudgeSummary(METRIC, explainJudge(step.state, config))}`;
}

/** `verdict: fail at interval N` | `verdict: pass at interval N` | `verdict: inconclusive after N intervals`. */
export function formatVerdictLine(verdict: JudgeVerdict): string {
  if (verdict.outcome === 'inconclusive') return `verdict: inconclusive after ${verdict.interval} interval${verdict.interval === 1 ? '' : 's'}`;
  return `verdict: ${verdict.outcome} at interval ${verdict.interval}`;
}

const REASONS: Record<InconclusiveReason, string> = {
  warmup: 'every interval was in the warm-up',
  noTraffic: 'neither arm had requests',
  noCanaryTraffic: 'the canary had no requests in any judged interval',
  noBaselineTraffic: 'the baseline had no requests in any judged interval',
  missingData: 'every interval after the warm-up had a missing series',
  noBadEvents: 'no bad events in either arm, so there is nothing to compare',
  notEnoughEvidence: 'not enough evidence either way',
};

/** A sentence for stderr after an inconclusive verdict: why, and what would have decided. */
export function formatInconclusiveNote(verdict: JudgeVerdict, steps: readonly JudgeStep[], config: JudgeConfig): string | undefined {
  if (verdict.outcome !== 'inconclusive') return undefined;
  const last = steps.at(-1);
  const outlook = last ? `; ${formatJudgeOutlook(METRIC, explainJudge(last.state, config))}` : '';
  const action = verdict.action === 'pause' ? 'a controller would pause for a human (never promote)' : 'a controller would abort';
  return `judge: inconclusive: ${REASONS[verdict.reason]}${outlook}; ${action}`;
}

export function renderJudgeText(steps: readonly JudgeStep[], verdict: JudgeVerdict, config: JudgeConfig): string {
  return [...steps.map((s) => stepText(s, config)), formatVerdictLine(verdict), ''].join('\n');
}

interface JsonInterval {
  interval: number;
  status: JudgeStep['status'];
  counts?: Record<string, number>;
  missing?: string[];
  summary?: string;
  explanation?: Omit<JudgeExplanation, 'observedRatio'> & { observedRatio: number | 'Infinity' | null };
}

function jsonInterval(step: JudgeStep, config: JudgeConfig): JsonInterval {
  const out: JsonInterval = { interval: step.interval, status: step.status };
  if (step.assessment.kind === 'missing') return { ...out, missing: step.assessment.fields.map((f) => CSV_COLUMNS[f]) };
  if (step.assessment.kind !== 'complete') return out;
  const c = step.assessment.counts;
  out.counts = { canary_requests: c.canaryRequests, canary_errors: c.canaryErrors, baseline_requests: c.baselineRequests, baseline_errors: c.baselineErrors };
  if (step.status !== 'judged') return out;
  const e = explainJudge(step.state, config);
  const ratio = e.observedRatio === undefined ? null : Number.isFinite(e.observedRatio) ? e.observedRatio : 'Infinity';
  return { ...out, summary: formatJudgeSummary(METRIC, e), explanation: { ...e, observedRatio: ratio } };
}

export function renderJudgeJson(steps: readonly JudgeStep[], verdict: JudgeVerdict, config: JudgeConfig): string {
  const value = { config, intervals: steps.map((s) => jsonInterval(s, config)), verdict, verdictLine: formatVerdictLine(verdict) };
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * A judged metric's line for `kanary get rollout`: the latest judged measurement's evidence (kept
 * after a later query error), prefixed with `undecided after N intervals (run terminated)` when the
 * run ended before the judge decided, so that the metric never reads as passed.
 */
export function formatJudgedMetricLine(result: Pick<MetricResult, 'phase' | 'judge' | 'measurements'>): string | undefined {
  const judged = [...result.measurements].reverse().find((m) => m.judge !== undefined)?.judge;
  if (judged === undefined) return undefined;
  const line = formatJudgeMeasurement(judged);
  if (!isUndecidedJudge(result)) return line;
  return `undecided after ${formatIntervals(result.judge?.state.intervals ?? 0)} (run terminated): ${line}`;
}

/** A metric row's phase: its latest measurement's, except an undecided judge's (its own, Inconclusive). */
export function metricRowPhase(result: Pick<MetricResult, 'phase' | 'judge' | 'measurements'>): string {
  if (isUndecidedJudge(result)) return result.phase;
  return result.measurements.at(-1)?.phase ?? result.phase;
}
