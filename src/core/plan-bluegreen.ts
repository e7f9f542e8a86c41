/**
 * planBlueGreen(snapshot, now): the whole blue/green decision for one reconcile, pure. Same shape
 * as planCanary (actions in a safe order, the full next status, when to look again) and the same
 * building blocks: the starting position and the intents (plan-intent.ts: new revision, fast
 * rollback, abort, retry), ReplicaSet creation and scale-down (plan-replica-sets.ts), AnalysisRun
 * naming, the progress deadline, status conditions and the release journal. What differs lives in
 * bluegreen-flow.ts (the gates) and bluegreen-targets.ts (Services and replica counts).
 *
 * INTENTS (intent-patches.ts): promote ends the promotion pause ({status: {pauseConditions: null,
 * controllerPause: false, blueGreen: {pauseReleased: true}}}) and accepts an Inconclusive
 * promotion analysis; promote --full skips pre-promotion analysis, the pause and post-promotion
 * analysis; abort switches the active (and preview) Service back to the stable ReplicaSet at once;
 * retry starts the revision again with fresh analysis runs.
 */
import { planRestart } from './plan-restart.js';
import { planAntiAffinity } from './anti-affinity.js';
import type { RolloutAnalysisRunStatus, RolloutStatus } from '../api/rollout.js';
import { findSlotRuns, type PromotionKind } from './canary-analysis.js';
import { advanceBlueGreen, startFlow, type BlueGreenFlow } from './bluegreen-flow.js';
import { computeBlueGreenHashes, planBlueGreenReplicaSets, planBlueGreenServices, type BlueGreenHashes } from './bluegreen-targets.js';
import { planBlueGreenRoleMetadata } from './role-metadata.js';
import { computeJournal } from './journal.js';
import { applyAbort, orderActions, type CanaryPlan } from './plan-canary.js';
import { buildPlanContext, isProgressing, type PlanContext, type PlanDraft } from './plan-context.js';
import { computeStartingDraft } from './plan-intent.js';
import { planInvalidSpec } from './plan-invalid-spec.js';
import { checkProgressDeadline } from './plan-progress.js';
import { planRunHistory } from './plan-run-history.js';
import { buildStatus, compact } from './plan-status.js';
import type { AnalysisRunView, CanarySnapshot } from './snapshot.js';

function slotOf(ctx: PlanContext, promotion: PromotionKind) {
  return { rolloutName: ctx.name, podTemplateHash: ctx.hash, revision: ctx.revision, promotion };
}

/**
 * Creates the runs the gates asked for; stops every running run that no longer decides anything
 * (another revision, aborted, promoted); consumes a complete run of this revision once the persisted
 * status is aborted, so a retry starts fresh runs.
 */
function planPromotionRuns(ctx: PlanContext, draft: PlanDraft, flow: BlueGreenFlow): void {
  const deciding = isProgressing(ctx, draft) && !draft.abort;
  const wanted = deciding ? wantedRuns(ctx) : new Set<string>();
  for (const run of ctx.snapshot.analysisRuns) {
    if (mustTerminate(ctx, run, wanted)) draft.actions.push({ type: 'terminateAnalysisRun', name: run.name });
  }
  if (!deciding) return;
  const existing = new Set(ctx.snapshot.analysisRuns.map((r) => r.name));
  for (const create of flow.createRuns) if (!existing.has(create.name)) draft.actions.push(create);
}

/** The runs of this revision that still decide: the latest unterminated pre and post runs. */
function wantedRuns(ctx: PlanContext): Set<string> {
  const names = (['pre', 'post'] as const).map((kind) => findSlotRuns(ctx.snapshot.analysisRuns, slotOf(ctx, kind)).active?.name);
  return new Set(names.filter((n): n is string => n !== undefined));
}

function mustTerminate(ctx: PlanContext, run: AnalysisRunView, wanted: Set<string>): boolean {
  if (run.terminated === true || wanted.has(run.name)) return false;
  const running = run.phase === 'Pending' || run.phase === 'Running';
  return running || (run.podTemplateHash === ctx.hash && ctx.prev.abort === true);
}

function runStatus(run: AnalysisRunView | undefined): RolloutAnalysisRunStatus | undefined {
  if (run === undefined) return undefined;
  return { name: run.name, status: run.phase, ...(run.message !== undefined ? { message: run.message } : {}) };
}

function blueGreenStatus(ctx: PlanContext, draft: PlanDraft, flow: BlueGreenFlow, hashes: BlueGreenHashes): RolloutStatus['blueGreen'] {
  const progressing = isProgressing(ctx, draft) && !draft.abort;
  const latest = (kind: PromotionKind) => runStatus(findSlotRuns(ctx.snapshot.analysisRuns, slotOf(ctx, kind)).latest);
  return compact({
    activeSelector: hashes.active,
    previewSelector: hashes.preview,
    pauseReleased: progressing && flow.pauseReleased ? true : undefined,
    scaleUpPreviewCheckPoint: progressing && (flow.checkpoint || flow.switchNow) ? true : undefined,
    prePromotionAnalysisRunStatus: flow.strategy.prePromotionAnalysis !== undefined ? latest('pre') : undefined,
    postPromotionAnalysisRunStatus: flow.strategy.postPromotionAnalysis !== undefined ? latest('post') : undefined,
  });
}

function decide(ctx: PlanContext, draft: PlanDraft, flow: BlueGreenFlow): void {
  if (!isProgressing(ctx, draft)) return;
  advanceBlueGreen(ctx, draft, flow);
  if (!draft.abort && isProgressing(ctx, draft)) checkProgressDeadline(ctx, draft);
  if (draft.abort) applyAbort(ctx, draft);
}

export function planBlueGreen(snapshot: CanarySnapshot, now: number): CanaryPlan {
  const invalid = planInvalidSpec(snapshot, now);
  if (invalid !== undefined) return invalid;
  const ctx = buildPlanContext(snapshot, now);
  const draft = computeStartingDraft(ctx);
  const flow = startFlow(ctx, draft);
  decide(ctx, draft, flow);
  const hashes = computeBlueGreenHashes(ctx, draft, flow);
  planBlueGreenReplicaSets(ctx, draft, flow, hashes);
  planBlueGreenServices(ctx, draft, hashes);
  planBlueGreenRoleMetadata(ctx, draft, flow, hashes);
  planAntiAffinity(ctx, draft);
  planRestart(ctx, draft);
  planPromotionRuns(ctx, draft, flow);
  planRunHistory(ctx, draft);
  const journal = computeJournal(ctx, draft);
  draft.actions.push(...journal.events);
  const { canary: _canary, ...base } = buildStatus(ctx, draft);
  const status: RolloutStatus = { ...base, blueGreen: blueGreenStatus(ctx, draft, flow, hashes), journal: journal.journal };
  const requeueAfterMs = draft.requeueMs.length > 0 ? Math.min(...draft.requeueMs) : undefined;
  return { actions: orderActions(draft.actions, ctx), status, ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}) };
}
