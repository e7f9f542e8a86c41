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
  /** discovery.k8s.io/v1 EndpointSlices (labelled with their Service): which pods a Service really reaches. */
  endpointSlices: ObjectCache<k8s.V1EndpointSlice>;
  /** Pods of Kanary's ReplicaSets: the endpoints' pods, mapped to their ReplicaSets. */
  pods: ObjectCache<k8s.V1Pod>;
  analysisRuns: ObjectCache<KubeObject>;
  analysisTemplates: ObjectCache<KubeObject>;
  clusterAnalysisTemplates: ClusterObjectCache<KubeObject>;
  /** apps/v1 Deployments: the ones Rollouts name in spec.workloadRef. */
  deployments: ObjectCache<k8s.V1Deployment>;
  router: TrafficRouter;
}
