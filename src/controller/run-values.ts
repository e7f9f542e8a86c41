/**
 * Each metric's latest measurement of an AnalysisRun, with the condition it was held against (args
 * filled in, secrets as ***) or the judge's evidence: what a release journal entry records about
 * the run that decided. Reads the cached object only.
 */
import { analysisRunStatusSchema, type MetricResult } from '../api/analysis.js';
import { JOURNAL_VALUE_MAX_CHARS, type JournalValue } from '../api/journal.js';
import { REDACTED, substituteArgs, type ResolvedArg } from '../analysis/args.js';
import { formatJudgeMeasurement } from '../core/judge/judge-metric.js';
import type { KubeObject } from './rollout-world.js';

interface RawMetric {
  name?: unknown;
  successCondition?: unknown;
  failureCondition?: unknown;
}

function runArgs(spec: Record<string, unknown>): ResolvedArg[] {
  const args = spec['args'];
  if (!Array.isArray(args)) return [];
  return (args as { name?: unknown; value?: unknown }[])
    .filter((arg) => typeof arg.name === 'string')
    .map((arg) => ({ name: arg.name as string, value: typeof arg.value === 'string' ? arg.value : REDACTED, secret: typeof arg.value !== 'string' }));
}

function conditionOf(metric: RawMetric, args: readonly ResolvedArg[]): string | undefined {
  const text = typeof metric.successCondition === 'string'
    ? metric.successCondition
    : typeof metric.failureCondition === 'string' ? `fails when ${metric.failureCondition}` : undefined;
  if (text === undefined) return undefined;
  const substituted = substituteArgs(text, args);
  return substituted.ok ? substituted.redacted : text;
}

/** Each metric's condition (args filled in, secrets as ***), by metric name. */
export function buildMetricConditions(run: Pick<KubeObject, 'spec'>): Map<string, string> {
  const spec = (run.spec ?? {}) as Record<string, unknown>;
  const metrics = Array.isArray(spec['metrics']) ? (spec['metrics'] as RawMetric[]) : [];
  const args = runArgs(spec);
  const found = new Map<string, string>();
  for (const metric of metrics) {
    const condition = conditionOf(metric, args);
    if (typeof metric.name === 'string' && condition !== undefined) found.set(metric.name, condition);
  }
  return found;
}

function clip(text: string | undefined): string | undefined {
  return text === undefined ? undefined : text.slice(0, JOURNAL_VALUE_MAX_CHARS);
}

/** Why the latest measurement has no value (no data, an error), if it has none. */
function missingValueMessage(result: MetricResult): string | undefined {
  const latest = result.measurements.at(-1);
  if (latest?.value !== undefined) return undefined;
  return latest?.message ?? result.message;
}

function toValue(result: MetricResult, condition: string | undefined): JournalValue {
  const latest = result.measurements.at(-1);
  const judged = result.measurements.findLast((m) => m.judge !== undefined)?.judge;
  const evidence = judged === undefined ? undefined : formatJudgeMeasurement(judged);
  const optional = { value: clip(latest?.value), evidence, condition: evidence === undefined ? condition : undefined, message: clip(missingValueMessage(result)) };
  const present = Object.entries(optional).filter(([, v]) => v !== undefined);
  return { metric: result.name, phase: latest?.phase ?? result.phase, ...Object.fromEntries(present) };
}

/** The run's metrics as journal values; empty while nothing was measured. */
export function buildRunValues(run: KubeObject): JournalValue[] {
  const parsed = analysisRunStatusSchema.safeParse(run.status ?? { phase: 'Pending' });
  if (!parsed.success) return [];
  const byMetric = buildMetricConditions(run);
  return parsed.data.metricResults.map((result) => toValue(result, byMetric.get(result.name)));
}
