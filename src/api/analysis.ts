// Schemas and types for AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun (SPEC §4).
// Field names follow Argo Rollouts so templates migrate by changing apiVersion only. Spec objects
// are strict: a field Kanary does not implement is a problem (named, with a hint for Argo fields:
// argo-fields.ts), never dropped; the CRDs keep such fields so that the controller sees them.
// Status objects, written by the controller, are not strict.
import { RE2JS } from 're2js';
import { z } from 'zod';
import { parseJsonPath } from '../analysis/json-path.js';
import { parseDuration } from './duration.js';
import { ANALYSIS_PHASES, type AnalysisPhase } from './reasons.js';

/** Measurements a run keeps per metric unless measurementRetention says otherwise (Argo's default). */
export const MEASUREMENT_HISTORY_LIMIT = 10;
/** The most measurementRetention may keep per metric. */
export const MAX_MEASUREMENT_RETENTION = 100;
/** Longest metricName pattern of dryRun and measurementRetention. */
export const METRIC_NAME_PATTERN_MAX = 256;
/** Most measurementRetention entries a template, a run or one of the Rollout's analyses may list. */
export const MAX_RETENTION_ENTRIES = 100;

export const ANALYSIS_API_VERSION = 'kanary.dev/v1alpha1';

/** A Go-style duration that must carry a unit (`30s`, `1m`, `500ms`): used by interval/initialDelay. */
export const durationWithUnitSchema = z.string().superRefine((value, ctx) => {
  const parsed = parseDuration(value, { requireUnit: true });
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
});

const nonNegativeInt = z.number().int().min(0);
/** A limit where -1 disables the check (as in Argo Rollouts). */
const limitInt = z.number().int().min(-1);

export const secretKeyRefSchema = z.strictObject({
  name: z.string().min(1),
  key: z.string().min(1),
});
export type SecretKeyRef = z.infer<typeof secretKeyRefSchema>;

/** Template-side argument: a default `value`, a Secret reference, or nothing (must be supplied). */
export const argumentSchema = z.strictObject({
  name: z.string().min(1),
  value: z.string().optional(),
  valueFrom: z.strictObject({ secretKeyRef: secretKeyRefSchema }).optional(),
});
export type Argument = z.infer<typeof argumentSchema>;

/** Rollout-side argument (step analysis / background analysis `args[]`). */
export const analysisRunArgumentSchema = z.strictObject({
  name: z.string().min(1),
  value: z.string().optional(),
  valueFrom: z
    .strictObject({
      podTemplateHashValue: z.enum(['Stable', 'Latest']).optional(),
      fieldRef: z.strictObject({ fieldPath: z.string().min(1) }).optional(),
    })
    .optional(),
});
export type AnalysisRunArgument = z.infer<typeof analysisRunArgumentSchema>;

export const headerSchema = z.strictObject({
  key: z.string().min(1),
  value: z.string(),
});
export type Header = z.infer<typeof headerSchema>;

export const prometheusProviderSchema = z.strictObject({
  /** Prometheus base URL; falls back to the controller's default address when absent. */
  address: z.string().optional(),
  /** Required, except in a metric with a `judge` block (its queries are in `judge.counts`). */
  query: z.string().min(1).optional(),
  /** Seconds; at most 60 (one deadline covers connect, headers and body). */
  timeout: z.number().int().positive().max(60).default(30),
  headers: z.array(headerSchema).default([]),
});
export type PrometheusProvider = z.infer<typeof prometheusProviderSchema>;

export const webProviderSchema = z.strictObject({
  url: z.string().min(1),
  method: z.enum(['GET', 'POST', 'PUT']).default('GET'),
  headers: z.array(headerSchema).default([]),
  body: z.string().optional(),
  /** e.g. `{$.data.ok}`; absent means the whole decoded body. */
  jsonPath: z.string().optional(),
  /** At most 60 (one deadline covers connect, headers and body). */
  timeoutSeconds: z.number().int().positive().max(60).default(10),
});
export type WebProvider = z.infer<typeof webProviderSchema>;

export const metricProviderSchema = z
  .strictObject({
    prometheus: prometheusProviderSchema.optional(),
    web: webProviderSchema.optional(),
  })
  .refine((p) => (p.prometheus === undefined) !== (p.web === undefined), {
    message: 'provider must set exactly one of: prometheus, web',
  });
