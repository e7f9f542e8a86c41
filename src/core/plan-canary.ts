/**
 * planCanary(snapshot, now): the whole canary decision for one reconcile, pure.
 * Returns the actions to execute IN ORDER, the full next status (write it only if it differs) and
 * when to look again (requeueAfterMs; undefined = only on the next watch event).
 *
 * INTENT PROTOCOL (what the CLI patches, how the controller reads it; computeIntentPatch in
 * intent-patches.ts builds these patches):
 * - promote: one merge patch of /status carrying metadata.resourceVersion (409 -> re-read and
 *   recompute, so a stale repeat can never skip a second step):
 *     {status: {pauseConditions: null, controllerPause: false, currentStepIndex: K + 1}}
 *   where K = status.currentStepIndex (default 0) and K < steps.length. Repeating the SAME patch
 *   without resourceVersion is still safe: it sets the same index again (never K + 2).
 *   Exception: when every pause condition is InconclusiveAnalysisRun and the current step's run
 *   (status.canary.currentStepAnalysisRunStatus) is not Inconclusive (so a BACKGROUND run was
 *   inconclusive) the index is left alone:
 *     {status: {pauseConditions: null, controllerPause: false}}
 *   The controller reads "status.canary.currentBackgroundAnalysisRunStatus says Inconclusive for
 *   this run, and no InconclusiveAnalysisRun pause condition" as accepted: it terminates the run and
 *   starts a fresh one (`<name>.<attempt>`). Past the last step: just clears pause conditions.
 *   When spec.paused is true, promote instead patches the spec: {spec: {paused: false}}.
 * - promote --full: {status: {promoteFull: true, pauseConditions: null, controllerPause: false}}.
 *   Steps are skipped, canary scaled to replicas, weight 100 once available, then promotion.
 *   The controller clears promoteFull once the rollout is promoted or the template changes.
 * - abort: {status: {abort: true}}. The controller stamps abortedAt and keeps the reason in the
 *   Progressing condition (reason RolloutAborted).
 * - retry: {status: {abort: false}}. abort false/absent with abortedAt still set = retry: steps
 *   restart at 0, abortedAt is cleared, analysis runs of this template were terminated at abort so
 *   fresh ones are created.
 * - pause: {spec: {paused: true}} (kanary pause). Steps do not advance; traffic safety still applies.
 * - A template change (new hash) resets step, pauses, abort and promoteFull; a steps change
 *   (status.currentStepHash differs) restarts the steps of the current template.
 */
import { planRestart } from './plan-restart.js';
import { planAntiAffinity } from './anti-affinity.js';
import { planCanaryRoleMetadata } from './role-metadata.js';
import type { Action } from './actions.js';
import { buildPlanContext, isProgressing, type PlanContext, type PlanDraft } from './plan-context.js';
import { computeStartingDraft } from './plan-intent.js';
import { checkProgressDeadline } from './plan-progress.js';
import { computeBasicCounts, isBasicAtDesired, planReplicaSets } from './plan-replica-sets.js';
import { planAnalysisRuns, planBackgroundAnalysis } from './plan-runs.js';
import { planRunHistory } from './plan-run-history.js';
import { buildStatus } from './plan-status.js';
import { computeServiceHashes, planManagedRoutes, planRoute, planServices } from './plan-traffic.js';
import { planInvalidSpec } from './plan-invalid-spec.js';
import { computeBaselinePlan, isBaselineInSteps, planBaselineReplicaSets } from './plan-baseline.js';
import { computeJournal } from './journal.js';
import { toIsoTime } from './pause.js';
import type { RolloutStatus } from '../api/rollout.js';
import type { CanarySnapshot } from './snapshot.js';
import { advanceSteps } from './step-machine.js';

export interface CanaryPlan {
  actions: Action[];
  status: RolloutStatus;
  requeueAfterMs?: number;
}

/**
 * Execution order: never send traffic to pods before they exist; move traffic before scaling down.
 * A lower canary weight (abort, failed analysis, a new revision) goes first of all: taking traffic
 * off the canary is what a rollback waits for. Not at promotion: there the stable Service moves to
 * the new pods first, so the weight going to 0 never sends users back to the old version.
 */
const ACTION_RANK: Record<Action['type'], number> = {
  createReplicaSet: 0,
  createBaselineReplicaSet: 0,
  scaleReplicaSet: 1,
  setServiceSelector: 2,
  setRoleMetadata: 4,
  setAntiAffinity: 4,
  evictPod: 5,
  setCanaryWeight: 3,
  removeCanaryRoute: 4,
  setManagedRoutes: 3,
  terminateAnalysisRun: 6,
  createAnalysisRun: 7,
  deleteReplicaSet: 8,
  deleteAnalysisRun: 8,
  scaleWorkload: 8,
  recordEvent: 9,
};

