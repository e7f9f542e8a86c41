/**
 * AnalysisRuns from the Rollout's side: background analysis (from startingStep until promotion;
 * Failed/Error aborts; Inconclusive pauses until promote, which accepts it), creating the runs the
 * step machine asked for, and terminating every run that no longer decides anything (promoted past,
 * promoted, aborted, older revisions). Terminating a run of the current template "consumes" it, so a
 * retry creates fresh runs.
 */
import { describeRunFailure, findSlotRuns, isRunFailure, type RunSlot } from './canary-analysis.js';
import { isProgressing, type PlanContext, type PlanDraft } from './plan-context.js';
import type { AnalysisRunView } from './snapshot.js';
import { startPause } from './step-machine.js';

function backgroundSlot(ctx: PlanContext): RunSlot {
  return { rolloutName: ctx.name, podTemplateHash: ctx.hash, revision: ctx.revision };
}

function backgroundActive(ctx: PlanContext, draft: PlanDraft): boolean {
  const analysis = ctx.canary.analysis;
  if (analysis === undefined || !isProgressing(ctx, draft) || draft.abort) return false;
  return draft.stepIndex >= (analysis.startingStep ?? 0);
}

/** True when the user promoted past an Inconclusive background run this controller had paused on. */
function acceptedByUser(ctx: PlanContext, runName: string): boolean {
  const reported = ctx.prev.canary?.currentBackgroundAnalysisRunStatus;
  const wasPaused = (ctx.prev.pauseConditions ?? []).some((c) => c.reason === 'InconclusiveAnalysisRun');
  return reported?.name === runName && reported.status === 'Inconclusive' && !wasPaused;
}

export function planBackgroundAnalysis(ctx: PlanContext, draft: PlanDraft): void {
  const analysis = ctx.canary.analysis;
  if (analysis === undefined || !backgroundActive(ctx, draft)) return;
  const { active, nextName } = findSlotRuns(ctx.snapshot.analysisRuns, backgroundSlot(ctx));
  if (active === undefined) {
    draft.createRuns.push({ type: 'createAnalysisRun', name: nextName, podTemplateHash: ctx.hash, revision: ctx.revision, background: true, analysis });
  } else if (isRunFailure(active)) {
    draft.abort = true;
    draft.abortMessage = describeRunFailure(active);
  } else if (active.phase === 'Inconclusive') {
    if (acceptedByUser(ctx, active.name)) draft.droppedBackgroundRun = active.name;
    else startPause(ctx, draft, 'InconclusiveAnalysisRun');
  }
}

function wantedRuns(ctx: PlanContext, draft: PlanDraft): Set<string> {
  const wanted = new Set<string>();
  if (!isProgressing(ctx, draft) || draft.abort) return wanted;
  const step = ctx.steps[draft.stepIndex];
  if (step?.analysis !== undefined) {
    const slot = { rolloutName: ctx.name, podTemplateHash: ctx.hash, revision: ctx.revision, stepIndex: draft.stepIndex };
    const active = findSlotRuns(ctx.snapshot.analysisRuns, slot).active;
    if (active !== undefined) wanted.add(active.name);
  }
  const background = findSlotRuns(ctx.snapshot.analysisRuns, backgroundSlot(ctx)).active;
  if (background !== undefined && backgroundActive(ctx, draft) && background.name !== draft.droppedBackgroundRun) wanted.add(background.name);
  return wanted;
}

/**
 * Whether the persisted status (not just this plan) has moved past a complete run: the Rollout was
 * already aborted, or a step run's step is behind the recorded current step.
 */
function isSettledInStatus(ctx: PlanContext, run: AnalysisRunView): boolean {
  if (ctx.prev.abort === true) return true;
  return run.stepIndex !== undefined && (ctx.prev.currentStepIndex ?? 0) > run.stepIndex;
}

/**
 * A running run no longer wanted is stopped at once. A complete run of the current template is
 * consumed (so a retry gets a fresh run) only once the persisted status has moved past it:
 * consuming it in the reconcile that decides (abort, step completed) would let a later reconcile
 * on a stale Rollout cache find the slot empty and create a fresh run for a step already decided.
 */
function mustTerminate(ctx: PlanContext, draft: PlanDraft, run: AnalysisRunView, wanted: Set<string>): boolean {
  if (run.terminated === true || wanted.has(run.name)) return false;
  if (run.phase === 'Pending' || run.phase === 'Running' || run.name === draft.droppedBackgroundRun) return true;
  return run.podTemplateHash === ctx.hash && isSettledInStatus(ctx, run);
}

export function planAnalysisRuns(ctx: PlanContext, draft: PlanDraft): void {
  const wanted = wantedRuns(ctx, draft);
  for (const run of ctx.snapshot.analysisRuns) {
    if (mustTerminate(ctx, draft, run, wanted)) draft.actions.push({ type: 'terminateAnalysisRun', name: run.name });
  }
  if (!isProgressing(ctx, draft) || draft.abort) return;
  const existing = new Set(ctx.snapshot.analysisRuns.map((r) => r.name));
  for (const create of draft.createRuns) {
    if (!existing.has(create.name)) draft.actions.push(create);
  }
}
