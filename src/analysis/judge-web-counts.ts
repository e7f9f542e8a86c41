// The judge's four counts from the web provider: one request per measurement (the metric's url,
// method, headers, body; bounded, egress-checked, no redirects: web.ts), and one jsonPath per
// count in `judge.counts` selecting, in the decoded response,
//   - a number: the count's one series;
//   - an object of numbers keyed by series (e.g. `{"pod-a": 120, "pod-b": 80}`): one series per
//     key, so that a pod's counter reset is handled per pod (counter-increase.ts);
//   - nothing (the path matched nothing, or null): the count is missing, never read as 0.
// Anything else (a string, a list, an object holding a non-number) is an Error measurement that
// names the count: a template and an endpoint that disagree must not look like a quiet interval.
import { COUNT_FIELD_NAMES, type JudgeCounts, type Metric } from '../api/analysis.js';
import type { CounterSample } from '../core/judge/counter-increase.js';
import type { CountField } from '../core/judge/interval-counts.js';
import type { CountReadings } from '../core/judge/judge-metric.js';
import { substituteArgs, type ResolvedArg } from './args.js';
import { MAX_JUDGE_SERIES, seriesKey } from './judge-series.js';
import { selectJsonPathMatches } from './json-path.js';
import type { MeasureContext, MetricProvider } from './metric-provider.js';

export interface CountsRead {
  readings?: CountReadings;
  resolvedQuery: string;
  error?: string;
}

type Selected = { samples: CounterSample[] } | { error: string };

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return value === null ? 'null' : `a ${typeof value}`;
}

function fromObject(value: Record<string, unknown>, path: string): Selected {
  const entries = Object.entries(value).filter(([, v]) => v !== null);
  if (entries.length > MAX_JUDGE_SERIES) return { error: `${path} holds ${entries.length} series, more than ${MAX_JUDGE_SERIES}` };
  const wrong = entries.find(([, v]) => typeof v !== 'number');
  if (wrong !== undefined) return { error: `${path} holds ${typeName(wrong[1])} for one series, not a number` };
  return { samples: entries.map(([key, v]) => ({ series: seriesKey({ key }), value: v as number })) };
}

/** The series a count's path selects in the response; no match (or null) is no series: missing. */
export function selectCountSeries(document: unknown, path: string): Selected {
  const matched = selectJsonPathMatches(document, path);
  if (!matched.ok) return { error: matched.message };
  if (matched.isList) return { error: `${path} selects a list: a count path has no [*] or .*` };
  const value = matched.values[0];
  if (value === undefined || value === null) return { samples: [] };
  if (typeof value === 'number') return { samples: [{ series: seriesKey({}), value }] };
  if (typeof value === 'object' && !Array.isArray(value)) return fromObject(value as Record<string, unknown>, path);
  return { error: `${path} is ${typeName(value)}, not a number or an object of numbers keyed by series` };
}

function pathsOf(counts: JudgeCounts, args: readonly ResolvedArg[]): { paths: [CountField, string][] } | { error: string } {
  const paths: [CountField, string][] = [];
  for (const field of COUNT_FIELD_NAMES) {
    const text = counts[field];
    if (text === undefined) return { error: `judge count ${field}: no jsonPath (provider.web needs all four counts)` };
    const substituted = substituteArgs(text, args);
    if (!substituted.ok) return { error: `judge count ${field}: ${substituted.message}` };
    paths.push([field, substituted.text]);
  }
  return { paths };
}

function describe(request: string, paths: readonly [CountField, string][]): string {
  return [request, ...paths.map(([field, path]) => `${field}: ${path}`)].join('; ');
}

/** Reads the four counts of a judged metric with provider.web (one request). */
export async function readWebCounts(
  metric: Metric,
  counts: JudgeCounts,
  context: { provider: MetricProvider | undefined; args: readonly ResolvedArg[]; measure: MeasureContext },
): Promise<CountsRead> {
  const provider = context.provider;
  if (provider?.fetchDocument === undefined) return { resolvedQuery: '', error: `no web provider configured for metric "${metric.name}"` };
  const resolved = pathsOf(counts, context.args);
  if ('error' in resolved) return { resolvedQuery: '', error: resolved.error };
  const fetched = await provider.fetchDocument(metric, context.args, context.measure);
  const resolvedQuery = describe(fetched.resolvedQuery ?? '', resolved.paths);
  if ('error' in fetched) return { resolvedQuery, error: `judge counts: ${fetched.error}` };
  const readings: Partial<CountReadings> = {};
  for (const [field, path] of resolved.paths) {
    const selected = selectCountSeries(fetched.document, path);
    if ('error' in selected) return { resolvedQuery, error: `judge count ${field}: ${selected.error}` };
    readings[field] = selected.samples;
  }
  return { resolvedQuery, readings: readings as CountReadings };
}
