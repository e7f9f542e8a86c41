/**
 * progressDeadlineSeconds. While the rollout waits for something other than a pause or a human,
 * the Progressing condition's message carries a summary of the observed progress; its
 * lastUpdateTime therefore moves only when progress is made. When it is older than the deadline
 * the rollout is Degraded (ProgressDeadlineExceeded) and, with progressDeadlineAbort, aborted.
 */
import { findCondition } from './conditions.js';
import { addRequeue, isProgressing, type PlanContext, type PlanDraft } from './plan-context.js';
import { stableOf } from './plan-replica-sets.js';

function availability(rs: { availableReplicas?: number; specReplicas?: number } | undefined): string {
  return `${rs?.availableReplicas ?? 0}/${rs?.specReplicas ?? 0} available`;
}

/** Blue/green: the new ReplicaSet, the stable one, and what the active Service selects. */
function blueGreenSignature(ctx: PlanContext, draft: PlanDraft): string {
  const active = ctx.snapshot.services.active?.selectorHash ?? 'nothing';
  return `new revision ${availability(ctx.current)}, stable ${availability(stableOf(ctx, draft))}, active Service on ${active}`;
}

export function computeProgressSignature(ctx: PlanContext, draft: PlanDraft): string {
  if (ctx.rollout.spec.strategy.blueGreen !== undefined) return blueGreenSignature(ctx, draft);
  return `step ${draft.stepIndex}/${ctx.steps.length}, canary ${availability(ctx.current)}, stable ${availability(stableOf(ctx, draft))}, weight ${ctx.routeWeight}`;
}

export function isWaitingForProgress(ctx: PlanContext, draft: PlanDraft): boolean {
  return isProgressing(ctx, draft) && !draft.abort && !ctx.rollout.spec.paused && draft.pauseConditions.length === 0;
}

export function checkProgressDeadline(ctx: PlanContext, draft: PlanDraft): void {
  if (!isWaitingForProgress(ctx, draft)) return;
  const deadlineMs = ctx.rollout.spec.progressDeadlineSeconds * 1000;
  const previous = findCondition(ctx.prev.conditions, 'Progressing');
  const signature = computeProgressSignature(ctx, draft);
  if (previous?.message?.endsWith(signature) !== true) {
    addRequeue(draft, deadlineMs);
    return;
  }
  const parsed = Date.parse(previous.lastUpdateTime ?? '');
  const since = Number.isNaN(parsed) ? ctx.now : parsed;
  const exceeded = previous.reason === 'ProgressDeadlineExceeded' || ctx.now - since >= deadlineMs;
  if (!exceeded) {
    addRequeue(draft, since + deadlineMs - ctx.now);
    return;
  }
  draft.progressDeadlineExceeded = true;
  if (ctx.rollout.spec.progressDeadlineAbort) {
    draft.abort = true;
    draft.abortMessage = `progress deadline exceeded (${ctx.rollout.spec.progressDeadlineSeconds}s without progress)`;
  }
}
