// One measurement of a judged metric (a `judge` block): reads the four counts, from Prometheus
// (four queries, or two split by a role label) or from one web response (a jsonPath per count:
// judge-web-counts.ts), turns them into the interval's counts and steps the judge (pure:
// src/core/judge/judge-metric.ts). Read failures are Error measurements like any other metric's;
// every recorded text goes through the metric's redactor and is bounded.
import type { JudgeCounts, Measurement, Metric, MetricResult } from '../api/analysis.js';
import { ERROR_RETRY_MS, applyMeasurement } from '../core/analysis-assess.js';
import type { CounterSample } from '../core/judge/counter-increase.js';
import type { CountField } from '../core/judge/interval-counts.js';
import { buildMetricJudgeConfig, computeIntervalFromReadings, recordJudgeInterval, type CountReadings } from '../core/judge/judge-metric.js';
import { sensitiveValuesFor, type ResolvedArg } from './args.js';
import { MAX_JUDGE_SERIES, seriesKey } from './judge-series.js';
import { readWebCounts, type CountsRead } from './judge-web-counts.js';
import type { LabeledSample, MeasureContext, MetricProvider, SampleResult } from './metric-provider.js';
import { createRedactor, truncate } from './redaction.js';

export interface JudgeMeasureContext {
  provider: MetricProvider | undefined;
  args: readonly ResolvedArg[];
  namespace: string;
  now: () => Date;
}

type QueryName = CountField | 'requests' | 'errors';

/** The queries to run: the four counts, or `requests` and `errors` split by the role label. */
function queriesOf(counts: JudgeCounts): [QueryName, string][] {
  if (counts.roleLabel !== undefined && counts.requests !== undefined && counts.errors !== undefined) {
    return [['requests', counts.requests], ['errors', counts.errors]];
  }
  const fields: CountField[] = ['canaryRequests', 'canaryErrors', 'baselineRequests', 'baselineErrors'];
  return fields.flatMap((field): [QueryName, string][] => {
    const query = counts[field];
    return query === undefined ? [] : [[field, query]];
  });
}

const toCounterSamples = (samples: readonly LabeledSample[]): CounterSample[] => samples.map((s) => ({ series: seriesKey(s.labels), value: s.value }));

function byRole(samples: readonly LabeledSample[], label: string, role: string): CounterSample[] {
  return toCounterSamples(samples.filter((s) => s.labels[label] === role));
}

function readingsFrom(counts: JudgeCounts, results: Map<QueryName, LabeledSample[]>): CountReadings {
  if (counts.roleLabel !== undefined) {
    const requests = results.get('requests') ?? [];
    const errors = results.get('errors') ?? [];
    const label = counts.roleLabel;
    return {
      canaryRequests: byRole(requests, label, counts.canaryRole),
      canaryErrors: byRole(errors, label, counts.canaryRole),
      baselineRequests: byRole(requests, label, counts.baselineRole),
      baselineErrors: byRole(errors, label, counts.baselineRole),
    };
  }
  const of = (field: CountField) => toCounterSamples(results.get(field) ?? []);
  return { canaryRequests: of('canaryRequests'), canaryErrors: of('canaryErrors'), baselineRequests: of('baselineRequests'), baselineErrors: of('baselineErrors') };
}

interface Sampled {
  results: Map<QueryName, LabeledSample[]>;
  resolvedQuery: string;
  error?: string;
}

async function sampleAll(metric: Metric, queries: [QueryName, string][], context: JudgeMeasureContext): Promise<Sampled> {
  const provider = context.provider;
  const measureContext: MeasureContext = { namespace: context.namespace };
  const answers: SampleResult[] = provider?.sample === undefined
    ? queries.map(() => ({ error: `no Prometheus provider configured for metric "${metric.name}"` }))
    : await Promise.all(queries.map(([, query]) => provider.sample!(metric, query, context.args, measureContext)));
  const results = new Map<QueryName, LabeledSample[]>();
  const resolved: string[] = [];
  let error: string | undefined;
  answers.forEach((answer, i) => {
    const name: QueryName = queries[i]?.[0] ?? 'requests';
    if (answer.resolvedQuery !== undefined) resolved.push(`${name}: ${answer.resolvedQuery}`);
    if ('error' in answer) error ??= `judge count ${name}: ${answer.error}`;
    else if (answer.samples.length > MAX_JUDGE_SERIES) error ??= `judge count ${name}: ${answer.samples.length} series, more than ${MAX_JUDGE_SERIES}; aggregate the query (e.g. sum by (pod))`;
    else results.set(name, answer.samples);
  });
  return { results, resolvedQuery: resolved.join('; '), ...(error === undefined ? {} : { error }) };
}

/** The counts from the metric's provider: the web response's paths, or the Prometheus queries. */
async function readCounts(metric: Metric, counts: JudgeCounts, context: JudgeMeasureContext): Promise<CountsRead> {
  if (metric.provider.web !== undefined) {
    return readWebCounts(metric, counts, { provider: context.provider, args: context.args, measure: { namespace: context.namespace } });
  }
  const sampled = await sampleAll(metric, queriesOf(counts), context);
  if (sampled.error !== undefined) return { resolvedQuery: sampled.resolvedQuery, error: sampled.error };
  return { resolvedQuery: sampled.resolvedQuery, readings: readingsFrom(counts, sampled.results) };
}

function errorMeasurement(message: string, startedAt: Date, finishedAt: Date): Measurement {
  return {
    phase: 'Error',
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    message,
    resumeAt: new Date(finishedAt.getTime() + ERROR_RETRY_MS).toISOString(),
  };
}

function cleanTexts(result: MetricResult, clean: (text: string) => string, resolvedQuery: string): MetricResult {
  const last = result.measurements.at(-1);
  const measurements = last?.message === undefined
    ? result.measurements
    : [...result.measurements.slice(0, -1), { ...last, message: truncate(clean(last.message), 1024) }];
  const message = result.message === undefined ? undefined : truncate(clean(result.message), 1024);
  const next: MetricResult = { ...result, measurements, message };
  return resolvedQuery === '' ? next : { ...next, resolvedQuery: truncate(clean(resolvedQuery), 2048) };
}

/** Measures one interval of a judged metric and returns its next result. */
export async function measureJudgedMetric(metric: Metric, result: MetricResult, context: JudgeMeasureContext): Promise<MetricResult> {
  const clean = createRedactor(sensitiveValuesFor(metric, context.args));
  const startedAt = context.now();
  const judge = metric.judge;
  const config = buildMetricJudgeConfig(metric);
  if (judge === undefined || !config.ok) {
    const problem = config.ok ? 'no judge block' : config.problems.join('; ');
    return cleanTexts(applyMeasurement(result, errorMeasurement(`judge: ${problem}`, startedAt, context.now())), clean, '');
  }
  const read = await readCounts(metric, judge.counts, context);
  const finishedAt = context.now();
  if (read.error !== undefined || read.readings === undefined) {
    const error = read.error ?? 'judge: no counts read';
    return cleanTexts(applyMeasurement(result, errorMeasurement(error, startedAt, finishedAt)), clean, read.resolvedQuery);
  }
  const interval = computeIntervalFromReadings(read.readings, result.judge?.readings, judge.counts.counters);
  const times = { startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString() };
  return cleanTexts(recordJudgeInterval(result, config.config, interval, times), clean, read.resolvedQuery);
}