function rank(action: Action, ctx: PlanContext, stableMoves: boolean): number {
  if (action.type === 'setCanaryWeight' && action.weightPercent < ctx.routeWeight && !stableMoves) return -1;
  if (action.type === 'setManagedRoutes' && action.routes.length === 0) return -1;
  if (action.type !== 'scaleReplicaSet') return ACTION_RANK[action.type];
  const rs = [...ctx.owned, ...ctx.baselines].find((r) => r.name === action.name);
  return rs !== undefined && action.replicas > rs.specReplicas ? 1 : 5;
}

export function orderActions(actions: Action[], ctx: PlanContext): Action[] {
  const stableMoves = actions.some((a) => a.type === 'setServiceSelector' && a.role === 'stable');
  return actions
    .map((action, index) => ({ action, index, rank: rank(action, ctx, stableMoves) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((entry) => entry.action);
}

export function applyAbort(ctx: PlanContext, draft: PlanDraft): void {
  draft.pauseConditions = [];
  draft.controllerPause = false;
  draft.promoteFull = false;
  draft.abortMessage ??= 'Rollout aborted by user';
  if (draft.abortedAt !== undefined) return;
  draft.abortedAt = toIsoTime(ctx.now);
  draft.actions.push({ type: 'recordEvent', eventType: 'Warning', reason: 'RolloutAborted', message: draft.abortMessage });
}

function readyToPromote(ctx: PlanContext, draft: PlanDraft): boolean {
  const current = ctx.current;
  if (current === undefined || current.availableReplicas < ctx.replicas) return false;
  if (!ctx.trafficRouted) return isBasicAtDesired(ctx, draft, computeBasicCounts(ctx, draft));
  const canaryService = ctx.snapshot.services.canary;
  const onCurrent = canaryService === undefined || canaryService.selectorHash === ctx.hash;
  return onCurrent && ctx.routeWeight === 100;
}

function checkPromotion(ctx: PlanContext, draft: PlanDraft): void {
  if (draft.stepIndex < ctx.steps.length && !draft.promoteFull) return;
  if (!readyToPromote(ctx, draft)) return;
  draft.stableHash = ctx.hash;
  draft.stepIndex = ctx.steps.length;
  draft.promoteFull = false;
  draft.pauseConditions = [];
  draft.actions.push({ type: 'recordEvent', eventType: 'Normal', reason: 'RolloutCompleted', message: `Rollout completed: revision ${ctx.revision} (${ctx.hash}) is stable` });
}

function decide(ctx: PlanContext, draft: PlanDraft): void {
  if (!isProgressing(ctx, draft)) return;
  if (!draft.abort && !draft.promoteFull && !ctx.rollout.spec.paused) advanceSteps(ctx, draft);
  if (!draft.abort) planBackgroundAnalysis(ctx, draft);
  if (!draft.abort) checkProgressDeadline(ctx, draft);
  if (draft.abort) applyAbort(ctx, draft);
  else checkPromotion(ctx, draft);
}

export function planCanary(snapshot: CanarySnapshot, now: number): CanaryPlan {
  const invalid = planInvalidSpec(snapshot, now);
  if (invalid !== undefined) return invalid;
  const ctx = buildPlanContext(snapshot, now);
  const draft = computeStartingDraft(ctx);
  decide(ctx, draft);
  const services = computeServiceHashes(ctx, draft);
  const baseline = computeBaselinePlan(ctx, draft, services);
  planReplicaSets(ctx, draft, services);
  planBaselineReplicaSets(ctx, draft, baseline);
  planServices(ctx, draft, services);
  planRoute(ctx, draft, services, baseline && { inSteps: isBaselineInSteps(ctx, draft) && ctx.canary.baseline !== undefined, weightPercent: baseline.weightPercent });
  planManagedRoutes(ctx, draft, services);
  planAnalysisRuns(ctx, draft);
  planRunHistory(ctx, draft);
  planCanaryRoleMetadata(ctx, draft);
  planAntiAffinity(ctx, draft);
  planRestart(ctx, draft);
  const journal = computeJournal(ctx, draft);
  draft.actions.push(...journal.events);
  const status: RolloutStatus = { ...buildStatus(ctx, draft), journal: journal.journal };
  const requeueAfterMs = draft.requeueMs.length > 0 ? Math.min(...draft.requeueMs) : undefined;
  return { actions: orderActions(draft.actions, ctx), status, ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}) };
}
