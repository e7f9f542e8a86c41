/**
 * planRollout(snapshot, now): the reconcile's one entry into the pure core. Dispatches on the
 * strategy kind (planCanary or planBlueGreen) and refuses a change of kind on a live Rollout: the
 * two strategies give the Services different roles, so switching would leave the new kind's active
 * Service unmanaged mid-flight. The Rollout is then InvalidSpec (no action at all: every selector
 * stays where it is) until the strategy is put back, or the Rollout is recreated.
 */
import type { Rollout } from '../api/rollout.js';
import { planBlueGreen } from './plan-bluegreen.js';
import { planCanary, type CanaryPlan } from './plan-canary.js';
import type { CanarySnapshot } from './snapshot.js';
import { planWorkloadScale } from './workload-scale.js';

/** The problem with a live Rollout whose status was written by the other strategy. */
export function findStrategyChange(rollout: Rollout): string | undefined {
  const status = rollout.status;
  if (status?.stableRS === undefined) return undefined;
  const { canary, blueGreen } = rollout.spec.strategy;
  if (blueGreen !== undefined && canary === undefined && status.canary !== undefined) {
    return 'spec.strategy.blueGreen: this live Rollout runs the canary strategy; the strategy kind of a live Rollout cannot change (put spec.strategy.canary back, or delete and recreate the Rollout)';
  }
  if (canary !== undefined && blueGreen === undefined && status.blueGreen !== undefined) {
    return 'spec.strategy.canary: this live Rollout runs the blueGreen strategy; the strategy kind of a live Rollout cannot change (put spec.strategy.blueGreen back, or delete and recreate the Rollout)';
  }
  return undefined;
}

export function planRollout(snapshot: CanarySnapshot, now: number): CanaryPlan {
  const change = findStrategyChange(snapshot.rollout);
  const checked = change === undefined ? snapshot : { ...snapshot, specProblems: [...snapshot.specProblems, change] };
  const plan = checked.rollout.spec.strategy.blueGreen !== undefined ? planBlueGreen(checked, now) : planCanary(checked, now);
  return { ...plan, ...planWorkloadScale(checked, plan) };
}
