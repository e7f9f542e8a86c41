/**
 * The status of a Rollout whose spec cannot even be parsed (wrong types, unknown step kinds...):
 * Degraded with an InvalidSpec condition naming every problem. Pure; the previous status is kept
 * otherwise, so fixing the spec resumes where the rollout stood.
 */
import type { RolloutCondition, RolloutStatus } from '../api/rollout.js';

export interface UnparseableInput {
  previous: RolloutStatus | undefined;
  problems: string[];
  generation: number | undefined;
  nowIso: string;
}

export function describeProblems(problems: readonly string[]): string {
  return `InvalidSpec: ${problems.join('; ')}`;
}

export function buildUnparseableStatus(input: UnparseableInput): RolloutStatus {
  const previous = input.previous ?? {};
  const message = describeProblems(input.problems);
  const old = previous.conditions?.find((c) => c.type === 'InvalidSpec');
  const unchanged = old?.status === 'True' && old.message === message;
  const condition: RolloutCondition = {
    type: 'InvalidSpec',
    status: 'True',
    reason: 'InvalidSpec',
    message,
    lastUpdateTime: unchanged ? old.lastUpdateTime : input.nowIso,
    lastTransitionTime: old?.status === 'True' ? old.lastTransitionTime : input.nowIso,
  };
  const others = (previous.conditions ?? []).filter((c) => c.type !== 'InvalidSpec');
  return {
    ...previous,
    phase: 'Degraded',
    message,
    observedGeneration: input.generation,
    conditions: [...others, condition],
  };
}

/** True when this problem set was already reported (no second Warning event for it). */
export function isSameInvalidSpec(previous: RolloutStatus | undefined, problems: readonly string[]): boolean {
  const old = previous?.conditions?.find((c) => c.type === 'InvalidSpec');
  return old?.status === 'True' && old.message === describeProblems(problems);
}
