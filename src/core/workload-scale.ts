/**
 * spec.workloadRef: how many replicas the referenced Deployment keeps, decided from the Rollout's
 * own progress (pure). `never` leaves the Deployment alone; `onsuccess` takes it to 0 once the
 * Rollout is Healthy; `progressively` takes it to (desired − the Rollout's available pods), never
 * below 0 and never above what it has now: Kanary only scales the Deployment down, so the
 * Rollout's pods replace the Deployment's one for one as they become available.
 */
import type { RolloutStatus, WorkloadScaleDown } from '../api/rollout.js';
import type { Action } from './actions.js';
import { findCondition } from './conditions.js';
import type { CanarySnapshot } from './snapshot.js';

export interface WorkloadScaleInput {
  scaleDown: WorkloadScaleDown;
  /** The Deployment's spec.replicas now. */
  currentReplicas: number;
  /** The Rollout's spec.replicas. */
  desiredReplicas: number;
  /** Available pods of all the Rollout's ReplicaSets (status.availableReplicas). */
  availableReplicas: number;
  /** The Rollout's phase is Healthy. */
  healthy: boolean;
}

/** The Deployment's replicas to write, or undefined when it stays as it is. */
export function computeWorkloadReplicas(input: WorkloadScaleInput): number | undefined {
  const { scaleDown, currentReplicas } = input;
  let target = currentReplicas;
  if (scaleDown === 'onsuccess' && input.healthy) target = 0;
  if (scaleDown === 'progressively') target = Math.max(0, input.desiredReplicas - input.availableReplicas);
  const replicas = Math.min(currentReplicas, target);
  return replicas < currentReplicas ? replicas : undefined;
}

interface WorkloadPlan {
  actions: Action[];
  status: RolloutStatus;
}

function isInvalid(status: RolloutStatus): boolean {
  return findCondition(status.conditions, 'InvalidSpec')?.status === 'True';
}

/**
 * Adds the Deployment's scale-down to a plan and records the Deployment's generation in
 * status.workloadObservedGeneration. A Rollout that is InvalidSpec (a missing Deployment among
 * other things) acts on nothing, the Deployment included.
 */
export function planWorkloadScale(snapshot: CanarySnapshot, plan: WorkloadPlan): WorkloadPlan {
  const ref = snapshot.rollout.spec.workloadRef;
  const workload = snapshot.workload;
  if (ref === undefined || workload === undefined) return plan;
  const status: RolloutStatus = { ...plan.status, workloadObservedGeneration: String(workload.generation) };
  if (isInvalid(plan.status)) return { actions: plan.actions, status };
  const replicas = computeWorkloadReplicas({
    scaleDown: ref.scaleDown,
    currentReplicas: workload.specReplicas,
    desiredReplicas: snapshot.rollout.spec.replicas,
    availableReplicas: plan.status.availableReplicas ?? 0,
    healthy: plan.status.phase === 'Healthy',
  });
  if (replicas === undefined) return { actions: plan.actions, status };
  const message = `Scaled down Deployment ${workload.name} from ${workload.specReplicas} to ${replicas} (workloadRef scaleDown ${ref.scaleDown})`;
  const actions: Action[] = [
    ...plan.actions,
    { type: 'scaleWorkload', name: workload.name, replicas, ...(workload.resourceVersion !== undefined ? { resourceVersion: workload.resourceVersion } : {}) },
    { type: 'recordEvent', eventType: 'Normal', reason: 'ScalingWorkload', message },
  ];
  return { actions, status };
}
