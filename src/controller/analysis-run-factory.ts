/**
 * Builds the AnalysisRun for a createAnalysisRun action: the referenced (Cluster)AnalysisTemplates
 * from the caches merged into one run (metrics, dry-run list, args), Rollout-side args resolved
 * (`value`, `valueFrom.podTemplateHashValue`, `valueFrom.fieldRef`), labels and ownerReference.
 * A template that is missing or invalid throws with a message naming it; spec-problems.ts reports
 * the same before any action is planned, so this is a last line of defence.
 */
import type { Argument, Metric } from '../api/analysis.js';
import { analysisTemplateSpecSchema } from '../api/analysis.js';
import {
  ANALYSIS_KIND_BACKGROUND,
  ANALYSIS_KIND_LABEL,
  ANALYSIS_KIND_STEP,
  KANARY_API_VERSION,
  POD_TEMPLATE_HASH_LABEL,
  ROLLOUT_NAME_LABEL,
  STEP_INDEX_LABEL,
} from '../api/labels.js';
import type { AnalysisTemplateRef, Rollout, RolloutAnalysisArg } from '../api/rollout.js';
import type { CreateAnalysisRunAction } from '../core/actions.js';
import type { AnalysisRunObject } from '../kube/analysis-runs.js';
import { buildRolloutOwnerReference } from '../kube/owner-reference.js';
import type { AnalysisRunFactory } from './execute-actions.js';
import type { RolloutWorld } from './rollout-world.js';

interface MergedTemplates {
  metrics: Metric[];
  args: Argument[];
  dryRun: { metricName: string }[];
}

function loadTemplate(world: RolloutWorld, namespace: string, ref: AnalysisTemplateRef) {
  const raw = ref.clusterScope ? world.clusterAnalysisTemplates.get(ref.templateName) : world.analysisTemplates.get(namespace, ref.templateName);
  const what = ref.clusterScope ? `ClusterAnalysisTemplate "${ref.templateName}"` : `AnalysisTemplate "${ref.templateName}"`;
  if (!raw) throw new Error(`${what} not found`);
  const parsed = analysisTemplateSpecSchema.safeParse(raw.spec);
  if (!parsed.success) throw new Error(`${what} is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

function mergeTemplates(world: RolloutWorld, namespace: string, refs: readonly AnalysisTemplateRef[]): MergedTemplates {
  const merged: MergedTemplates = { metrics: [], args: [], dryRun: [] };
  for (const ref of refs) {
    const spec = loadTemplate(world, namespace, ref);
    for (const metric of spec.metrics) {
      if (merged.metrics.some((m) => m.name === metric.name)) throw new Error(`metric "${metric.name}" is defined by two templates`);
      merged.metrics.push(metric);
    }
    for (const arg of spec.args) if (!merged.args.some((a) => a.name === arg.name)) merged.args.push(arg);
    merged.dryRun.push(...spec.dryRun);
  }
  return merged;
}

/** Reads `metadata.name`, `spec.replicas`, `metadata.labels['app']` ... from the Rollout. */
export function readFieldPath(object: unknown, fieldPath: string): string | undefined {
  const segments = fieldPath.match(/[^.[\]'"]+/g) ?? [];
  let current: unknown = object;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current === undefined || current === null || typeof current === 'object' ? undefined : String(current);
}

function resolveHashArg(rollout: Rollout, action: CreateAnalysisRunAction, which: 'Stable' | 'Latest'): string {
  return which === 'Latest' ? action.podTemplateHash : (rollout.status?.stableRS ?? action.podTemplateHash);
}

function resolveRolloutArg(rollout: Rollout, action: CreateAnalysisRunAction, arg: RolloutAnalysisArg): string {
  if (arg.value !== undefined) return arg.value;
  const from = arg.valueFrom ?? {};
  if (from.podTemplateHashValue) return resolveHashArg(rollout, action, from.podTemplateHashValue);
  const path = from.fieldRef?.fieldPath;
  if (!path) throw new Error(`argument "${arg.name}" has neither value nor valueFrom`);
  const value = readFieldPath(rollout, path);
  if (value === undefined) throw new Error(`argument "${arg.name}": field ${path} is not set on the Rollout`);
  return value;
}

function resolveArgs(rollout: Rollout, action: CreateAnalysisRunAction, templateArgs: Argument[]): Argument[] {
  const given = new Map((action.analysis.args ?? []).map((arg) => [arg.name, resolveRolloutArg(rollout, action, arg)]));
  const args = templateArgs.map((arg): Argument => {
    const value = given.get(arg.name);
    return value === undefined ? arg : { name: arg.name, value };
  });
  const missing = args.filter((arg) => arg.value === undefined && arg.valueFrom === undefined).map((a) => a.name);
  if (missing.length > 0) throw new Error(`analysis args without a value: ${missing.join(', ')}`);
  return args;
}

function buildLabels(rollout: Rollout, action: CreateAnalysisRunAction): Record<string, string> {
  const labels: Record<string, string> = {
    [ROLLOUT_NAME_LABEL]: rollout.metadata.name,
    [POD_TEMPLATE_HASH_LABEL]: action.podTemplateHash,
    [ANALYSIS_KIND_LABEL]: action.background ? ANALYSIS_KIND_BACKGROUND : ANALYSIS_KIND_STEP,
  };
  if (action.stepIndex !== undefined) labels[STEP_INDEX_LABEL] = String(action.stepIndex);
  return labels;
}

export function createAnalysisRunFactory(world: RolloutWorld): AnalysisRunFactory {
  return (rollout, action): AnalysisRunObject => {
    const namespace = rollout.metadata.namespace ?? '';
    const merged = mergeTemplates(world, namespace, action.analysis.templates);
    return {
      apiVersion: KANARY_API_VERSION,
      kind: 'AnalysisRun',
      metadata: {
        name: action.name,
        namespace,
        labels: buildLabels(rollout, action),
        annotations: { 'kanary.dev/revision': String(action.revision) },
        ownerReferences: [buildRolloutOwnerReference(rollout)],
      },
      spec: { metrics: merged.metrics, args: resolveArgs(rollout, action, merged.args), dryRun: merged.dryRun },
    };
  };
}
