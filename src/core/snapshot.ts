/**
 * What the controller observed, handed to planCanary (pure). Built from informer caches.
 *
 * - `replicaSets`: every ReplicaSet matching the Rollout's selector or named `<rollout>-<hash>`,
 *   owned or not (`ownedByRollout` false ones are never touched; one that takes our name is reported).
 * - `services.stable` / `services.canary` / `services.baseline` (blue/green: `services.active` / `services.preview`):
 *   present when the Rollout names them AND they exist
 *   (missing ones are reported in `specProblems`). `selectorHash` is the value of the
 *   `rollouts-pod-template-hash` key of the Service selector (undefined when the key is absent).
 * - `traffic`: present iff the Rollout uses traffic routing; `canaryRoute` is the `<base>-canary`
 *   Mapping (null when it does not exist), `zeroWeightSinceMs` from its zero-weight-since annotation.
 * - `analysisRuns`: the Rollout's AnalysisRuns (label kanary.dev/rollout); `terminated` is spec.terminate.
 * - `specProblems`: problems found by the controller (invalid spec, missing Service or base Mapping,
 *   base Mapping with a weight) -> InvalidSpec, Degraded, recheck every 20 s.
 * - `workload`: the Deployment named by spec.workloadRef, when the Rollout has one and it exists.
 * - `routePropagationDelayMs`: how long a canary Mapping stays at weight 0 before it is deleted
 *   (default ROUTE_PROPAGATION_DELAY_MS).
 */
import type { ObservedRoute } from './managed-routes.js';
import type { JournalValue } from '../api/journal.js';
import type { AnalysisPhase } from '../api/reasons.js';
import type { Rollout } from '../api/rollout.js';

export const ROUTE_PROPAGATION_DELAY_MS = 5000;
export const INVALID_SPEC_RECHECK_MS = 20_000;

export interface ReplicaSetView {
  name: string;
  podTemplateHash: string;
  revision: number;
  specReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  /** Epoch ms from the kanary.dev/scale-down-deadline annotation. */
  scaleDownDeadlineMs?: number;
  /** Blue/green: the kanary.dev/role-metadata annotation (JSON of the role metadata on its pods). */
  roleMetadata?: string;
  /** The kanary.dev/anti-affinity annotation: the stable hash its injected anti-affinity avoids. */
  antiAffinityHash?: string;
  /** `baseline` for a baseline ReplicaSet (label kanary.dev/role): never the stable or the canary. */
  role?: 'baseline';
  ownedByRollout: boolean;
}

/** A pod of one of the Rollout's ReplicaSets (for spec.restartAt). */
export interface PodView {
  name: string;
  podTemplateHash: string;
  createdAtMs: number;
  /** Being deleted (or already evicted). */
  terminating: boolean;
  /** Its Ready condition is True (and it is not terminating). */
  ready: boolean;
}

export interface ServiceView {
  name: string;
  selectorHash?: string;
  /**
   * Pod-template hashes of this Rollout's ReplicaSets among the Service's ready endpoint addresses
   * (sorted); undefined when no Endpoints object is known for the Service.
   */
  endpointHashes?: string[];
}

export interface CanaryRouteView {
  weightPercent: number;
  zeroWeightSinceMs?: number;
}

export interface TrafficView {
  canaryRoute: CanaryRouteView | null;
  /** Header and mirror routes the router has set (managedRoutes), each with the fingerprint it was written with. */
  routes?: ObservedRoute[];
  /** The weight of the baseline Mappings (canary.baseline); absent when there are none. */
  baselineWeightPercent?: number;
}

export interface AnalysisRunView {
  name: string;
  podTemplateHash: string;
  stepIndex?: number;
  background: boolean;
  phase: AnalysisPhase;
  message?: string;
  terminated?: boolean;
  /** metadata.creationTimestamp in ms (orders the run history). */
  createdAtMs?: number;
  /** Each metric's latest measurement with its condition (for the release journal). */
  values?: JournalValue[];
}

/** The Deployment named by spec.workloadRef, as the cache shows it. */
export interface WorkloadView {
  name: string;
  specReplicas: number;
  /** metadata.generation (status.workloadObservedGeneration). */
  generation: number;
  resourceVersion?: string;
}

export interface CanarySnapshot {
  rollout: Rollout;
  replicaSets: ReplicaSetView[];
  /** stable/canary for a canary Rollout; active/preview for a blue/green one. */
  services: { stable?: ServiceView; canary?: ServiceView; active?: ServiceView; preview?: ServiceView; baseline?: ServiceView };
  traffic?: TrafficView;
  analysisRuns: AnalysisRunView[];
  /** Pods of the Rollout's ReplicaSets; only read for spec.restartAt. */
  pods?: PodView[];
  specProblems: string[];
  routePropagationDelayMs?: number;
  workload?: WorkloadView;
}
