/** Rollout phase and message: the first SPEC §1 rule that matches. */
import type { RolloutPhase } from '../api/reasons.js';

export interface PhaseInput {
  specProblems: readonly string[];
  aborted: boolean;
  abortMessage?: string;
  progressDeadlineExceeded: boolean;
  specPaused: boolean;
  pauseReasons: readonly string[];
  desiredReplicas: number;
  updatedReplicas: number;
  /** Available pods of the current (updated) ReplicaSet. */
  updatedAvailableReplicas: number;
  stableHash: string;
  currentHash: string;
}

export interface PhaseResult {
  phase: RolloutPhase;
  message?: string;
}

export function computePhase(input: PhaseInput): PhaseResult {
  if (input.specProblems.length > 0) return { phase: 'Degraded', message: `InvalidSpec: ${input.specProblems.join('; ')}` };
  if (input.aborted) return { phase: 'Degraded', message: `RolloutAborted: ${input.abortMessage ?? 'Rollout aborted'}` };
  if (input.progressDeadlineExceeded) return { phase: 'Degraded', message: 'ProgressDeadlineExceeded: the rollout made no progress within progressDeadlineSeconds' };
  if (input.specPaused) return { phase: 'Paused', message: 'manually paused' };
  const [reason] = input.pauseReasons;
  if (reason !== undefined) return { phase: 'Paused', message: reason };
  if (input.updatedReplicas < input.desiredReplicas) return { phase: 'Progressing', message: 'more replicas need to be updated' };
  if (input.updatedAvailableReplicas < input.updatedReplicas) return { phase: 'Progressing', message: 'updated replicas are still becoming available' };
  if (input.stableHash !== input.currentHash) return { phase: 'Progressing', message: 'waiting for all steps to complete' };
  return { phase: 'Healthy' };
}
