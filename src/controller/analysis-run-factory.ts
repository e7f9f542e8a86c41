/**
 * Builds the AnalysisRun for a createAnalysisRun action: loads the referenced
 * (Cluster)AnalysisTemplates from the caches and hands them to buildAnalysisRun (src/analysis) with
 * the Rollout-side args, labels and ownerReference. A missing or invalid template, or an arg that
 * does not resolve, throws with a message naming it; spec-problems.ts reports missing templates
 * before any action is planned, so this is a last line of defence.
 */
import { analysisTemplateSpecSchema } from '../api/analysis.js';
import {
  ANALYSIS_KIND_BACKGROUND,
  ANALYSIS_KIND_LABEL,
  ANALYSIS_KIND_STEP,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
  ROLLOUT_NAME_LABEL,
  STEP_INDEX_LABEL,
} from '../api/labels.js';
import type { AnalysisTemplateRef, Rollout } from '../api/rollout.js';
import { buildAnalysisRun, type NamedTemplate } from '../analysis/build-analysis-run.js';
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
    const built = buildAnalysisRun({
      name: action.name,
      namespace,
      templates: action.analysis.templates.map((ref) => loadTemplate(world, namespace, ref)),
      rolloutArgs: action.analysis.args ?? [],
      rollout,
      stablePodHash: rollout.status?.stableRS ?? action.podTemplateHash,
      latestPodHash: action.podTemplateHash,
      labels: buildLabels(rollout, action),
      ownerReferences: [{ ...buildRolloutOwnerReference(rollout) }],
    });
    if (!built.ok) throw new Error(`cannot create AnalysisRun ${action.name}: ${built.message}`);
    const run = built.value;
    const metadata = { ...run.metadata, name: action.name, annotations: { ...run.metadata.annotations, [REVISION_ANNOTATION]: String(action.revision) } };
    return { ...run, metadata } as AnalysisRunObject;
  };
}
