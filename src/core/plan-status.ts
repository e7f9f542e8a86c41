/**
 * The next RolloutStatus (SPEC §1), computed entirely from the context and the draft. Optional
 * fields are omitted rather than written as false/empty, so an unchanged rollout yields a deeply
 * equal status.
 */
import type { RolloutAnalysisRunStatus, RolloutStatus, TrafficWeights } from '../api/rollout.js';
import { computeBaselineHash } from './baseline.js';
import { findSlotRuns } from './canary-analysis.js';
import { mergeConditions, type DesiredCondition } from './conditions.js';
import { formatLabelSelector } from './label-selector.js';
import { computePhase, type PhaseResult } from './phase.js';
import type { PlanContext, PlanDraft } from './plan-context.js';
import { computeProgressSignature, isWaitingForProgress } from './plan-progress.js';
import { resolveFenceposts } from './replicas.js';
import type { AnalysisRunView } from './snapshot.js';

function sum(ctx: PlanContext, pick: (rs: PlanContext['owned'][number]) => number): number {
  return ctx.owned.reduce((total, rs) => total + pick(rs), 0);
}

function runStatus(run: AnalysisRunView | undefined): RolloutAnalysisRunStatus | undefined {
  if (run === undefined) return undefined;
  return { name: run.name, status: run.phase, ...(run.message !== undefined ? { message: run.message } : {}) };
}

function analysisStatuses(ctx: PlanContext, draft: PlanDraft) {
  const base = { rolloutName: ctx.name, podTemplateHash: ctx.hash, revision: ctx.revision };
  const stepAnalysis = ctx.steps[draft.stepIndex]?.analysis !== undefined;
  const step = stepAnalysis ? runStatus(findSlotRuns(ctx.snapshot.analysisRuns, { ...base, stepIndex: draft.stepIndex }).latest) : undefined;
  const hasBackground = ctx.canary.analysis !== undefined;
  const background = hasBackground ? runStatus(findSlotRuns(ctx.snapshot.analysisRuns, base).latest) : undefined;
  return { step, background };
}

function computeRolloutPhase(ctx: PlanContext, draft: PlanDraft): PhaseResult {
  return computePhase({
    specProblems: [],
    aborted: draft.abort,
    abortMessage: draft.abortMessage,
    progressDeadlineExceeded: draft.progressDeadlineExceeded,
    specPaused: ctx.rollout.spec.paused,
    pauseReasons: draft.pauseConditions.map((c) => c.reason),
    desiredReplicas: ctx.replicas,
    updatedReplicas: ctx.current?.specReplicas ?? 0,
    updatedAvailableReplicas: ctx.current?.availableReplicas ?? 0,
    stableHash: draft.stableHash,
    currentHash: ctx.hash,
  });
}