export type MetricProviderSpec = z.infer<typeof metricProviderSchema>;

const positiveFinite = z.number().positive().finite();
/** A probability strictly between 0 and 1. */
const openProbability = z.number().gt(0, { message: 'must be between 0 and 1 (exclusive)' }).lt(1, { message: 'must be between 0 and 1 (exclusive)' });

/**
 * Where the judge's counts come from. With provider.prometheus: either four PromQL queries (one per
 * arm and count), or two queries (`requests`, `errors`) whose series carry a label (`roleLabel`)
 * naming the arm; args are substituted as in `query`. With provider.web: the four fields are
 * jsonPaths into the one response of each measurement (`{$.canary.requests}`), each selecting a
 * number (one series) or an object of numbers keyed by series (e.g. per pod). `counters:
 * cumulative` (default) reads raw counter values per series and takes increases between
 * measurements (resets and new series handled by the judge); `counters: increase` reads each
 * count's value as the interval's increase.
 */
export const judgeCountsSchema = z
  .strictObject({
    canaryRequests: z.string().min(1).optional(),
    canaryErrors: z.string().min(1).optional(),
    baselineRequests: z.string().min(1).optional(),
    baselineErrors: z.string().min(1).optional(),
    requests: z.string().min(1).optional(),
    errors: z.string().min(1).optional(),
    roleLabel: z.string().min(1).optional(),
    canaryRole: z.string().min(1).default('canary'),
    baselineRole: z.string().min(1).default('stable'),
    counters: z.enum(['cumulative', 'increase']).default('cumulative'),
  })
  .superRefine((counts, ctx) => {
    const four = [counts.canaryRequests, counts.canaryErrors, counts.baselineRequests, counts.baselineErrors];
    const byRole = [counts.requests, counts.errors, counts.roleLabel];
    const fourSet = four.every((q) => q !== undefined);
    const roleSet = byRole.every((q) => q !== undefined);
    const anyFour = four.some((q) => q !== undefined);
    const anyRole = byRole.some((q) => q !== undefined);
    if ((fourSet && !anyRole) || (roleSet && !anyFour)) return;
    ctx.addIssue({
      code: 'custom',
      message: 'counts must set either all of canaryRequests, canaryErrors, baselineRequests, baselineErrors (PromQL queries, or with provider.web jsonPaths into the response), or all of requests, errors, roleLabel (provider.prometheus only; not both)',
    });
  });
export type JudgeCounts = z.infer<typeof judgeCountsSchema>;

/** The four per-arm count fields of `judge.counts`. */
export const COUNT_FIELD_NAMES = ['canaryRequests', 'canaryErrors', 'baselineRequests', 'baselineErrors'] as const;

/**
 * Kanary's statistical judge (docs/analysis.md, "The statistical judge"): compares canary and
 * baseline error rates by an anytime-valid sequential test, one step per measurement interval.
 * The metric's `count` bounds the intervals: undecided by then is inconclusive.
 */
export const judgeSchema = z.strictObject({
  alpha: openProbability.default(0.01),
  tolerance: z.number().min(1, { message: 'must be a ratio of at least 1 (1.1 tolerates 10% more errors than stable)' }).finite().default(1.1),
  badRatio: positiveFinite.optional(),
  beta: openProbability.default(0.05),
  /** Leading intervals seen but not judged. */
  warmup: nonNegativeInt.default(0),
  minEvents: nonNegativeInt.default(5),
  minPromoteIntervals: nonNegativeInt.default(10),
  /** What an inconclusive end does: pause the Rollout for a person (default) or fail the run. Never promote. */
  inconclusive: z.enum(['pause', 'fail']).default('pause'),
  counts: judgeCountsSchema,
});
export type JudgeSpec = z.infer<typeof judgeSchema>;

const baseMetricSchema = z.strictObject({
  name: z.string().min(1),
  interval: durationWithUnitSchema.optional(),
  initialDelay: durationWithUnitSchema.optional(),
  count: nonNegativeInt.optional(),
  successCondition: z.string().optional(),
  failureCondition: z.string().optional(),
  failureLimit: limitInt.default(0),
  inconclusiveLimit: limitInt.default(0),
  consecutiveErrorLimit: limitInt.default(4),
  consecutiveSuccessLimit: nonNegativeInt.default(0),
  provider: metricProviderSchema,
  /** Kanary extension: judge canary against baseline from counts (replaces or joins the conditions). */
  judge: judgeSchema.optional(),
});

