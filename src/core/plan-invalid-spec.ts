/**
 * An invalid Rollout (problems from the controller, or a ReplicaSet that takes our name without
 * being ours): no actions but a Warning Event when the problem is new; status keeps everything
 * else, gets InvalidSpec=True and phase Degraded; recheck after INVALID_SPEC_RECHECK_MS.
 */
import type { RolloutStatus } from '../api/rollout.js';
import type { Action } from './actions.js';
import { findCondition, mergeCondition } from './conditions.js';
import { computePhase } from './phase.js';
import { computePodTemplateHash } from './pod-template-hash.js';
import { INVALID_SPEC_RECHECK_MS, type CanarySnapshot } from './snapshot.js';

export function collectProblems(snapshot: CanarySnapshot): string[] {
  const name = `${snapshot.rollout.metadata.name}-${computePodTemplateHash(snapshot.rollout.spec.template)}`;
  const squatter = snapshot.replicaSets.find((rs) => rs.name === name && !rs.ownedByRollout);
  const problems = [...snapshot.specProblems];
  if (squatter !== undefined) problems.push(`ReplicaSet ${name} exists but is not owned by this Rollout; it will not be adopted or modified`);
  return problems;
}

export function planInvalidSpec(snapshot: CanarySnapshot, now: number): { actions: Action[]; status: RolloutStatus; requeueAfterMs: number } | undefined {
  const problems = collectProblems(snapshot);
  if (problems.length === 0) return undefined;
  const prev = snapshot.rollout.status ?? {};
  const phase = computePhase({ specProblems: problems, aborted: false, progressDeadlineExceeded: false, specPaused: false, pauseReasons: [], desiredReplicas: 0, updatedReplicas: 0, updatedAvailableReplicas: 0, stableHash: '', currentHash: '' });
  const message = problems.join('; ');
  const previous = findCondition(prev.conditions, 'InvalidSpec');
  const condition = mergeCondition(previous, { type: 'InvalidSpec', status: 'True', reason: 'InvalidSpec', message }, now);
  const others = (prev.conditions ?? []).filter((c) => c.type !== 'InvalidSpec');
  const status: RolloutStatus = { ...prev, phase: phase.phase, message: phase.message, observedGeneration: snapshot.rollout.metadata.generation, conditions: [...others, condition] };
  const isNew = previous?.status !== 'True' || previous.message !== message;
  const actions: Action[] = isNew ? [{ type: 'recordEvent', eventType: 'Warning', reason: 'InvalidSpec', message }] : [];
  return { actions, status, requeueAfterMs: INVALID_SPEC_RECHECK_MS };
}