function progressingCondition(ctx: PlanContext, draft: PlanDraft): DesiredCondition {
  const rsName = `${ctx.name}-${ctx.hash}`;
  const signature = computeProgressSignature(ctx, draft);
  if (draft.abort) return { type: 'Progressing', status: 'False', reason: 'RolloutAborted', message: draft.abortMessage ?? 'Rollout aborted' };
  if (draft.progressDeadlineExceeded) {
    return { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing: ${signature}` };
  }
  if (isWaitingForProgress(ctx, draft)) {
    return { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing: ${signature}` };
  }
  if (draft.stableHash !== ctx.hash) return { type: 'Progressing', status: 'True', reason: 'RolloutPaused', message: 'Rollout is paused' };
  return { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed` };
}

function desiredConditions(ctx: PlanContext, draft: PlanDraft, phase: PhaseResult): DesiredCondition[] {
  const canary = ctx.canary;
  const { unavailable } = resolveFenceposts(canary.maxSurge, canary.maxUnavailable, ctx.replicas);
  const available = sum(ctx, (rs) => rs.availableReplicas) >= ctx.replicas - unavailable;
  const paused = ctx.rollout.spec.paused || draft.pauseConditions.length > 0;
  const completed = draft.stableHash === ctx.hash;
  return [
    progressingCondition(ctx, draft),
    available
      ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Rollout has minimum availability' }
      : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Rollout does not have minimum availability' },
    paused
      ? { type: 'Paused', status: 'True', reason: draft.pauseConditions[0]?.reason ?? 'RolloutPaused', message: phase.message ?? 'Rollout is paused' }
      : { type: 'Paused', status: 'False', reason: 'RolloutResumed', message: 'Rollout is not paused' },
    phase.phase === 'Healthy'
      ? { type: 'Healthy', status: 'True', reason: 'RolloutHealthy', message: 'Rollout is healthy' }
      : { type: 'Healthy', status: 'False', reason: 'RolloutUnhealthy', message: 'Rollout is not healthy' },
    completed
      ? { type: 'Completed', status: 'True', reason: 'RolloutCompleted', message: 'Rollout completed update to revision' }
      : { type: 'Completed', status: 'False', reason: 'RolloutNotCompleted', message: 'Rollout not completed' },
  ];
}

/** The weights the router has (as observed); with a baseline, stable gets what canary and baseline leave. */
function trafficWeights(ctx: PlanContext, draft: PlanDraft): TrafficWeights {
  const baselineWeight = ctx.snapshot.traffic?.baselineWeightPercent;
  const current = computeBaselineHash(draft.stableHash);
  const hash = ctx.baselines.some((rs) => rs.podTemplateHash === current) ? current : (ctx.baselines[0]?.podTemplateHash ?? current);
  const hasBaseline = baselineWeight !== undefined || ctx.baselines.length > 0;
  const baseline = hasBaseline ? { baseline: { weight: baselineWeight ?? 0, podTemplateHash: hash } } : {};
  const stableWeight = Math.max(0, 100 - ctx.routeWeight - (baselineWeight ?? 0));
  return { canary: { weight: ctx.routeWeight, podTemplateHash: ctx.hash }, stable: { weight: stableWeight, podTemplateHash: draft.stableHash }, ...baseline };
}

function canaryStatus(ctx: PlanContext, draft: PlanDraft): RolloutStatus['canary'] {
  const { step, background } = analysisStatuses(ctx, draft);
  const weights = ctx.trafficRouted ? trafficWeights(ctx, draft) : undefined;
  const routes = ctx.snapshot.traffic?.routes ?? [];
  const currentRoutes = routes.length > 0 ? routes.map((r) => ({ name: r.name, kind: r.kind })) : undefined;
  return compact({ weights, currentRoutes, currentStepAnalysisRunStatus: step, currentBackgroundAnalysisRunStatus: background });
}

/** Drops undefined members so that equal statuses are deeply equal. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function buildStatus(ctx: PlanContext, draft: PlanDraft): RolloutStatus {
  const phase = computeRolloutPhase(ctx, draft);
  return compact({
    phase: phase.phase,
    message: phase.message,
    observedGeneration: ctx.rollout.metadata.generation,
    currentPodHash: ctx.hash,
    stableRS: draft.stableHash,
    currentStepIndex: ctx.steps.length > 0 ? draft.stepIndex : undefined,
    currentStepHash: ctx.stepsHash,
    pauseConditions: draft.pauseConditions.length > 0 ? draft.pauseConditions : undefined,
    controllerPause: draft.pauseConditions.length > 0 ? true : undefined,
    abort: draft.abort ? true : undefined,
    abortedAt: draft.abort ? draft.abortedAt : undefined,
    promoteFull: draft.promoteFull ? true : undefined,
    restartedAt: draft.restartedAt ?? ctx.prev.restartedAt,
    replicas: sum(ctx, (rs) => rs.specReplicas),
    updatedReplicas: ctx.current?.specReplicas ?? 0,
    readyReplicas: sum(ctx, (rs) => rs.readyReplicas),
    availableReplicas: sum(ctx, (rs) => rs.availableReplicas),
    selector: formatLabelSelector(ctx.rollout.spec.selector),
    canary: canaryStatus(ctx, draft),
    conditions: mergeConditions(ctx.prev.conditions, desiredConditions(ctx, draft, phase), ctx.now),
  });
}
