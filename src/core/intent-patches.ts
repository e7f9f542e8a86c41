/**
 * The one patch each intent verb sends (see the protocol at the top of plan-canary.ts). `target`
 * says whether it goes to the Rollout itself (spec) or to its /status subresource. The CLI adds
 * metadata.resourceVersion for promote so a stale repeat fails with 409 instead of skipping a step.
 */
import type { Rollout } from '../api/rollout.js';

export type IntentVerb = 'promote' | 'promoteFull' | 'abort' | 'retry' | 'pause';

export interface IntentPatch {
  target: 'spec' | 'status';
  /** A JSON merge patch body (null deletes a field). */
  body: { spec?: Record<string, unknown>; status?: Record<string, unknown> };
  /** True when the patch must carry metadata.resourceVersion (optimistic concurrency). */
  conditional: boolean;
}

function stepRunInconclusive(rollout: Rollout, stepIndex: number): boolean {
  const isAnalysisStep = rollout.spec.strategy.canary?.steps?.[stepIndex]?.analysis !== undefined;
  return isAnalysisStep && rollout.status?.canary?.currentStepAnalysisRunStatus?.status === 'Inconclusive';
}

/** Paused only because a BACKGROUND run was inconclusive: promote must not move the step. */
function onlyBackgroundInconclusive(rollout: Rollout, stepIndex: number): boolean {
  const conditions = rollout.status?.pauseConditions ?? [];
  if (conditions.length === 0) return false;
  const allInconclusive = conditions.every((c) => c.reason === 'InconclusiveAnalysisRun');
  return allInconclusive && !stepRunInconclusive(rollout, stepIndex);
}

function promotePatch(rollout: Rollout): IntentPatch {
  if (rollout.spec.paused) return { target: 'spec', body: { spec: { paused: false } }, conditional: false };
  if (rollout.spec.strategy.blueGreen !== undefined) {
    // Blue/green has no steps: promote ends the promotion pause (see plan-bluegreen.ts).
    return { target: 'status', body: { status: { pauseConditions: null, controllerPause: false, blueGreen: { pauseReleased: true } } }, conditional: false };
  }
  const stepIndex = rollout.status?.currentStepIndex ?? 0;
  const stepCount = rollout.spec.strategy.canary?.steps?.length ?? 0;
  const status: Record<string, unknown> = { pauseConditions: null, controllerPause: false };
  if (stepIndex < stepCount && !onlyBackgroundInconclusive(rollout, stepIndex)) status.currentStepIndex = stepIndex + 1;
  return { target: 'status', body: { status }, conditional: true };
}

export function computeIntentPatch(verb: IntentVerb, rollout: Rollout): IntentPatch {
  switch (verb) {
    case 'promote':
      return promotePatch(rollout);
    case 'promoteFull':
      return { target: 'status', body: { status: { promoteFull: true, pauseConditions: null, controllerPause: false } }, conditional: false };
    case 'abort':
      return { target: 'status', body: { status: { abort: true } }, conditional: false };
    case 'retry':
      return { target: 'status', body: { status: { abort: false } }, conditional: false };
    default:
      return { target: 'spec', body: { spec: { paused: true } }, conditional: false };
  }
}
