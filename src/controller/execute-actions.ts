/**
 * Executes a plan's actions in the order planCanary gave them, stopping at the first failure (the
 * error propagates; the next reconcile re-plans from what it then observes). Each action is one
 * adapter call; all of them are idempotent against a fresh cache.
 */
import type * as k8s from '@kubernetes/client-node';
import { ANALYSIS_RUN_PLURAL, KANARY_GROUP, KANARY_VERSION } from '../api/labels.js';
import type { Rollout } from '../api/rollout.js';
import type { Action, CreateAnalysisRunAction, SetAntiAffinityAction } from '../core/actions.js';
import { createAnalysisRun, deleteAnalysisRun, type AnalysisRunObject } from '../kube/analysis-runs.js';
import type { KubeClients } from '../kube/clients.js';
import { callKube, ConflictError, isNotFound } from '../kube/errors.js';
import type { EventRecorder } from '../kube/events.js';
import { mergePatchOptions } from '../kube/patch-options.js';
import { createBaselineReplicaSet, createReplicaSet, deleteReplicaSet, scaleReplicaSet } from '../kube/replica-sets.js';
import { patchServiceSelectorHash } from '../kube/services.js';
import { applyRoleMetadata } from '../kube/role-metadata.js';
import { setReplicaSetAntiAffinity } from '../kube/anti-affinity.js';
import { evictPod } from '../kube/pod-eviction.js';
import { scaleDeployment } from '../kube/deployments.js';
import { formatRoleMetadata } from '../core/role-metadata.js';
import { TrafficRoutingError, TrafficWriteError, type TrafficRouter } from '../traffic/traffic-router.js';

/** Builds the AnalysisRun object for a createAnalysisRun action (templates resolved from caches). */
export type AnalysisRunFactory = (rollout: Rollout, action: CreateAnalysisRunAction) => AnalysisRunObject;

export interface ActionExecutor {
  clients: KubeClients;
  router: TrafficRouter;
  events: EventRecorder;
  buildAnalysisRun: AnalysisRunFactory;
  /** Called after each action that reached the API (for logs and metrics). */
  onExecuted?: (action: Action) => void;
}

function toIso(ms: number | null | undefined): string | null | undefined {
  if (ms === undefined || ms === null) return ms;
  return new Date(ms).toISOString();
}

async function executeAction(executor: ActionExecutor, rollout: Rollout, action: Action): Promise<void> {
  const { clients, router } = executor;
  const namespace = rollout.metadata.namespace ?? '';
  if (isRouteAction(action)) {
    await executeRouteAction(router, rollout, action);
    return;
  }
  switch (action.type) {
    case 'createReplicaSet':
      await createReplicaSet(clients, { rollout, podTemplateHash: action.podTemplateHash, revision: action.revision, replicas: action.replicas, ...(action.antiAffinity !== undefined ? { antiAffinity: action.antiAffinity } : {}) });
      return;
    case 'scaleReplicaSet':
      await scaleReplicaSet(clients, { namespace, name: action.name, replicas: action.replicas, scaleDownDeadline: toIso(action.scaleDownDeadlineMs) });
      return;
    case 'createBaselineReplicaSet':
      await createBaselineReplicaSet(clients, { rollout, name: action.name, podTemplateHash: action.podTemplateHash, stableReplicaSet: action.stableReplicaSet, replicas: action.replicas });
      return;
    case 'deleteReplicaSet':
      await deleteReplicaSet(clients, { namespace, name: action.name });
      return;
    case 'setServiceSelector':
      await patchServiceSelectorHash(clients, { namespace, name: action.serviceName, podTemplateHash: action.podTemplateHash });
      return;
    case 'setRoleMetadata':
      await applyRoleMetadata(clients, { namespace, name: action.name, podTemplateHash: action.podTemplateHash, metadata: action.metadata, previous: action.previous, record: formatRoleMetadata(action.metadata) });
      return;
    default:
      await executeOtherAction(executor, rollout, action);
  }
}

