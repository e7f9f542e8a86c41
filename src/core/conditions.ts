/**
 * Rollout status conditions. mergeConditions keeps lastTransitionTime while a condition's status is
 * unchanged and lastUpdateTime while nothing about it changed, so an idle rollout rewrites nothing.
 */
import type { ConditionStatus, RolloutConditionType } from '../api/reasons.js';
import type { RolloutCondition } from '../api/rollout.js';
import { toIsoTime } from './pause.js';

export interface DesiredCondition {
  type: RolloutConditionType;
  status: ConditionStatus;
  reason: string;
  message: string;
}

export function mergeCondition(previous: RolloutCondition | undefined, desired: DesiredCondition, now: number): RolloutCondition {
  const nowIso = toIsoTime(now);
  if (previous === undefined || previous.status !== desired.status) {
    return { ...desired, lastUpdateTime: nowIso, lastTransitionTime: nowIso };
  }
  const unchanged = previous.reason === desired.reason && previous.message === desired.message;
  return {
    ...desired,
    lastUpdateTime: unchanged ? (previous.lastUpdateTime ?? nowIso) : nowIso,
    lastTransitionTime: previous.lastTransitionTime ?? nowIso,
  };
}

export function mergeConditions(previous: readonly RolloutCondition[] | undefined, desired: readonly DesiredCondition[], now: number): RolloutCondition[] {
  return desired.map((d) => mergeCondition(previous?.find((p) => p.type === d.type), d, now));
}

export function findCondition(conditions: readonly RolloutCondition[] | undefined, type: RolloutConditionType): RolloutCondition | undefined {
  return conditions?.find((c) => c.type === type);
}
