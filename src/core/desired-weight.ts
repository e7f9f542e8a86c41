/**
 * Desired canary weight and canary size for the current step (SPEC §2), and the weight that may be
 * written to the router now (never more than the available canary pods can carry).
 */
import type { CanaryStep } from '../api/rollout.js';
import { hasRoutesInForce } from './managed-routes.js';
import { trafficWeightToReplicas } from './replicas.js';

export interface StepPosition {
  steps: readonly CanaryStep[];
  stepIndex: number;
  aborted: boolean;
  promoteFull: boolean;
}

/** 0 when aborted; 100 past the last step, with promoteFull, or without steps; else the latest setWeight at or before the step. */
export function computeDesiredWeight(p: StepPosition): number {
  if (p.aborted) return 0;
  if (p.promoteFull || p.stepIndex >= p.steps.length) return 100;
  for (let i = p.stepIndex; i >= 0; i -= 1) {
    const weight = p.steps[i]?.setWeight;
    if (weight !== undefined) return weight;
  }
  return 0;
}

/**
 * Canary replicas with traffic routing: the latest setCanaryScale (unless matchTrafficWeight), else
 * from the weight; never fewer than `minPodsPerReplicaSet` (Argo's field) when there is a canary at all.
 */
export function computeCanaryReplicas(p: StepPosition, replicas: number, minPodsPerReplicaSet?: number): number {
  return withMinPods(withRoutePod(p, canaryReplicasForStep(p, replicas)), minPodsPerReplicaSet);
}

/** A header or mirror route in force sends requests to the canary: it keeps at least one pod. */
function withRoutePod(p: StepPosition, count: number): number {
  if (count > 0 || p.aborted || p.promoteFull) return count;
  return hasRoutesInForce(p.steps, p.stepIndex) ? 1 : count;
}

/** Argo's minPodsPerReplicaSet: a canary that has pods has at least that many; none stays none. */
export function withMinPods(count: number, minPodsPerReplicaSet: number | undefined): number {
  return count === 0 || minPodsPerReplicaSet === undefined ? count : Math.max(count, minPodsPerReplicaSet);
}

function canaryReplicasForStep(p: StepPosition, replicas: number): number {
  const weight = computeDesiredWeight(p);
  if (p.aborted || p.promoteFull || p.stepIndex >= p.steps.length) return trafficWeightToReplicas(replicas, weight);
  for (let i = p.stepIndex; i >= 0; i -= 1) {
    const scale = p.steps[i]?.setCanaryScale;
    if (scale === undefined) continue;
    if (scale.matchTrafficWeight === true) break;
    if (scale.replicas !== undefined) return scale.replicas;
    if (scale.weight !== undefined) return trafficWeightToReplicas(replicas, scale.weight);
  }
  return trafficWeightToReplicas(replicas, weight);
}

export interface RouterWeightInput {
  desiredWeight: number;
  /** Weight the router reports now (0 when there is no canary route). */
  currentWeight: number;
  canaryAvailable: number;
  /** Canary pods needed before desiredWeight may be written. */
  canaryNeeded: number;
  /** The canary Service selects the current pod-template hash (after this plan). */
  canaryServiceOnCurrent: boolean;
  /**
   * The canary Service's ready endpoints are the current pods only (the endpoints controller has
   * caught up with the selector). While false the weight is held, never raised: traffic sent to the
   * canary Service would reach other pods, and analysis would measure the wrong version.
   */
  canaryEndpointsOnCurrent?: boolean;
}

/**
 * The weight to write: 0 without available canary pods; the desired one once the pods for it are
 * available and the canary Service's endpoints are those pods; meanwhile never more than now.
 */
export function computeRouterWeight(input: RouterWeightInput): number {
  if (input.desiredWeight === 0 || input.canaryAvailable === 0 || !input.canaryServiceOnCurrent) return 0;
  if (input.canaryAvailable >= input.canaryNeeded && input.canaryEndpointsOnCurrent !== false) return input.desiredWeight;
  return Math.min(input.currentWeight, input.desiredWeight);
}
