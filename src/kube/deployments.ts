/**
 * The one write Kanary makes to a Deployment named by a Rollout's spec.workloadRef: its
 * spec.replicas, by merge patch. The patch carries the resourceVersion the decision was made on,
 * so a Deployment changed since (someone scaled it, a stale cache) answers 409 and the reconcile
 * decides again instead of overwriting.
 */
import type * as k8s from '@kubernetes/client-node';
import type { KubeClients } from './clients.js';
import { callKube } from './errors.js';
import { mergePatchOptions } from './patch-options.js';

const RESOURCE = 'deployments';

export interface ScaleDeploymentOptions {
  namespace: string;
  name: string;
  replicas: number;
  /** Precondition: the write fails with a conflict when the Deployment is no longer at this version. */
  resourceVersion?: string;
}

/** The merge patch that sets a Deployment's replicas (with its resourceVersion precondition). */
export function buildDeploymentScalePatch(options: Pick<ScaleDeploymentOptions, 'replicas' | 'resourceVersion'>): Record<string, unknown> {
  const patch: Record<string, unknown> = { spec: { replicas: options.replicas } };
  if (options.resourceVersion !== undefined) patch['metadata'] = { resourceVersion: options.resourceVersion };
  return patch;
}

export async function scaleDeployment(clients: KubeClients, options: ScaleDeploymentOptions): Promise<k8s.V1Deployment> {
  const { namespace, name } = options;
  return callKube({ verb: 'patch', resource: RESOURCE, namespace, name }, () =>
    clients.apps.patchNamespacedDeployment({ namespace, name, body: buildDeploymentScalePatch(options) }, mergePatchOptions()),
  );
}