type MetricProblem = { path: (string | number)[]; message: string };

/** The four counts of a web judge as jsonPaths: each must parse (args stand in as `a`) and select one value. */
function webCountPathProblems(counts: JudgeCounts): MetricProblem[] {
  return COUNT_FIELD_NAMES.flatMap((field) => {
    const path = counts[field];
    if (path === undefined) return [];
    const parsed = parseJsonPath(path.replace(/\{\{[^}]*\}\}/g, 'a'));
    if (!parsed.ok) return [{ path: ['judge', 'counts', field], message: `with provider.web a count is a jsonPath into the response: ${parsed.message}` }];
    if (!parsed.segments.some((s) => s.kind === 'wildcard')) return [];
    return [{ path: ['judge', 'counts', field], message: 'a count path selects one value (a number, or an object of numbers keyed by series): no [*] or .*' }];
  });
}

function webJudgeProblems(web: WebProvider, counts: JudgeCounts): MetricProblem[] {
  const problems: MetricProblem[] = [];
  if (counts.requests !== undefined || counts.errors !== undefined || counts.roleLabel !== undefined) {
    problems.push({
      path: ['judge', 'counts'],
      message: 'with provider.web, judge.counts sets canaryRequests, canaryErrors, baselineRequests and baselineErrors, each a jsonPath into the response (requests, errors and roleLabel are for provider.prometheus)',
    });
  }
  if (web.jsonPath !== undefined) {
    problems.push({ path: ['provider', 'web', 'jsonPath'], message: 'a metric with a judge block reads each count at its own path in judge.counts: leave provider.web.jsonPath out' });
  }
  return [...problems, ...webCountPathProblems(counts)];
}

function metricProblems(metric: z.infer<typeof baseMetricSchema>): MetricProblem[] {
  const problems: MetricProblem[] = [];
  if (metric.judge === undefined) {
    if (metric.provider.prometheus !== undefined && metric.provider.prometheus.query === undefined) {
      problems.push({ path: ['provider', 'prometheus', 'query'], message: 'query is required (only a metric with a judge block may leave it out)' });
    }
    return problems;
  }
  if (metric.provider.web !== undefined) problems.push(...webJudgeProblems(metric.provider.web, metric.judge.counts));
  if (metric.interval === undefined) problems.push({ path: ['interval'], message: 'a metric with a judge block needs an interval (one judged interval per measurement)' });
  if (metric.successCondition !== undefined || metric.failureCondition !== undefined) {
    problems.push({ path: ['judge'], message: 'a metric with a judge block has no successCondition or failureCondition: put a threshold in its own metric beside it' });
  }
  const judge = metric.judge;
  if (judge.badRatio !== undefined && judge.badRatio <= judge.tolerance) {
    problems.push({ path: ['judge', 'badRatio'], message: `badRatio must be above tolerance (${judge.tolerance})` });
  }
  return problems;
}

export const metricSchema = baseMetricSchema.superRefine((metric, ctx) => {
  for (const problem of metricProblems(metric)) ctx.addIssue({ code: 'custom', ...problem });
});
export type Metric = z.infer<typeof metricSchema>;
export type MetricInput = z.input<typeof metricSchema>;

/**
 * A dryRun or measurementRetention metricName as an RE2 expression matching whole metric names;
 * undefined when it is too long or not valid RE2. RE2 runs in linear time, so a tenant's pattern
 * cannot stall the controller.
 */
export function compileMetricNamePattern(pattern: string): RE2JS | undefined {
  if (pattern.length > METRIC_NAME_PATTERN_MAX) return undefined;
  try {
    return RE2JS.compile(`^(?:${pattern})$`);
  } catch {
    return undefined;
  }
}

/** A metric name, or an RE2 regular expression matching whole names (`.*`, `error-.*`). */
const metricNamePatternSchema = z.string().min(1).max(METRIC_NAME_PATTERN_MAX)
  .refine((pattern) => compileMetricNamePattern(pattern) !== undefined, { message: 'is neither a metric name nor an RE2 regular expression' });

