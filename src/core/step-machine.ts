/**
 * The step machine: evaluates the current canary step against what is observed and advances
 * through every step that is already complete, stopping at the first one that must wait
 * (weight not yet reported by the router, pods not available, pause running, analysis running)
 * or that fails (analysis Failed/Error -> abort).
 */
import type { CanaryStep } from '../api/rollout.js';
import { describeRunFailure, findSlotRuns } from './canary-analysis.js';
import { computeCanaryReplicas, computeDesiredWeight } from './desired-weight.js';
import { computeDesiredRoutes, isSameRouteSet, withFingerprint } from './managed-routes.js';
import { computePauseDurationMs, computePauseRemainingMs, findPauseCondition, toIsoTime } from './pause.js';
import { addRequeue, type PlanContext, type PlanDraft } from './plan-context.js';
import { computeBasicCounts, isBasicAtDesired } from './plan-replica-sets.js';

export type StepOutcome = { kind: 'complete' } | { kind: 'wait' } | { kind: 'abort'; message: string };

const COMPLETE: StepOutcome = { kind: 'complete' };
const WAIT: StepOutcome = { kind: 'wait' };

function position(ctx: PlanContext, draft: PlanDraft) {
  return { steps: ctx.steps, stepIndex: draft.stepIndex, aborted: false, promoteFull: false };
}

function canaryServiceOnCurrent(ctx: PlanContext): boolean {
  return ctx.snapshot.services.canary === undefined || ctx.snapshot.services.canary.selectorHash === ctx.hash;
}

function canaryAtTarget(ctx: PlanContext, target: number): boolean {
  const rs = ctx.current;
  return rs !== undefined && rs.specReplicas === target && rs.availableReplicas >= target;
}

function evaluateSetWeight(ctx: PlanContext, draft: PlanDraft, weight: number): StepOutcome {
  if (!ctx.trafficRouted) return isBasicAtDesired(ctx, draft, computeBasicCounts(ctx, draft)) ? COMPLETE : WAIT;
  if (weight === 0) return ctx.routeWeight === 0 ? COMPLETE : WAIT;
  const target = computeCanaryReplicas(position(ctx, draft), ctx.replicas, ctx.canary.minPodsPerReplicaSet);
  const ready = canaryAtTarget(ctx, target) && canaryServiceOnCurrent(ctx) && ctx.routeWeight === weight;
  return ready ? COMPLETE : WAIT;
}

/** A route step completes once the router has exactly the routes in force at this step. */
function evaluateRouteStep(ctx: PlanContext, draft: PlanDraft): StepOutcome {
  if (!ctx.trafficRouted) return COMPLETE;
  const desired = computeDesiredRoutes({
    steps: ctx.steps,
    stepIndex: draft.stepIndex,
    managedRoutes: (ctx.canary.trafficRouting?.managedRoutes ?? []).map((r) => r.name),
    active: true,
  }).map(withFingerprint);
  return isSameRouteSet(ctx.snapshot.traffic?.routes ?? [], desired) ? COMPLETE : WAIT;
}

function evaluateSetCanaryScale(ctx: PlanContext, draft: PlanDraft): StepOutcome {
  if (!ctx.trafficRouted) return COMPLETE;
  return canaryAtTarget(ctx, computeCanaryReplicas(position(ctx, draft), ctx.replicas, ctx.canary.minPodsPerReplicaSet)) ? COMPLETE : WAIT;
}

export function startPause(ctx: PlanContext, draft: PlanDraft, reason: 'CanaryPauseStep' | 'InconclusiveAnalysisRun'): void {
  if (findPauseCondition(draft.pauseConditions, reason) !== undefined) return;
  draft.pauseConditions.push({ reason, startTime: toIsoTime(ctx.now) });
  draft.controllerPause = true;
  draft.actions.push({ type: 'recordEvent', eventType: 'Normal', reason: 'RolloutPaused', message: `Rollout paused at step ${draft.stepIndex}: ${reason}` });
}

function evaluatePause(ctx: PlanContext, draft: PlanDraft, step: CanaryStep): StepOutcome {
  const durationMs = computePauseDurationMs(step.pause ?? {});
  if (durationMs === 0) return COMPLETE;
  const existing = findPauseCondition(draft.pauseConditions, 'CanaryPauseStep');
  if (existing === undefined) startPause(ctx, draft, 'CanaryPauseStep');
  if (durationMs === undefined) return WAIT;
  const remaining = computePauseRemainingMs(existing?.startTime ?? toIsoTime(ctx.now), durationMs, ctx.now);
  if (remaining <= 0) return COMPLETE;
  addRequeue(draft, remaining);
  return WAIT;
}

function evaluateAnalysis(ctx: PlanContext, draft: PlanDraft, step: CanaryStep): StepOutcome {
  const slot = { rolloutName: ctx.name, podTemplateHash: ctx.hash, revision: ctx.revision, stepIndex: draft.stepIndex };
  const { active, nextName } = findSlotRuns(ctx.snapshot.analysisRuns, slot);
  if (active === undefined) {
    if (step.analysis !== undefined) {
      draft.createRuns.push({ type: 'createAnalysisRun', name: nextName, podTemplateHash: ctx.hash, revision: ctx.revision, stepIndex: draft.stepIndex, background: false, analysis: step.analysis });
    }
    return WAIT;
  }
  if (active.phase === 'Successful') return COMPLETE;
  if (active.phase === 'Failed' || active.phase === 'Error') return { kind: 'abort', message: describeRunFailure(active) };
  if (active.phase !== 'Inconclusive') return WAIT;
  startPause(ctx, draft, 'InconclusiveAnalysisRun');
  return WAIT;
}

export function evaluateStep(ctx: PlanContext, draft: PlanDraft): StepOutcome {
  const step = ctx.steps[draft.stepIndex];
  if (step === undefined) return WAIT;
  if (step.setWeight !== undefined) return evaluateSetWeight(ctx, draft, computeDesiredWeight(position(ctx, draft)));
  if (step.setCanaryScale !== undefined) return evaluateSetCanaryScale(ctx, draft);
  if (step.pause !== undefined) return evaluatePause(ctx, draft, step);
  if (step.analysis !== undefined) return evaluateAnalysis(ctx, draft, step);
  if (step.setHeaderRoute !== undefined || step.setMirrorRoute !== undefined) return evaluateRouteStep(ctx, draft);
  return COMPLETE;
}

function completeStep(draft: PlanDraft): void {
  draft.actions.push({ type: 'recordEvent', eventType: 'Normal', reason: 'RolloutStepCompleted', message: `Step ${draft.stepIndex} completed` });
  draft.stepIndex += 1;
  draft.pauseConditions = [];
  draft.controllerPause = false;
  draft.createRuns = [];
}

/** Advances through complete steps; on a failed step analysis sets abort with the run's message. */
export function advanceSteps(ctx: PlanContext, draft: PlanDraft): void {
  while (draft.stepIndex < ctx.steps.length) {
    const outcome = evaluateStep(ctx, draft);
    if (outcome.kind === 'wait') return;
    if (outcome.kind === 'abort') {
      draft.abort = true;
      draft.abortMessage = outcome.message;
      return;
    }
    completeStep(draft);
  }
}
