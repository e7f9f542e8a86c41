/**
 * spec.workloadRef: the Rollout as the plan sees it, with the pod template of the Deployment it
 * names (read from the Deployment cache, same namespace). When the Deployment is missing or its
 * template cannot be used, the template stays absent and a problem names the Deployment: the
 * Rollout is InvalidSpec and waits, its ReplicaSets as they are, until the Deployment is there
 * (a Deployment change wakes the Rollout). A kind or apiVersion other than apps/v1 Deployment is
 * reported by validateRollout and never looked up.
 */
import type * as k8s from '@kubernetes/client-node';
import { podTemplateSchema, WORKLOAD_REF_API_VERSION, WORKLOAD_REF_KIND, type Rollout } from '../api/rollout.js';
import { selectorMatchesLabels } from '../api/validate-rollout.js';
import type { WorkloadView } from '../core/snapshot.js';
import type { ObjectCache } from './object-cache.js';

export interface ResolvedWorkload {
  /** The Rollout with spec.template taken from the Deployment (unchanged without a usable one). */
  rollout: Rollout;
  workload?: WorkloadView;
  /** Why the Deployment cannot be followed now, each sentence naming it. */
  problems: string[];
}

function toWorkloadView(deployment: k8s.V1Deployment): WorkloadView {
  const meta = deployment.metadata ?? {};
  return {
    name: meta.name ?? '',
    specReplicas: deployment.spec?.replicas ?? 1,
    generation: meta.generation ?? 0,
    ...(meta.resourceVersion !== undefined ? { resourceVersion: meta.resourceVersion } : {}),
  };
}

/** The name of the Deployment a Rollout follows; undefined without a workloadRef or with one Kanary refuses. */
function followedDeployment(rollout: Rollout): string | undefined {
  const ref = rollout.spec.workloadRef;
  if (ref === undefined || ref.kind !== WORKLOAD_REF_KIND || ref.apiVersion !== WORKLOAD_REF_API_VERSION) return undefined;
  return ref.name;
}

export function resolveWorkloadRef(rollout: Rollout, deployments: ObjectCache<k8s.V1Deployment>): ResolvedWorkload {
  const name = followedDeployment(rollout);
  if (name === undefined) return { rollout, problems: [] };
  const namespace = rollout.metadata.namespace ?? '';
  const label = `spec.workloadRef: Deployment "${name}"`;
  const deployment = deployments.get(namespace, name);
  if (deployment === undefined) {
    return { rollout, problems: [`${label} not found in namespace "${namespace}"; the Rollout waits for it`] };
  }
  return withTemplate(rollout, deployment, label);
}

function withTemplate(rollout: Rollout, deployment: k8s.V1Deployment, label: string): ResolvedWorkload {
  const workload = toWorkloadView(deployment);
  const template = podTemplateSchema.safeParse(deployment.spec?.template);
  if (!template.success) return { rollout, workload, problems: [`${label} has no pod template Kanary can use (${template.error.issues[0]?.message ?? 'invalid'})`] };
  const labels = template.data.metadata?.labels ?? {};
  if (!selectorMatchesLabels(rollout.spec.selector, labels)) {
    return { rollout, workload, problems: [`${label}: its pod template labels do not match spec.selector`] };
  }
  return { rollout: { ...rollout, spec: { ...rollout.spec, template: template.data } }, workload, problems: [] };
}