/** `metricName` is a metric name or an anchored RE2 regular expression such as `.*`. */
export const dryRunSchema = z.strictObject({ metricName: metricNamePatternSchema });
export type DryRun = z.infer<typeof dryRunSchema>;

/**
 * `measurementRetention` (Argo's field): how many measurements of the metrics `metricName` matches
 * (a name or an anchored RE2 expression) the run keeps in its status; the first matching entry
 * wins, the default is MEASUREMENT_HISTORY_LIMIT. Capped at MAX_MEASUREMENT_RETENTION so a run's
 * status stays far below the API server's object size limit.
 */
export const measurementRetentionSchema = z.strictObject({
  metricName: metricNamePatternSchema,
  limit: z.number().int().min(1).max(MAX_MEASUREMENT_RETENTION),
});
export type MeasurementRetention = z.infer<typeof measurementRetentionSchema>;

export const objectMetaSchema = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().optional(),
  creationTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  ownerReferences: z.array(z.looseObject({})).optional(),
});

function uniqueMetricNames(metrics: { name: string }[]): boolean {
  return new Set(metrics.map((m) => m.name)).size === metrics.length;
}

export const analysisTemplateSpecSchema = z.strictObject({
  args: z.array(argumentSchema).default([]),
  metrics: z
    .array(metricSchema)
    .min(1)
    .refine(uniqueMetricNames, { message: 'metric names must be unique' }),
  dryRun: z.array(dryRunSchema).default([]),
  measurementRetention: z.array(measurementRetentionSchema).max(MAX_RETENTION_ENTRIES).default([]),
});
export type AnalysisTemplateSpec = z.infer<typeof analysisTemplateSpecSchema>;

export const analysisTemplateSchema = z.object({
  apiVersion: z.literal(ANALYSIS_API_VERSION),
  kind: z.literal('AnalysisTemplate'),
  metadata: objectMetaSchema,
  spec: analysisTemplateSpecSchema,
});
export type AnalysisTemplate = z.infer<typeof analysisTemplateSchema>;

export const clusterAnalysisTemplateSchema = z.object({
  apiVersion: z.literal(ANALYSIS_API_VERSION),
  kind: z.literal('ClusterAnalysisTemplate'),
  metadata: objectMetaSchema,
  spec: analysisTemplateSpecSchema,
});
export type ClusterAnalysisTemplate = z.infer<typeof clusterAnalysisTemplateSchema>;

export const measurementPhaseSchema = z.enum(['Successful', 'Failed', 'Inconclusive', 'Error']);
export type MeasurementPhase = z.infer<typeof measurementPhaseSchema>;

export const analysisPhaseSchema = z.enum(ANALYSIS_PHASES);
export type { AnalysisPhase };

const count = z.number().min(0);

/** One judged measurement, explained: this interval's counts and the evidence after it. */
export const judgeMeasurementSchema = z.object({
  /** warmup, judged, missing, invalid, firstScrape (cumulative counters: the first reading) or afterVerdict. */
  interval: z.enum(['warmup', 'judged', 'missing', 'invalid', 'firstScrape', 'afterVerdict']),
  /** This interval's counts per arm (absent when missing). */
  canaryRequests: count.optional(),
  canaryErrors: count.optional(),
  baselineRequests: count.optional(),
  baselineErrors: count.optional(),
  /** Canary error rate / stable error rate over all judged intervals, e.g. `2.4`, `inf` (only the canary had bad events). */
  observedRatio: z.string().optional(),
  abortEvidence: z.number(),
  abortThreshold: z.number(),
  promoteEvidence: z.number().optional(),
  promoteThreshold: z.number().optional(),
  /** More canary bad events, with none in stable, that would abort. */
  canaryErrorsToAbort: z.number().int().optional(),
  /** More stable bad events, with none in the canary, that would promote early. */
  baselineErrorsToPromote: z.number().int().optional(),
});
export type JudgeMeasurement = z.infer<typeof judgeMeasurementSchema>;

export const judgeVerdictSchema = z.object({
  outcome: z.enum(['fail', 'pass', 'inconclusive']),
  interval: nonNegativeInt,
  reason: z.enum(['warmup', 'noTraffic', 'noCanaryTraffic', 'noBaselineTraffic', 'missingData', 'noBadEvents', 'notEnoughEvidence']).optional(),
  action: z.enum(['pause', 'abort']).optional(),
});

