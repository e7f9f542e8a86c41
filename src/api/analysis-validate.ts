// Validation of (Cluster)AnalysisTemplates beyond their schema: CEL conditions must parse (named
// by metric and column), referenced args must be declared, and step analyses must end. The checks
// beyond the schema read the document as written, so they also run when the schema rejects it
// (every problem at once); a field of the wrong shape is left to the schema's problem.
import { createConditionEnvironment, compileCondition } from '../analysis/cel-condition.js';
import { findArgReferences } from '../analysis/args.js';
import { z } from 'zod';
import {
  analysisTemplateSchema,
  analysisTemplateSpecSchema,
  clusterAnalysisTemplateSchema,
  type AnalysisTemplate,
  type ClusterAnalysisTemplate,
  type Metric,
} from './analysis.js';
import { problemsFromZod, uniqueProblems, type Problem } from './problems.js';

export interface AnalysisTemplateValidation {
  template?: AnalysisTemplate | ClusterAnalysisTemplate;
  problems: Problem[];
}

type CelEnvironment = ReturnType<typeof createConditionEnvironment>;
type Fields = Record<string, unknown>;

interface TemplateArg {
  name: string;
  value?: string;
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The declared args with a string name; undefined when `spec.args` is not a list (unknown). */
function declaredArgs(raw: unknown): TemplateArg[] | undefined {
  const args = isFields(raw) && isFields(raw.spec) ? (raw.spec.args ?? []) : [];
  if (!Array.isArray(args)) return undefined;
  return args.flatMap((arg) => (isFields(arg) && typeof arg.name === 'string' ? [{ name: arg.name, value: text(arg.value) }] : []));
}

function placeholderValue(name: string, args: readonly TemplateArg[]): string {
  const value = args.find((a) => a.name === name)?.value;
  return value !== undefined && value.trim() !== '' ? value : '0';
}

function metricLabel(metric: Fields, index: number): string {
  return typeof metric.name === 'string' ? `metric "${metric.name}"` : `metric ${index}`;
}

function conditionProblems(env: CelEnvironment, metric: Fields, index: number, args: readonly TemplateArg[]): Problem[] {
  return (['successCondition', 'failureCondition'] as const).flatMap((field) => {
    const condition = text(metric[field]);
    if (condition === undefined || condition.trim() === '') return [];
    const substituted = condition.replace(/\{\{\s*args\.([^}\s]+)\s*\}\}/g, (_m, name: string) => placeholderValue(name, args));
    const compiled = compileCondition(env, substituted);
    return compiled.ok ? [] : [{ path: `spec.metrics[${index}].${field}`, message: `${metricLabel(metric, index)} ${field}: ${compiled.message}.` }];
  });
}

function headerValues(provider: unknown): unknown[] {
  const headers = isFields(provider) ? provider.headers : undefined;
  return Array.isArray(headers) ? headers.map((h) => (isFields(h) ? h.value : undefined)) : [];
}

/** Every string of the metric that may carry `{{args.NAME}}`. */
function metricTexts(metric: Fields): string[] {
  const provider = isFields(metric.provider) ? metric.provider : {};
  const prometheus = isFields(provider.prometheus) ? provider.prometheus : {};
  const web = isFields(provider.web) ? provider.web : {};
  const counts = isFields(metric.judge) && isFields(metric.judge.counts) ? metric.judge.counts : {};
  return [
    metric.successCondition, metric.failureCondition, prometheus.address, prometheus.query,
    web.url, web.body, web.jsonPath, ...headerValues(prometheus), ...headerValues(web),
    counts.canaryRequests, counts.canaryErrors, counts.baselineRequests, counts.baselineErrors, counts.requests, counts.errors,
  ].filter((t): t is string => typeof t === 'string');
}

function undeclaredArgProblems(metric: Fields, index: number, args: readonly TemplateArg[]): Problem[] {
  const declared = new Set(args.map((a) => a.name));
  const undeclared = [...new Set(metricTexts(metric).flatMap(findArgReferences))].filter((n) => !declared.has(n));
  return undeclared.map((name) => ({
    path: `spec.metrics[${index}]`,
    message: `${metricLabel(metric, index)} uses {{args.${name}}} but the template declares no arg "${name}".`,
  }));
}

/** CEL and argument problems of a template document as written; never throws, whatever its shape. */
export function templateSemanticProblems(raw: unknown): Problem[] {
  const metrics = isFields(raw) && isFields(raw.spec) ? raw.spec.metrics : undefined;
  if (!Array.isArray(metrics)) return [];
  const args = declaredArgs(raw);
  const env = createConditionEnvironment();
  return metrics.flatMap((metric, index) => {
    if (!isFields(metric)) return [];
    const conditions = conditionProblems(env, metric, index, args ?? []);
    return args === undefined ? conditions : [...conditions, ...undeclaredArgProblems(metric, index, args)];
  });
}

const templateSpecOnlySchema = z.object({ spec: analysisTemplateSpecSchema });

/**
 * The schema problems of a template's spec (paths from `spec.`): unknown fields, Argo Rollouts
 * fields Kanary does not implement, wrong types. The controller reports them on every Rollout that
 * references the template; its CEL and argument checks are the AnalysisRun's to report.
 */
export function templateSpecProblems(spec: unknown): Problem[] {
  const parsed = templateSpecOnlySchema.safeParse({ spec }, { reportInput: true });
  return parsed.success ? [] : problemsFromZod(parsed.error, templateSpecOnlySchema);
}

/** Parses an AnalysisTemplate or ClusterAnalysisTemplate document and reports every problem. */
export function validateAnalysisTemplate(raw: unknown): AnalysisTemplateValidation {
  const kind = (raw as { kind?: unknown } | null)?.kind;
  const schema = kind === 'ClusterAnalysisTemplate' ? clusterAnalysisTemplateSchema : analysisTemplateSchema;
  const parsed = schema.safeParse(raw, { reportInput: true });
  const schemaProblems = parsed.success ? [] : problemsFromZod(parsed.error, schema);
  const problems = uniqueProblems([...schemaProblems, ...templateSemanticProblems(raw)]);
  return parsed.success ? { template: parsed.data, problems } : { problems };
}

/**
 * Metrics that never complete on their own (an interval with no count and no
 * consecutiveSuccessLimit): fine for background analysis, a problem in a step analysis.
 */
export function findNeverEndingMetrics(template: { spec: { metrics: readonly Metric[] } }): string[] {
  return template.spec.metrics
    .filter((m) => m.interval !== undefined && (m.count ?? 0) === 0 && m.consecutiveSuccessLimit === 0)
    .map((m) => m.name);
}
