/**
 * The blue/green decision for one reconcile (pure): where the new revision stands between preview
 * and promotion, read from the previous status and what is observed.
 *
 * 1. The new ReplicaSet is scaled to previewReplicaCount (or replicas); the preview Service moves
 *    to it once it has available pods.
 * 2. Gates, once it is fully available at that count and the preview Service reaches only its pods:
 *    prePromotionAnalysis must end Successful (Failed/Error aborts; Inconclusive pauses for a
 *    person), then the promotion pause (autoPromotionEnabled false: until `kanary promote`;
 *    autoPromotionSeconds: that long, a requeue) must be over. promote --full skips both.
 * 3. Gates passed (scaleUpPreviewCheckPoint): the new ReplicaSet goes to full replicas; the active
 *    Service switches to it in one selector change only once all of them are available.
 * 4. After the switch is seen, postPromotionAnalysis runs against the active Service; Successful
 *    makes the revision stable, Failed/Error aborts, which moves the active Service straight back
 *    to the stable ReplicaSet (kept at full replicas until then). Without it the revision is stable
 *    in the reconcile that switches.
 */
import type { BlueGreenStrategy, PromotionAnalysis } from '../api/rollout.js';
import type { PauseReason } from '../api/reasons.js';
import type { CreateAnalysisRunAction } from './actions.js';
import { describeRunFailure, findSlotRuns, isRunFailure, type PromotionKind } from './canary-analysis.js';
import { computePauseRemainingMs, findPauseCondition, toIsoTime } from './pause.js';
import { addRequeue, isProgressing, type PlanContext, type PlanDraft } from './plan-context.js';
import type { ServiceView } from './snapshot.js';

export interface BlueGreenFlow {
  strategy: BlueGreenStrategy;
  /** The promotion pause of this revision is over (a person's promote, or autoPromotionSeconds). */
  pauseReleased: boolean;
  /** The gates passed: the new ReplicaSet is scaled to full replicas for the switch. */
  checkpoint: boolean;
  /** This plan switches the active Service to the new revision. */
  switchNow: boolean;
  /** Runs this plan asks for (created by planPromotionRuns). */
  createRuns: CreateAnalysisRunAction[];
}

type GateOutcome = 'pass' | 'wait' | 'abort';

export function blueGreenOf(ctx: PlanContext): BlueGreenStrategy {
  const strategy = ctx.rollout.spec.strategy.blueGreen;
  if (strategy === undefined) throw new Error('planBlueGreen needs spec.strategy.blueGreen');
  return strategy;
}

/** Flags carry over only within one attempt at one revision: a new template, an abort or a retry start clean. */
export function startFlow(ctx: PlanContext, draft: PlanDraft): BlueGreenFlow {
  const prev = ctx.prev.blueGreen ?? {};
  const carry = isProgressing(ctx, draft) && !draft.abort && ctx.prev.currentPodHash === ctx.hash && ctx.prev.abortedAt === draft.abortedAt;
  return {
    strategy: blueGreenOf(ctx),
    pauseReleased: carry && prev.pauseReleased === true,
    checkpoint: carry && prev.scaleUpPreviewCheckPoint === true,
    switchNow: false,
    createRuns: [],
  };
}

export function previewReplicasOf(ctx: PlanContext, flow: BlueGreenFlow): number {
  return Math.min(flow.strategy.previewReplicaCount ?? ctx.replicas, ctx.replicas);
}

function currentAt(ctx: PlanContext, replicas: number): boolean {
  const rs = ctx.current;
  return rs !== undefined && rs.specReplicas === replicas && rs.availableReplicas >= replicas;
}

/** True when the Service selects the hash and its ready endpoints (when known) are that hash's pods only. */
export function servesOnly(service: ServiceView | undefined, hash: string): boolean {
  if (service === undefined) return true;
  const endpoints = service.endpointHashes;
  return service.selectorHash === hash && (endpoints === undefined || (endpoints.length === 1 && endpoints[0] === hash));
}

function pause(ctx: PlanContext, draft: PlanDraft, reason: PauseReason, why: string): void {
  if (findPauseCondition(draft.pauseConditions, reason) !== undefined) return;
  draft.pauseConditions.push({ reason, startTime: toIsoTime(ctx.now) });
  draft.controllerPause = true;
  draft.actions.push({ type: 'recordEvent', eventType: 'Normal', reason: 'RolloutPaused', message: `Rollout paused before promotion: ${why}` });
}

/** The user accepted an Inconclusive run by promoting: the status reported it and the pause is gone. */
function acceptedByUser(ctx: PlanContext, kind: PromotionKind, runName: string): boolean {
  const status = ctx.prev.blueGreen?.[kind === 'pre' ? 'prePromotionAnalysisRunStatus' : 'postPromotionAnalysisRunStatus'];
  const wasPaused = (ctx.prev.pauseConditions ?? []).some((c) => c.reason === 'InconclusiveAnalysisRun');
  return status?.name === runName && status.status === 'Inconclusive' && !wasPaused;
}

