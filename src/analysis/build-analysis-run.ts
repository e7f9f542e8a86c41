// Builds an AnalysisRun from (Cluster)AnalysisTemplate specs plus Rollout-side args (SPEC §4).
// Pure: the caller supplies the templates, the Rollout object and the two pod-template hashes.
import type {
  AnalysisRun,
  AnalysisRunArgument,
  AnalysisTemplateSpec,
  Argument,
  DryRun,
  MeasurementRetention,
  Metric,
} from '../api/analysis.js';
import { ANALYSIS_API_VERSION, MAX_RETENTION_ENTRIES } from '../api/analysis.js';
import { selectJsonPath } from './json-path.js';

export interface NamedTemplate {
  /** e.g. `AnalysisTemplate "success-rate"`, used in messages. */
  label: string;
  spec: AnalysisTemplateSpec;
}

export interface BuildAnalysisRunInput {
  name: string;
  namespace: string;
  templates: readonly NamedTemplate[];
  rolloutArgs: readonly AnalysisRunArgument[];
  /** The Rollout's own measurementRetention for this analysis (before the templates'). */
  rolloutRetention?: readonly MeasurementRetention[];
  /** The Rollout's own dryRun for this analysis (added to the templates'). */
  rolloutDryRun?: readonly DryRun[];
  rollout: unknown;
  stablePodHash?: string;
  latestPodHash?: string;
  labels?: Record<string, string>;
  ownerReferences?: Record<string, unknown>[];
}

export type BuildResult<T> = { ok: true; value: T } | { ok: false; message: string };

function fieldRefValue(rollout: unknown, fieldPath: string): BuildResult<string> {
  const selected = selectJsonPath(rollout, `$.${fieldPath}`);
  if (!selected.ok || selected.value === undefined || selected.value === null) {
    return { ok: false, message: `fieldRef "${fieldPath}" does not resolve on the Rollout` };
  }
  const value = selected.value;
  return { ok: true, value: typeof value === 'string' ? value : JSON.stringify(value) };
}

/** The value a Rollout-side arg supplies, or undefined when it supplies none. */
export function resolveRolloutArg(arg: AnalysisRunArgument, input: BuildAnalysisRunInput): BuildResult<string | undefined> {
  if (arg.value !== undefined) return { ok: true, value: arg.value };
  const from = arg.valueFrom;
  if (from?.podTemplateHashValue !== undefined) {
    const hash = from.podTemplateHashValue === 'Stable' ? input.stablePodHash : input.latestPodHash;
    if (hash === undefined) return { ok: false, message: `arg "${arg.name}": no ${from.podTemplateHashValue} pod-template hash yet` };
    return { ok: true, value: hash };
  }
  if (from?.fieldRef !== undefined) {
    const resolved = fieldRefValue(input.rollout, from.fieldRef.fieldPath);
    return resolved.ok ? resolved : { ok: false, message: `arg "${arg.name}": ${resolved.message}` };
  }
  return { ok: true, value: undefined };
}

function mergeTemplateArgs(templates: readonly NamedTemplate[]): BuildResult<Argument[]> {
  const merged = new Map<string, Argument>();
  for (const template of templates) {
    for (const arg of template.spec.args) {
      const seen = merged.get(arg.name);
      if (seen !== undefined && JSON.stringify(seen) !== JSON.stringify(arg) && arg.value !== undefined && seen.value !== undefined) {
        return { ok: false, message: `arg "${arg.name}" has conflicting values in ${template.label} and an earlier template` };
      }
      if (seen === undefined || seen.value === undefined) merged.set(arg.name, arg);
    }
  }
  return { ok: true, value: [...merged.values()] };
}

function applyRolloutArgs(templateArgs: Argument[], input: BuildAnalysisRunInput): BuildResult<Argument[]> {
  const out: Argument[] = [];
  for (const arg of templateArgs) {
    const supplied = input.rolloutArgs.find((a) => a.name === arg.name);
    const resolved = supplied === undefined ? { ok: true as const, value: undefined } : resolveRolloutArg(supplied, input);
    if (!resolved.ok) return resolved;
    const next: Argument = resolved.value === undefined ? arg : { name: arg.name, value: resolved.value };
    if (next.value === undefined && next.valueFrom === undefined) {
      return { ok: false, message: `arg "${arg.name}" has no value: supply it in the Rollout's analysis args` };
    }
    out.push(next);
  }
  return { ok: true, value: out };
}

function mergeMetrics(templates: readonly NamedTemplate[]): BuildResult<{ metrics: Metric[]; dryRun: DryRun[]; measurementRetention: MeasurementRetention[] }> {
  const metrics: Metric[] = [];
  const origin = new Map<string, string>();
  for (const template of templates) {
    for (const metric of template.spec.metrics) {
      const first = origin.get(metric.name);
      if (first !== undefined) {
        return { ok: false, message: `metric "${metric.name}" is defined in both ${first} and ${template.label}` };
      }
      origin.set(metric.name, template.label);
      metrics.push(metric);
    }
  }
  return { ok: true, value: { metrics, dryRun: templates.flatMap((t) => t.spec.dryRun), measurementRetention: templates.flatMap((t) => t.spec.measurementRetention) } };
}

/** Merges the templates into one AnalysisRun; errors name the template, metric or arg. */
export function buildAnalysisRun(input: BuildAnalysisRunInput): BuildResult<AnalysisRun> {
  if (input.templates.length === 0) return { ok: false, message: 'no analysis template referenced' };
  const merged = mergeMetrics(input.templates);
  if (!merged.ok) return merged;
  const templateArgs = mergeTemplateArgs(input.templates);
  if (!templateArgs.ok) return templateArgs;
  const args = applyRolloutArgs(templateArgs.value, input);
  if (!args.ok) return args;
  const metadata: AnalysisRun['metadata'] = { name: input.name, namespace: input.namespace };
  if (input.labels !== undefined) metadata.labels = input.labels;
  if (input.ownerReferences !== undefined) metadata.ownerReferences = input.ownerReferences;
  return {
    ok: true,
    value: {
      apiVersion: ANALYSIS_API_VERSION,
      kind: 'AnalysisRun',
      metadata,
      spec: { metrics: merged.value.metrics, args: args.value, dryRun: [...(input.rolloutDryRun ?? []), ...merged.value.dryRun], measurementRetention: [...(input.rolloutRetention ?? []), ...merged.value.measurementRetention].slice(0, MAX_RETENTION_ENTRIES) },
    },
  };
}
