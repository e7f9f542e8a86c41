/**
 * The first part of a plan: the next position of the rollout read from the previous status, the
 * template and the user's intent (see plan-canary.ts for the intent protocol). Handles the initial
 * deploy, a new revision (reset), fast rollback, a steps change (restart) and retry.
 */
import type { RolloutStatus } from '../api/rollout.js';
import type { PlanContext, PlanDraft } from './plan-context.js';

function abortMessageOf(prev: RolloutStatus): string | undefined {
  const progressing = prev.conditions?.find((c) => c.type === 'Progressing');
  return progressing?.reason === 'RolloutAborted' ? progressing.message : undefined;
}

function baseDraft(ctx: PlanContext): PlanDraft {
  const { prev } = ctx;
  return {
    stableHash: prev.stableRS ?? ctx.hash,
    stepIndex: Math.min(prev.currentStepIndex ?? 0, ctx.steps.length),
    pauseConditions: [...(prev.pauseConditions ?? [])],
    controllerPause: prev.controllerPause === true,
    abort: prev.abort === true,
    abortedAt: prev.abortedAt,
    abortMessage: prev.abort === true ? abortMessageOf(prev) : undefined,
    promoteFull: prev.promoteFull === true,
    createRuns: [],
    actions: [],
    requeueMs: [],
    progressDeadlineExceeded: false,
  };
}

function restartSteps(draft: PlanDraft): void {
  draft.stepIndex = 0;
  draft.pauseConditions = [];
  draft.controllerPause = false;
  draft.abort = false;
  draft.abortedAt = undefined;
  draft.abortMessage = undefined;
  draft.promoteFull = false;
}

function event(draft: PlanDraft, reason: 'RolloutUpdated' | 'RolloutFastRollback' | 'RolloutRetried', message: string): void {
  draft.actions.push({ type: 'recordEvent', eventType: 'Normal', reason, message });
}

function applyTemplateChange(ctx: PlanContext, draft: PlanDraft): void {
  restartSteps(draft);
  if (ctx.hash === draft.stableHash) {
    draft.stepIndex = ctx.steps.length;
    event(draft, 'RolloutFastRollback', `Template matches the stable revision (${ctx.hash}): skipping all steps`);
  } else {
    event(draft, 'RolloutUpdated', `Rollout updated to revision ${ctx.revision} (${ctx.hash})`);
  }
}

/** Where the rollout stands before any step is evaluated. */
export function computeStartingDraft(ctx: PlanContext): PlanDraft {
  const draft = baseDraft(ctx);
  const { prev } = ctx;
  if (prev.stableRS === undefined) {
    draft.stableHash = ctx.hash;
  } else if (prev.currentPodHash !== ctx.hash) {
    applyTemplateChange(ctx, draft);
  } else if (prev.currentStepHash !== undefined && prev.currentStepHash !== ctx.stepsHash && draft.stableHash !== ctx.hash) {
    restartSteps(draft);
  }
  if (!draft.abort && draft.abortedAt !== undefined) {
    restartSteps(draft);
    event(draft, 'RolloutRetried', 'Rollout retried: restarting from step 0');
  }
  if (draft.stableHash === ctx.hash) {
    draft.stepIndex = ctx.steps.length;
    draft.promoteFull = false;
    draft.abort = false;
    draft.abortedAt = undefined;
    draft.abortMessage = undefined;
    draft.pauseConditions = [];
  }
  return draft;
}
