/**
 * Everything the Rollout reconcile reads, behind interfaces: informer caches and the traffic router.
 * Built once at start-up (controller-app.ts) and passed to each reconcile.
 */
import type * as k8s from '@kubernetes/client-node';
import type { TrafficRouter } from '../traffic/traffic-router.js';
import type { ClusterObjectCache, ObjectCache } from './object-cache.js';

export type KubeObject = k8s.KubernetesObject & { spec?: unknown; status?: unknown };

export interface RolloutWorld {
  rollouts: ObjectCache<KubeObject>;
  replicaSets: ObjectCache<k8s.V1ReplicaSet>;
  services: ObjectCache<k8s.V1Service>;
  /** Core v1 Endpoints (named as their Service): which pods a Service really reaches. */
  endpoints: ObjectCache<k8s.V1Endpoints>;
  analysisRuns: ObjectCache<KubeObject>;
  analysisTemplates: ObjectCache<KubeObject>;
  clusterAnalysisTemplates: ClusterObjectCache<KubeObject>;
  router: TrafficRouter;
}
