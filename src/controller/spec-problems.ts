/**
 * Problems a schema cannot see because they live in other objects: missing Services, a Service
 * whose selector cannot select the Rollout's pods, missing AnalysisTemplates or ones whose spec
 * Kanary refuses (each field named, e.g. an Argo Rollouts field it does not implement), and the traffic
 * router's own checks (base Mapping missing or weighted, a canary Mapping we do not own).
 * Each is one sentence naming the object; they become the InvalidSpec condition.
 */
import type * as k8s from '@kubernetes/client-node';
import { templateSpecProblems } from '../api/analysis-validate.js';
import { POD_TEMPLATE_HASH_LABEL } from '../api/labels.js';
import { formatProblem } from '../api/problems.js';
import type { AnalysisTemplateRef, Rollout } from '../api/rollout.js';
import type { RolloutWorld } from './rollout-world.js';

/** The Services a Rollout names, by field: stable/canary, or active/preview for blue/green. */
function namedServices(rollout: Rollout): [string, string | undefined][] {
  const { canary, blueGreen } = rollout.spec.strategy;
  if (blueGreen !== undefined) return [['activeService', blueGreen.activeService], ['previewService', blueGreen.previewService]];
  return [['stableService', canary?.stableService], ['canaryService', canary?.canaryService], ['baseline.service', canary?.baseline?.service]];
}

function selectorProblems(role: string, service: k8s.V1Service, labels: Record<string, string> | undefined): string[] {
  if (labels === undefined) return [];
  const mismatched = Object.entries(service.spec?.selector ?? {})
    .filter(([key]) => key !== POD_TEMPLATE_HASH_LABEL)
    .filter(([key, value]) => labels[key] !== value);
  if (mismatched.length === 0) return [];
  const wanted = mismatched.map(([key, value]) => `${key}=${value}`).join(', ');
  return [`${role} "${service.metadata?.name ?? ''}" selects ${wanted}, which the pod template labels do not carry`];
}

function serviceProblems(rollout: Rollout, world: RolloutWorld): string[] {
  const namespace = rollout.metadata.namespace ?? '';
  // Without a template (a workloadRef Deployment not there yet) only a missing Service is a problem.
  const labels = rollout.spec.template?.metadata?.labels;
  const problems: string[] = [];
  for (const [role, name] of namedServices(rollout)) {
    if (!name) continue;
    const service = world.services.get(namespace, name);
    if (!service) {
      problems.push(`${role} "${name}" not found in namespace "${namespace}"`);
      continue;
    }
    problems.push(...selectorProblems(role, service, labels));
  }
  return problems;
}

function templateRefs(rollout: Rollout): AnalysisTemplateRef[] {
  const { canary, blueGreen } = rollout.spec.strategy;
  const fromSteps = (canary?.steps ?? []).flatMap((step) => step.analysis?.templates ?? []);
  const promotion = [blueGreen?.prePromotionAnalysis, blueGreen?.postPromotionAnalysis].flatMap((a) => a?.templates ?? []);
  return [...fromSteps, ...(canary?.analysis?.templates ?? []), ...promotion];
}

function templateProblems(rollout: Rollout, world: RolloutWorld): string[] {
  const namespace = rollout.metadata.namespace ?? '';
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const ref of templateRefs(rollout)) {
    const key = `${ref.clusterScope === true}/${ref.templateName}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(...referencedTemplateProblems(world, namespace, ref));
  }
  return problems;
}

/** A missing template, or each schema problem of a template (an Argo field it does not implement, ...). */
function referencedTemplateProblems(world: RolloutWorld, namespace: string, ref: AnalysisTemplateRef): string[] {
  const template = ref.clusterScope ? world.clusterAnalysisTemplates.get(ref.templateName) : world.analysisTemplates.get(namespace, ref.templateName);
  const label = ref.clusterScope ? `ClusterAnalysisTemplate "${ref.templateName}"` : `AnalysisTemplate "${ref.templateName}"`;
  if (!template) return [ref.clusterScope ? `${label} not found` : `${label} not found in namespace "${namespace}"`];
  return templateSpecProblems(template.spec).map((problem) => `${label} ${formatProblem(problem)}`);
}

export function findSpecProblems(rollout: Rollout, world: RolloutWorld): string[] {
  const routed = rollout.spec.strategy.canary?.trafficRouting !== undefined;
  return [
    ...serviceProblems(rollout, world),
    ...templateProblems(rollout, world),
    ...(routed ? world.router.validate(rollout) : []),
  ];
}
