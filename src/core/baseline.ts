/**
 * The canary baseline (issue 17): a ReplicaSet of the STABLE template at the canary's size, behind
 * its own Service and Mapping in the base Mapping's Emissary group with the canary's weight, so the
 * judge compares canary pods with stable pods of the same age and the same load. Stable then gets
 * 100 − 2 × weight, so a baseline allows setWeight steps up to 50 only (api/validate-baseline.ts
 * refuses more: clamping would quietly run another release than the one written).
 *
 * Pure decisions for one reconcile:
 * - the baseline's pod-template hash is derived from the stable hash (its pods are the stable pods
 *   plus the `kanary.dev/role: baseline` label), so its name `<rollout>-<hash>` is deterministic
 *   and a new stable revision gets a fresh baseline at its next release;
 * - while the canary is in its steps the baseline has the canary's replicas; its weight follows the
 *   canary's once its own pods are available behind the baseline Service (the canary waits for it:
 *   `weightPercent` caps the canary weight, so both arms always carry the same share);
 * - out of the steps (promotion, promote --full, abort, a rollout at rest) the weight goes to 0
 *   first, then the baseline scales to 0 and is deleted (traffic moves before pods go away);
 * - baselines of an earlier stable revision are scaled to 0 (once the Service no longer sends them
 *   traffic) and deleted.
 */
import { BASELINE_ROLE } from '../api/labels.js';
import { computeRouterWeight } from './desired-weight.js';
import { canonicalJson, computeShortHash } from './short-hash.js';
import type { ReplicaSetView, ServiceView } from './snapshot.js';

/** The baseline's pod-template hash for a stable hash (differs from every template hash). */
export function computeBaselineHash(stableHash: string): string {
  return computeShortHash(canonicalJson({ role: BASELINE_ROLE, stableHash }));
}

/** `<rollout>-<baseline hash>`, like every ReplicaSet Kanary creates. */
export function baselineReplicaSetName(rolloutName: string, stableHash: string): string {
  return `${rolloutName}-${computeBaselineHash(stableHash)}`;
}

export interface BaselineInput {
  rolloutName: string;
  stableHash: string;
  /** The canary is in its steps: a new revision on its way, not aborted, not promoted in full, before the end of the steps. */
  inSteps: boolean;
  /** The canary ReplicaSet's size in this plan. */
  canaryReplicas: number;
  /** The canary weight this plan may write (already held for the canary's own pods). */
  canaryWeightPercent: number;
  /** The Rollout's baseline ReplicaSets (labelled kanary.dev/role: baseline), of any stable hash. */
  baselines: readonly ReplicaSetView[];
  /** The baseline Service, when it exists. */
  service?: ServiceView;
  /** The weight the router reports for the baseline Mappings (0 when there are none). */
  observedWeightPercent: number;
}

export interface BaselineReplicaSetChange {
  name: string;
  replicas: number;
}

export interface BaselineDecision {
  hash: string;
  name: string;
  /** Create the baseline ReplicaSet (the stable ReplicaSet's template, labelled) with this many pods. */
  create?: BaselineReplicaSetChange;
  /** ReplicaSets whose spec.replicas must change. */
  scale: BaselineReplicaSetChange[];
  /** Baseline ReplicaSets to delete (no pods left, not wanted). */
  delete: string[];
  /** The baseline Service's selector hash after this plan (undefined: no Service, leave it). */
  serviceHash?: string;
  /** The baseline Mappings' weight; also the most the canary weight may be. */
  weightPercent: number;
}

function endpointsOnlyOn(service: ServiceView | undefined, hash: string): boolean {
  const hashes = service?.endpointHashes;
  return hashes === undefined || (hashes.length === 1 && hashes[0] === hash);
}

/** The Service moves to the baseline only once it has available pods. */
function computeServiceHash(input: BaselineInput, current: ReplicaSetView | undefined, hash: string): string | undefined {
  if (input.service === undefined) return undefined;
  return (current?.availableReplicas ?? 0) > 0 ? hash : input.service.selectorHash;
}

function computeWeight(input: BaselineInput, current: ReplicaSetView | undefined, serviceHash: string | undefined, hash: string): number {
  if (!input.inSteps) return 0;
  return computeRouterWeight({
    desiredWeight: input.canaryWeightPercent,
    currentWeight: input.observedWeightPercent,
    canaryAvailable: current?.availableReplicas ?? 0,
    canaryNeeded: input.canaryReplicas,
    canaryServiceOnCurrent: input.service === undefined || serviceHash === hash,
    canaryEndpointsOnCurrent: endpointsOnlyOn(input.service, hash),
  });
}

/** Pods stay while the router still sends the baseline traffic; otherwise none out of the steps. */
function computeReplicas(input: BaselineInput, current: ReplicaSetView): number {
  if (input.inSteps) return input.canaryReplicas;
  return input.observedWeightPercent > 0 ? current.specReplicas : 0;
}

/** An older baseline still behind the baseline Service while the router sends the baseline traffic. */
function isServing(input: BaselineInput, rs: ReplicaSetView): boolean {
  return input.observedWeightPercent > 0 && input.service?.selectorHash === rs.podTemplateHash;
}

function isIdle(rs: ReplicaSetView): boolean {
  return rs.specReplicas === 0 && rs.availableReplicas === 0;
}

/** Scales or deletes one baseline ReplicaSet towards `replicas`; deletes it at 0 pods when it is not wanted. */
function settle(decision: BaselineDecision, rs: ReplicaSetView, target: { replicas: number; wanted: boolean }): void {
  if (!target.wanted && isIdle(rs)) decision.delete.push(rs.name);
  else if (rs.specReplicas !== target.replicas) decision.scale.push({ name: rs.name, replicas: target.replicas });
}

export function planBaseline(input: BaselineInput): BaselineDecision {
  const hash = computeBaselineHash(input.stableHash);
  const name = baselineReplicaSetName(input.rolloutName, input.stableHash);
  const current = input.baselines.find((rs) => rs.podTemplateHash === hash);
  const serviceHash = computeServiceHash(input, current, hash);
  const decision: BaselineDecision = { hash, name, scale: [], delete: [], weightPercent: computeWeight(input, current, serviceHash, hash), ...(serviceHash !== undefined ? { serviceHash } : {}) };
  if (current === undefined && input.inSteps && input.canaryReplicas > 0) decision.create = { name, replicas: input.canaryReplicas };
  if (current !== undefined) settle(decision, current, { replicas: computeReplicas(input, current), wanted: input.inSteps });
  for (const rs of input.baselines) {
    if (rs !== current) settle(decision, rs, { replicas: isServing(input, rs) ? rs.specReplicas : 0, wanted: false });
  }
  return decision;
}