/** The judge's running state (src/core/judge/judge-process.ts): plain numbers, so a restart resumes it. */
export const judgeStateSchema = z.object({
  intervals: nonNegativeInt,
  judgedIntervals: nonNegativeInt,
  missingIntervals: nonNegativeInt,
  invalidIntervals: nonNegativeInt,
  canaryRequests: count,
  canaryErrors: count,
  baselineRequests: count,
  baselineErrors: count,
  informativeEvents: count,
  abortLogLikelihoods: z.array(z.number()),
  promoteLogLikelihoods: z.array(z.number()),
  spikeIntervals: nonNegativeInt,
  calmRequests: count,
  calmEvents: count,
  verdict: judgeVerdictSchema.optional(),
});

export const counterSampleSchema = z.object({ series: z.string(), value: z.number() });

/** Last counter readings per series (cumulative counters), to take the next interval's increase. */
export const judgeReadingsSchema = z.object({
  canaryRequests: z.array(counterSampleSchema).default([]),
  canaryErrors: z.array(counterSampleSchema).default([]),
  baselineRequests: z.array(counterSampleSchema).default([]),
  baselineErrors: z.array(counterSampleSchema).default([]),
});
export type JudgeReadings = z.infer<typeof judgeReadingsSchema>;

export const judgeResultSchema = z.object({
  state: judgeStateSchema,
  readings: judgeReadingsSchema.optional(),
});
export type JudgeResult = z.infer<typeof judgeResultSchema>;

export const measurementSchema = z.object({
  phase: measurementPhaseSchema,
  /** The measured value rendered as JSON text (`0.98`, `[0.98,0.97]`), absent when no data. */
  value: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  message: z.string().optional(),
  /** When the next measurement of this metric is due (set after an Error). */
  resumeAt: z.string().optional(),
  /** A judged measurement's counts and evidence (metrics with a `judge` block). */
  judge: judgeMeasurementSchema.optional(),
});
export type Measurement = z.infer<typeof measurementSchema>;

export const metricResultSchema = z.object({
  name: z.string(),
  phase: analysisPhaseSchema,
  count: nonNegativeInt.default(0),
  successful: nonNegativeInt.default(0),
  failed: nonNegativeInt.default(0),
  inconclusive: nonNegativeInt.default(0),
  error: nonNegativeInt.default(0),
  consecutiveError: nonNegativeInt.default(0),
  consecutiveSuccess: nonNegativeInt.default(0),
  message: z.string().optional(),
  dryRun: z.boolean().optional(),
  measurements: z.array(measurementSchema).max(MAX_MEASUREMENT_RETENTION).default([]),
  /** The query (or URL) after `{{args.*}}` substitution, secrets excluded. */
  resolvedQuery: z.string().optional(),
  /** The judge's state (metrics with a `judge` block): the evidence so far and the last counter readings. */
  judge: judgeResultSchema.optional(),
});
export type MetricResult = z.infer<typeof metricResultSchema>;

export const analysisRunStatusSchema = z.object({
  phase: analysisPhaseSchema,
  message: z.string().optional(),
  startedAt: z.string().optional(),
  metricResults: z.array(metricResultSchema).default([]),
});
export type AnalysisRunStatus = z.infer<typeof analysisRunStatusSchema>;

export const analysisRunSpecSchema = z.strictObject({
  metrics: z
    .array(metricSchema)
    .min(1)
    .refine(uniqueMetricNames, { message: 'metric names must be unique' }),
  /** Resolved arguments: plain values, or Secret references read at measurement time. */
  args: z.array(argumentSchema).default([]),
  dryRun: z.array(dryRunSchema).default([]),
  measurementRetention: z.array(measurementRetentionSchema).max(MAX_RETENTION_ENTRIES).default([]),
  terminate: z.boolean().optional(),
});
export type AnalysisRunSpec = z.infer<typeof analysisRunSpecSchema>;

export const analysisRunSchema = z.object({
  apiVersion: z.literal(ANALYSIS_API_VERSION),
  kind: z.literal('AnalysisRun'),
  metadata: objectMetaSchema,
  spec: analysisRunSpecSchema,
  status: analysisRunStatusSchema.optional(),
});
export type AnalysisRun = z.infer<typeof analysisRunSchema>;
export type AnalysisRunInput = z.input<typeof analysisRunSchema>;
