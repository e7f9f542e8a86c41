/**
 * What planCanary asks the controller to do: a discriminated union on `type`. The controller
 * executes the array IN ORDER and stops at the first failure (the next reconcile re-plans).
 * planCanary orders them safely (ACTION_ORDER): create, scale up, Service selectors, traffic,
 * scale down / deadline annotations, AnalysisRuns, deletions, Events. A weight is only raised for
 * pods the snapshot already shows available, so nothing in a plan waits on an earlier action.
 */
import type { EventReason } from '../api/reasons.js';
import type { AnalysisStepRef, BackgroundAnalysis } from '../api/rollout.js';
import type { RouteToSet } from './managed-routes.js';

export interface CreateReplicaSetAction {
  type: 'createReplicaSet';
  /** `<rollout>-<podTemplateHash>`; the controller builds the object from spec.template. */
  name: string;
  podTemplateHash: string;
  revision: number;
  replicas: number;
  /** antiAffinity: the rule injected into its pod template. */
  antiAffinity?: AntiAffinityRule;
}

/** canary.baseline: a copy of the stable ReplicaSet's pod template, labelled kanary.dev/role: baseline. */
export interface CreateBaselineReplicaSetAction {
  type: 'createBaselineReplicaSet';
  name: string;
  podTemplateHash: string;
  /** The stable ReplicaSet whose pod template it copies. */
  stableReplicaSet: string;
  replicas: number;
}

/** A new revision's pods avoid the nodes of `stableHash`'s pods: required, or preferred with `weight`. */
export interface AntiAffinityRule {
  stableHash: string;
  /** 1-100 for a preferred rule; absent for a required one. */
  weight?: number;
}

/** spec.restartAt: evict one pod (its ReplicaSet replaces it; PodDisruptionBudgets are honoured). */
export interface EvictPodAction {
  type: 'evictPod';
  name: string;
}

/** Replaces the injected anti-affinity rule of a ReplicaSet's pod template (none: removes it). */
export interface SetAntiAffinityAction {
  type: 'setAntiAffinity';
  name: string;
  rule?: AntiAffinityRule;
}

export interface ScaleReplicaSetAction {
  type: 'scaleReplicaSet';
  name: string;
  replicas: number;
  /** Set the kanary.dev/scale-down-deadline annotation (epoch ms, written RFC 3339); null removes it; undefined leaves it. */
  scaleDownDeadlineMs?: number | null;
}

export interface DeleteReplicaSetAction {
  type: 'deleteReplicaSet';
  name: string;
}

export interface SetServiceSelectorAction {
  type: 'setServiceSelector';
  role: 'stable' | 'canary' | 'active' | 'preview' | 'baseline';
  serviceName: string;
  podTemplateHash: string;
}

export interface SetRoleMetadataAction {
  type: 'setRoleMetadata';
  /** The ReplicaSet whose pod template and pods get the metadata. */
  name: string;
  podTemplateHash: string;
  /** What its pods must carry now (empty maps: nothing). */
  metadata: { labels: Record<string, string>; annotations: Record<string, string> };
  /** What Kanary put there before (removed where `metadata` no longer has it). */
  previous: { labels: Record<string, string>; annotations: Record<string, string> };
}

export interface SetCanaryWeightAction {
  type: 'setCanaryWeight';
  /** Creates or updates `<mapping>-canary`; writing 0 records the zero-weight-since annotation. */
  weightPercent: number;
  /** canary.baseline: the weight of `<mapping>-baseline` (0 out of the steps); absent without a baseline. */
  baselineWeightPercent?: number;
}

export interface RemoveCanaryRouteAction {
  type: 'removeCanaryRoute';
}

/** Makes the router's header and mirror routes exactly these (an empty list removes them all). */
export interface SetManagedRoutesAction {
  type: 'setManagedRoutes';
  routes: RouteToSet[];
}

export interface CreateAnalysisRunAction {
  type: 'createAnalysisRun';
  name: string;
  podTemplateHash: string;
  revision: number;
  /** Set for step analysis, absent for background analysis. */
  stepIndex?: number;
  background: boolean;
  /** Set for blue/green pre- or post-promotion analysis. */
  promotion?: 'pre' | 'post';
  analysis: AnalysisStepRef | BackgroundAnalysis;
}

export interface TerminateAnalysisRunAction {
  type: 'terminateAnalysisRun';
  name: string;
}

export interface DeleteAnalysisRunAction {
  type: 'deleteAnalysisRun';
  name: string;
}

/** spec.workloadRef: the referenced Deployment's spec.replicas (only ever lowered). */
export interface ScaleWorkloadAction {
  type: 'scaleWorkload';
  /** The Deployment, in the Rollout's namespace. */
  name: string;
  replicas: number;
  /** The Deployment's resourceVersion the decision was made on: a changed Deployment gives a conflict, not a stale write. */
  resourceVersion?: string;
}

export interface RecordEventAction {
  type: 'recordEvent';
  eventType: 'Normal' | 'Warning';
  reason: EventReason;
  message: string;
}

export type Action =
  | CreateReplicaSetAction
  | CreateBaselineReplicaSetAction
  | ScaleReplicaSetAction
  | DeleteReplicaSetAction
  | SetServiceSelectorAction
  | SetRoleMetadataAction
  | SetAntiAffinityAction
  | EvictPodAction
  | SetCanaryWeightAction
  | RemoveCanaryRouteAction
  | SetManagedRoutesAction
  | CreateAnalysisRunAction
  | TerminateAnalysisRunAction
  | DeleteAnalysisRunAction
  | ScaleWorkloadAction
  | RecordEventAction;

export type ActionType = Action['type'];
