// Validation of (Cluster)AnalysisTemplates beyond their schema: CEL conditions must parse (named
// by metric and column), referenced args must be declared, and step analyses must end.
import { createConditionEnvironment, compileCondition } from '../analysis/cel-condition.js';
import { findArgReferences } from '../analysis/args.js';
import {
  analysisTemplateSchema,
  clusterAnalysisTemplateSchema,
  type AnalysisTemplate,
  type ClusterAnalysisTemplate,
  type Metric,
} from './analysis.js';
import { problemsFromZod, type Problem } from './problems.js';

export interface AnalysisTemplateValidation {
  template?: AnalysisTemplate | ClusterAnalysisTemplate;
  problems: Problem[];
}

type CelEnvironment = ReturnType<typeof createConditionEnvironment>;

function placeholderValue(name: string, args: readonly { name: string; value?: string }[]): string {
  const value = args.find((a) => a.name === name)?.value;
  return value !== undefined && value.trim() !== '' ? value : '0';
}

function conditionProblem(
  env: CelEnvironment,
  metric: Metric,
  field: 'successCondition' | 'failureCondition',
  args: readonly { name: string; value?: string }[],
): string | undefined {
  const text = metric[field];
  if (text === undefined || text.trim() === '') return undefined;
  const substituted = text.replace(/\{\{\s*args\.([^}\s]+)\s*\}\}/g, (_m, name: string) => placeholderValue(name, args));
  const compiled = compileCondition(env, substituted);
  return compiled.ok ? undefined : `metric "${metric.name}" ${field}: ${compiled.message}.`;
}

function metricTexts(metric: Metric): string[] {
  const p = metric.provider;
  const headers = [...(p.prometheus?.headers ?? []), ...(p.web?.headers ?? [])].map((h) => h.value);
  return [
    metric.successCondition, metric.failureCondition, p.prometheus?.address, p.prometheus?.query,
    p.web?.url, p.web?.body, p.web?.jsonPath, ...headers,
  ].filter((t): t is string => t !== undefined);
}

function metricProblems(env: CelEnvironment, metric: Metric, index: number, args: readonly { name: string; value?: string }[]): Problem[] {
  const problems: Problem[] = [];
  for (const field of ['successCondition', 'failureCondition'] as const) {
    const message = conditionProblem(env, metric, field, args);
    if (message !== undefined) problems.push({ path: `spec.metrics[${index}].${field}`, message });
  }
  const declared = new Set(args.map((a) => a.name));
  const undeclared = [...new Set(metricTexts(metric).flatMap(findArgReferences))].filter((n) => !declared.has(n));
  for (const name of undeclared) {
    problems.push({ path: `spec.metrics[${index}]`, message: `metric "${metric.name}" uses {{args.${name}}} but the template declares no arg "${name}".` });
  }
  return problems;
}

/** Parses an AnalysisTemplate or ClusterAnalysisTemplate document and reports every problem. */
export function validateAnalysisTemplate(raw: unknown): AnalysisTemplateValidation {
  const kind = (raw as { kind?: unknown } | null)?.kind;
  const schema = kind === 'ClusterAnalysisTemplate' ? clusterAnalysisTemplateSchema : analysisTemplateSchema;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { problems: problemsFromZod(parsed.error, schema) };
  const template = parsed.data;
  const env = createConditionEnvironment();
  const problems = template.spec.metrics.flatMap((metric, i) => metricProblems(env, metric, i, template.spec.args));
  return { template, problems };
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
