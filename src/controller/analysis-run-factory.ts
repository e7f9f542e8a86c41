/**
 * Builds the AnalysisRun for a createAnalysisRun action: loads the referenced
 * (Cluster)AnalysisTemplates from the caches and hands them to buildAnalysisRun (src/analysis) with
 * the Rollout-side args, labels and ownerReference. A missing or invalid template throws with a
 * message naming it (spec-problems.ts reports missing templates before any action is planned, so
 * this is a last line of defence). A run that cannot be built from existing templates (an arg that
 * does not resolve, conflicting templates, a step metric that would never end) is still created,
 * carrying the reason in BUILD_ERROR_ANNOTATION: its reconcile ends it in Error with that message,
 * so the Rollout aborts and says why instead of retrying a failing create forever.
 */
import { analysisTemplateSpecSchema, type AnalysisRun } from '../api/analysis.js';
import { findNeverEndingMetrics } from '../api/analysis-validate.js';
import {
  ANALYSIS_KIND_BACKGROUND,
  ANALYSIS_KIND_LABEL,
  ANALYSIS_KIND_POST_PROMOTION,
  ANALYSIS_KIND_PRE_PROMOTION,
  ANALYSIS_KIND_STEP,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
  ROLLOUT_NAME_LABEL,
  STEP_INDEX_LABEL,
  type AnalysisKind,
} from '../api/labels.js';
import type { AnalysisTemplateRef, Rollout } from '../api/rollout.js';
import { ANALYSIS_API_VERSION } from '../api/analysis.js';
import { buildAnalysisRun, type BuildAnalysisRunInput, type NamedTemplate } from '../analysis/build-analysis-run.js';
import { buildNameLabelValue } from '../core/label-value.js';
import type { CreateAnalysisRunAction } from '../core/actions.js';
import type { AnalysisRunObject } from '../kube/analysis-runs.js';
import { buildRolloutOwnerReference } from '../kube/owner-reference.js';
import type { AnalysisRunFactory } from './execute-actions.js';
import type { RolloutWorld } from './rollout-world.js';

function loadTemplate(world: RolloutWorld, namespace: string, ref: AnalysisTemplateRef): NamedTemplate {
  const raw = ref.clusterScope ? world.clusterAnalysisTemplates.get(ref.templateName) : world.analysisTemplates.get(namespace, ref.templateName);
  const label = ref.clusterScope ? `ClusterAnalysisTemplate "${ref.templateName}"` : `AnalysisTemplate "${ref.templateName}"`;
  if (!raw) throw new Error(`${label} not found`);
  const parsed = analysisTemplateSpecSchema.safeParse(raw.spec);
  if (!parsed.success) throw new Error(`${label} is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return { label, spec: parsed.data };
}

function analysisKind(action: CreateAnalysisRunAction): AnalysisKind {
  if (action.promotion === 'pre') return ANALYSIS_KIND_PRE_PROMOTION;
  if (action.promotion === 'post') return ANALYSIS_KIND_POST_PROMOTION;
  return action.background ? ANALYSIS_KIND_BACKGROUND : ANALYSIS_KIND_STEP;
}

function buildLabels(rollout: Rollout, action: CreateAnalysisRunAction): Record<string, string> {
  const labels: Record<string, string> = {
    [ROLLOUT_NAME_LABEL]: buildNameLabelValue(rollout.metadata.name),
    [POD_TEMPLATE_HASH_LABEL]: action.podTemplateHash,
    [ANALYSIS_KIND_LABEL]: analysisKind(action),
  };
  if (action.stepIndex !== undefined) labels[STEP_INDEX_LABEL] = String(action.stepIndex);
  return labels;
}

/** Set on a run that could not be built; its value is the reason (see reconcile-analysis-run.ts). */
export const BUILD_ERROR_ANNOTATION = 'kanary.dev/build-error';

/** A step analysis must end by itself; background analysis may run until promotion. */
function neverEndingProblem(action: CreateAnalysisRunAction, templates: readonly NamedTemplate[]): string | undefined {
  if (action.background) return undefined;
  const names = templates.flatMap((t) => findNeverEndingMetrics(t).map((metric) => `metric "${metric}" of ${t.label}`));
  if (names.length === 0) return undefined;
  return `${names.join(', ')} would run forever in a step analysis: set count (or consecutiveSuccessLimit)`;
}

/** The templates' metrics without args: enough to show what was asked for beside the error. */
function unbuiltRun(input: BuildAnalysisRunInput): AnalysisRun {
  const { name, namespace, labels, ownerReferences } = input;
  const metadata: AnalysisRun['metadata'] = { name, namespace };
  if (labels !== undefined) metadata.labels = labels;
  if (ownerReferences !== undefined) metadata.ownerReferences = ownerReferences;
  return { apiVersion: ANALYSIS_API_VERSION, kind: 'AnalysisRun', metadata, spec: { metrics: input.templates.flatMap((t) => t.spec.metrics), args: [], dryRun: [], measurementRetention: [] } };
}

export function createAnalysisRunFactory(world: RolloutWorld): AnalysisRunFactory {
  return (rollout, action): AnalysisRunObject => {
    const namespace = rollout.metadata.namespace ?? '';
    const input: BuildAnalysisRunInput = {
      name: action.name,
      namespace,
      templates: action.analysis.templates.map((ref) => loadTemplate(world, namespace, ref)),
      rolloutArgs: action.analysis.args ?? [],
      rolloutRetention: action.analysis.measurementRetention ?? [],
      rolloutDryRun: action.analysis.dryRun ?? [],
      rollout,
      stablePodHash: rollout.status?.stableRS ?? action.podTemplateHash,
      latestPodHash: action.podTemplateHash,
      labels: buildLabels(rollout, action),
      ownerReferences: [{ ...buildRolloutOwnerReference(rollout) }],
    };
    const built = buildAnalysisRun(input);
    const problem = built.ok ? neverEndingProblem(action, input.templates) : built.message;
    const run = built.ok ? built.value : unbuiltRun(input);
    const annotations: Record<string, string> = { ...run.metadata.annotations, [REVISION_ANNOTATION]: String(action.revision) };
    if (problem !== undefined) annotations[BUILD_ERROR_ANNOTATION] = problem;
    return { ...run, metadata: { ...run.metadata, name: action.name, annotations } } as AnalysisRunObject;
  };
}