type RouteAction = Extract<Action, { type: 'setCanaryWeight' | 'removeCanaryRoute' | 'setManagedRoutes' }>;

function isRouteAction(action: Action): action is RouteAction {
  return action.type === 'setCanaryWeight' || action.type === 'removeCanaryRoute' || action.type === 'setManagedRoutes';
}

async function executeRouteAction(router: TrafficRouter, rollout: Rollout, action: RouteAction): Promise<void> {
  if (action.type === 'setCanaryWeight') {
    await routeWrite(`setting the canary weight to ${action.weightPercent}%`, () => router.setCanaryWeight(rollout, action.weightPercent, action.baselineWeightPercent));
  } else if (action.type === 'removeCanaryRoute') {
    await routeWrite('removing the canary route', () => router.removeCanaryRoute(rollout));
  } else {
    await routeWrite('setting the header and mirror routes', () => router.setManagedRoutes(rollout, action.routes));
  }
}

/** A route write whose API failure becomes a TrafficWriteError (a stale-cache conflict stays a conflict). */
async function routeWrite(what: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (err) {
    if (err instanceof ConflictError || err instanceof TrafficRoutingError) throw err;
    throw new TrafficWriteError(what, err);
  }
}

async function applyAntiAffinity(clients: KubeClients, rollout: Rollout, action: SetAntiAffinityAction): Promise<void> {
  const { rule } = action;
  await setReplicaSetAntiAffinity(clients, {
    namespace: rollout.metadata.namespace ?? '',
    name: action.name,
    templateAffinity: (rollout.spec.template as k8s.V1PodTemplateSpec).spec?.affinity,
    ...(rule !== undefined ? { rule } : {}),
  });
}

async function executeOtherAction(executor: ActionExecutor, rollout: Rollout, action: Action): Promise<void> {
  const { clients } = executor;
  const namespace = rollout.metadata.namespace ?? '';
  switch (action.type) {
    case 'createAnalysisRun':
      await createAnalysisRun(clients, executor.buildAnalysisRun(rollout, action));
      return;
    case 'terminateAnalysisRun':
      await terminateAnalysisRun(clients, namespace, action.name);
      return;
    case 'deleteAnalysisRun':
      await deleteAnalysisRunIfPresent(clients, namespace, action.name);
      return;
    case 'setAntiAffinity':
      await applyAntiAffinity(clients, rollout, action);
      return;
    case 'evictPod':
      await evictPod(clients, namespace, action.name);
      return;
    case 'scaleWorkload':
      await scaleDeployment(clients, { namespace, name: action.name, replicas: action.replicas, resourceVersion: action.resourceVersion });
      return;
    case 'recordEvent':
      // Queued: the Event is written off the reconcile's critical path (EventRecorder).
      void executor.events.record(
        { metadata: { ...rollout.metadata, name: rollout.metadata.name } },
        { type: action.eventType, reason: action.reason, message: action.message },
      );
      return;
    default:
      return;
  }
}

async function terminateAnalysisRun(clients: KubeClients, namespace: string, name: string): Promise<void> {
  await callKube({ verb: 'patch', resource: ANALYSIS_RUN_PLURAL, namespace, name }, () =>
    clients.custom.patchNamespacedCustomObject(
      { group: KANARY_GROUP, version: KANARY_VERSION, plural: ANALYSIS_RUN_PLURAL, namespace, name, body: { spec: { terminate: true } } },
      mergePatchOptions(),
    ),
  );
}

async function deleteAnalysisRunIfPresent(clients: KubeClients, namespace: string, name: string): Promise<void> {
  try {
    await deleteAnalysisRun(clients, { namespace, name });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** Runs every action in order; rejects with the first failure. */
export async function executeActions(executor: ActionExecutor, rollout: Rollout, actions: readonly Action[]): Promise<void> {
  for (const action of actions) {
    await executeAction(executor, rollout, action);
    executor.onExecuted?.(action);
  }
}
