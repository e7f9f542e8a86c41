// Schemas and types for AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun (SPEC §4).
// Field names follow Argo Rollouts so templates migrate by changing apiVersion only.
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { ANALYSIS_PHASES, type AnalysisPhase } from './reasons.js';

export const ANALYSIS_API_VERSION = 'kanary.dev/v1alpha1';

/** A Go-style duration that must carry a unit (`30s`, `1m`, `500ms`): used by interval/initialDelay. */
export const durationWithUnitSchema = z.string().superRefine((value, ctx) => {
  const parsed = parseDuration(value, { requireUnit: true });
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
});

const nonNegativeInt = z.number().int().min(0);
/** A limit where -1 disables the check (as in Argo Rollouts). */
const limitInt = z.number().int().min(-1);

export const secretKeyRefSchema = z.object({
  name: z.string().min(1),
  key: z.string().min(1),
});
export type SecretKeyRef = z.infer<typeof secretKeyRefSchema>;

/** Template-side argument: a default `value`, a Secret reference, or nothing (must be supplied). */
export const argumentSchema = z.object({
  name: z.string().min(1),
  value: z.string().optional(),
  valueFrom: z.object({ secretKeyRef: secretKeyRefSchema }).optional(),
});
export type Argument = z.infer<typeof argumentSchema>;

/** Rollout-side argument (step analysis / background analysis `args[]`). */
export const analysisRunArgumentSchema = z.object({
  name: z.string().min(1),
  value: z.string().optional(),
  valueFrom: z
    .object({
      podTemplateHashValue: z.enum(['Stable', 'Latest']).optional(),
      fieldRef: z.object({ fieldPath: z.string().min(1) }).optional(),
    })
    .optional(),
});
export type AnalysisRunArgument = z.infer<typeof analysisRunArgumentSchema>;

export const headerSchema = z.object({
  key: z.string().min(1),
  value: z.string(),
});
export type Header = z.infer<typeof headerSchema>;

export const prometheusProviderSchema = z.object({
  /** Prometheus base URL; falls back to the controller's default address when absent. */
  address: z.string().optional(),
  query: z.string().min(1),
  /** Seconds; at most 60 (one deadline covers connect, headers and body). */
  timeout: z.number().int().positive().max(60).default(30),
  headers: z.array(headerSchema).default([]),
});
export type PrometheusProvider = z.infer<typeof prometheusProviderSchema>;

export const webProviderSchema = z.object({
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
  .object({
    prometheus: prometheusProviderSchema.optional(),
    web: webProviderSchema.optional(),
  })
  .refine((p) => (p.prometheus === undefined) !== (p.web === undefined), {
    message: 'provider must set exactly one of: prometheus, web',
  });
export type MetricProviderSpec = z.infer<typeof metricProviderSchema>;

export const metricSchema = z.object({
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
});
export type Metric = z.infer<typeof metricSchema>;
export type MetricInput = z.input<typeof metricSchema>;

/** `metricName` is a metric name or an anchored regular expression such as `.*`. */
export const dryRunSchema = z.object({ metricName: z.string().min(1) });
export type DryRun = z.infer<typeof dryRunSchema>;

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

export const analysisTemplateSpecSchema = z.object({
  args: z.array(argumentSchema).default([]),
  metrics: z
    .array(metricSchema)
    .min(1)
    .refine(uniqueMetricNames, { message: 'metric names must be unique' }),
  dryRun: z.array(dryRunSchema).default([]),
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

export const MEASUREMENT_HISTORY_LIMIT = 10;

export const measurementSchema = z.object({
  phase: measurementPhaseSchema,
  /** The measured value rendered as JSON text (`0.98`, `[0.98,0.97]`), absent when no data. */
  value: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  message: z.string().optional(),
  /** When the next measurement of this metric is due (set after an Error). */
  resumeAt: z.string().optional(),
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
  measurements: z.array(measurementSchema).max(MEASUREMENT_HISTORY_LIMIT).default([]),
  /** The query (or URL) after `{{args.*}}` substitution, secrets excluded. */
  resolvedQuery: z.string().optional(),
});
export type MetricResult = z.infer<typeof metricResultSchema>;

export const analysisRunStatusSchema = z.object({
  phase: analysisPhaseSchema,
  message: z.string().optional(),
  startedAt: z.string().optional(),
  metricResults: z.array(metricResultSchema).default([]),
});
export type AnalysisRunStatus = z.infer<typeof analysisRunStatusSchema>;

export const analysisRunSpecSchema = z.object({
  metrics: z
    .array(metricSchema)
    .min(1)
    .refine(uniqueMetricNames, { message: 'metric names must be unique' }),
  /** Resolved arguments: plain values, or Secret references read at measurement time. */
  args: z.array(argumentSchema).default([]),
  dryRun: z.array(dryRunSchema).default([]),
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