function evaluateRun(ctx: PlanContext, draft: PlanDraft, flow: BlueGreenFlow, gate: { kind: PromotionKind; analysis?: PromotionAnalysis }): GateOutcome {
  const { kind, analysis } = gate;
  if (analysis === undefined) return 'pass';
  const slot = { rolloutName: ctx.name, podTemplateHash: ctx.hash, revision: ctx.revision, promotion: kind };
  const { active, nextName } = findSlotRuns(ctx.snapshot.analysisRuns, slot);
  if (active === undefined) {
    flow.createRuns.push({ type: 'createAnalysisRun', name: nextName, podTemplateHash: ctx.hash, revision: ctx.revision, background: false, promotion: kind, analysis });
    return 'wait';
  }
  if (active.phase === 'Successful') return 'pass';
  if (isRunFailure(active)) {
    draft.abort = true;
    draft.abortMessage = describeRunFailure(active);
    return 'abort';
  }
  if (active.phase !== 'Inconclusive') return 'wait';
  if (acceptedByUser(ctx, kind, active.name)) return 'pass';
  pause(ctx, draft, 'InconclusiveAnalysisRun', `${kind}-promotion AnalysisRun "${active.name}" is Inconclusive`);
  return 'wait';
}

/** autoPromotionEnabled false: until promote; autoPromotionSeconds > 0: that long; else no pause. */
function promotionPauseOver(ctx: PlanContext, draft: PlanDraft, flow: BlueGreenFlow): boolean {
  const { autoPromotionEnabled, autoPromotionSeconds = 0 } = flow.strategy;
  if (flow.pauseReleased || (autoPromotionEnabled && autoPromotionSeconds === 0)) return true;
  const existing = findPauseCondition(draft.pauseConditions, 'BlueGreenPause');
  const durationMs = autoPromotionSeconds * 1000;
  if (existing === undefined) {
    pause(ctx, draft, 'BlueGreenPause', autoPromotionEnabled ? `promoting in ${autoPromotionSeconds}s` : 'waiting for kanary promote');
    if (autoPromotionEnabled) addRequeue(draft, durationMs);
    return false;
  }
  if (!autoPromotionEnabled) return false;
  const remaining = computePauseRemainingMs(existing.startTime, durationMs, ctx.now);
  if (remaining > 0) {
    addRequeue(draft, remaining);
    return false;
  }
  flow.pauseReleased = true;
  draft.pauseConditions = draft.pauseConditions.filter((c) => c.reason !== 'BlueGreenPause');
  draft.controllerPause = draft.pauseConditions.length > 0;
  draft.actions.push({ type: 'recordEvent', eventType: 'Normal', reason: 'RolloutResumed', message: `Auto-promotion after ${autoPromotionSeconds}s` });
  return true;
}

/** Steps 1-2: the preview is ready and every gate before the switch passed. */
function previewGatesPassed(ctx: PlanContext, draft: PlanDraft, flow: BlueGreenFlow): boolean {
  if (draft.promoteFull) return true;
  if (!currentAt(ctx, previewReplicasOf(ctx, flow)) || !servesOnly(ctx.snapshot.services.preview, ctx.hash)) return false;
  if (evaluateRun(ctx, draft, flow, { kind: 'pre', analysis: flow.strategy.prePromotionAnalysis }) !== 'pass') return false;
  return promotionPauseOver(ctx, draft, flow);
}

function complete(ctx: PlanContext, draft: PlanDraft): void {
  draft.stableHash = ctx.hash;
  draft.promoteFull = false;
  draft.pauseConditions = [];
  draft.controllerPause = false;
  draft.actions.push({ type: 'recordEvent', eventType: 'Normal', reason: 'RolloutCompleted', message: `Rollout completed: revision ${ctx.revision} (${ctx.hash}) is active and stable` });
}

/** Step 4: after the switch is observed (and the active Service reaches only the new pods). */
function postPromotionPassed(ctx: PlanContext, draft: PlanDraft, flow: BlueGreenFlow, switched: boolean): boolean {
  const analysis = flow.strategy.postPromotionAnalysis;
  if (analysis === undefined || draft.promoteFull) return true;
  if (!switched || !servesOnly(ctx.snapshot.services.active, ctx.hash)) return false;
  return evaluateRun(ctx, draft, flow, { kind: 'post', analysis }) === 'pass';
}

/** Moves the revision through the gates as far as what is observed allows (never while spec.paused). */
export function advanceBlueGreen(ctx: PlanContext, draft: PlanDraft, flow: BlueGreenFlow): void {
  if (!isProgressing(ctx, draft) || draft.abort || ctx.rollout.spec.paused) return;
  const switched = ctx.snapshot.services.active?.selectorHash === ctx.hash;
  if (!switched && !readyToSwitch(ctx, draft, flow)) return;
  if (postPromotionPassed(ctx, draft, flow, switched)) complete(ctx, draft);
}

/** Steps 2-3: the gates passed (once), then the new ReplicaSet is fully available: switch now. */
function readyToSwitch(ctx: PlanContext, draft: PlanDraft, flow: BlueGreenFlow): boolean {
  if (!flow.checkpoint) {
    if (!previewGatesPassed(ctx, draft, flow)) return false;
    flow.checkpoint = true;
  }
  if (!currentAt(ctx, ctx.replicas)) return false;
  flow.switchNow = true;
  return true;
}
