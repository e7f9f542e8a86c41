/**
 * ReplicaSet actions: create the current ReplicaSet, scale canary/stable to their targets, scale
 * ReplicaSets that no longer serve traffic down after their delay (deadline annotation + requeue),
 * drain older ReplicaSets within maxUnavailable without traffic routing, and delete beyond
 * revisionHistoryLimit. ReplicaSets not owned by the Rollout are never in `ctx.owned`.
 */
import { desiredAntiAffinity } from './anti-affinity.js';
import { computeCanaryReplicas, computeDesiredWeight } from './desired-weight.js';
import { addRequeue, findOwnedByHash, isProgressing, type PlanContext, type PlanDraft } from './plan-context.js';
import { computeReplicaCounts, resolveFenceposts, type ReplicaCounts } from './replicas.js';
import type { ReplicaSetView } from './snapshot.js';

export interface ServiceHashes {
  stable?: string;
  canary?: string;
}

function counts(rs: ReplicaSetView | undefined) {
  return rs === undefined ? undefined : { specReplicas: rs.specReplicas, availableReplicas: rs.availableReplicas };
}

export function stableOf(ctx: PlanContext, draft: PlanDraft): ReplicaSetView | undefined {
  return isProgressing(ctx, draft) ? findOwnedByHash(ctx, draft.stableHash) : undefined;
}

export function othersOf(ctx: PlanContext, draft: PlanDraft): ReplicaSetView[] {
  return ctx.owned.filter((rs) => rs.podTemplateHash !== ctx.hash && rs.podTemplateHash !== draft.stableHash);
}

/** Basic-canary counts for the current position (no traffic routing). */
export function computeBasicCounts(ctx: PlanContext, draft: PlanDraft): ReplicaCounts {
  const canary = ctx.canary;
  const position = { steps: ctx.steps, stepIndex: draft.stepIndex, aborted: draft.abort, promoteFull: draft.promoteFull };
  return computeReplicaCounts({
    replicas: ctx.replicas,
    weightPercent: computeDesiredWeight(position),
    maxSurge: canary.maxSurge,
    maxUnavailable: canary.maxUnavailable,
    trafficRouted: false,
    stable: counts(stableOf(ctx, draft)),
    canary: counts(ctx.current),
    others: othersOf(ctx, draft).map((rs) => ({ specReplicas: rs.specReplicas, availableReplicas: rs.availableReplicas })),
    promoteFull: draft.promoteFull,
    aborted: draft.abort,
  });
}

/** Argo's "at desired replica counts" for the basic canary. */
export function isBasicAtDesired(ctx: PlanContext, draft: PlanDraft, desired: ReplicaCounts): boolean {
  const { current } = ctx;
  if (current === undefined || current.specReplicas !== desired.canary || current.availableReplicas < desired.canary) return false;
  const stable = stableOf(ctx, draft);
  if (stable !== undefined && stable.specReplicas !== desired.stable) return false;
  return ctx.owned.every((rs) => rs === current || rs === stable || rs.availableReplicas === 0);
}

export function scaleTo(draft: PlanDraft, rs: ReplicaSetView, replicas: number): void {
  const hasDeadline = rs.scaleDownDeadlineMs !== undefined;
  if (rs.specReplicas === replicas && !hasDeadline) return;
  draft.actions.push({ type: 'scaleReplicaSet', name: rs.name, replicas, ...(hasDeadline ? { scaleDownDeadlineMs: null } : {}) });
  if (rs.specReplicas !== replicas) {
    draft.actions.push({ type: 'recordEvent', eventType: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled ReplicaSet ${rs.name} from ${rs.specReplicas} to ${replicas}` });
  }
}

/** Scales `rs` to 0 once `delayMs` has passed since it stopped serving traffic. */
export function scaleDownAfter(ctx: PlanContext, draft: PlanDraft, rs: ReplicaSetView, delayMs: number): void {
  if (rs.specReplicas === 0) {
    scaleTo(draft, rs, 0);
    return;
  }
  const deadline = rs.scaleDownDeadlineMs;
  if (deadline === undefined && delayMs > 0) {
    draft.actions.push({ type: 'scaleReplicaSet', name: rs.name, replicas: rs.specReplicas, scaleDownDeadlineMs: ctx.now + delayMs });
    addRequeue(draft, delayMs);
  } else if (deadline !== undefined && deadline > ctx.now) {
    addRequeue(draft, deadline - ctx.now);
  } else {
    scaleTo(draft, rs, 0);
  }
}

export function ensureCurrent(ctx: PlanContext, draft: PlanDraft): void {
  if (ctx.current !== undefined) return;
  const replicas = isProgressing(ctx, draft) ? 0 : ctx.replicas;
  const name = `${ctx.name}-${ctx.hash}`;
  const antiAffinity = desiredAntiAffinity(ctx, draft);
  draft.actions.push({ type: 'createReplicaSet', name, podTemplateHash: ctx.hash, revision: ctx.revision, replicas, ...(antiAffinity !== undefined ? { antiAffinity } : {}) });
  draft.actions.push({ type: 'recordEvent', eventType: 'Normal', reason: 'ScalingReplicaSet', message: `Created ReplicaSet ${name} (revision ${ctx.revision}) with ${replicas} replicas` });
}

/**
 * Older ReplicaSets no Service selects: to 0 once `delaySeconds` passed; beyond `revisionLimit` of
 * them waiting with pods (newest first), the oldest go to 0 at once (scaleDownDelayRevisionLimit).
 */
export function drainUnselected(ctx: PlanContext, draft: PlanDraft, selected: readonly (string | undefined)[], delay: { delaySeconds: number; revisionLimit: number | undefined }): void {
  const limit = delay.revisionLimit ?? Number.POSITIVE_INFINITY;
  const unselected = othersOf(ctx, draft)
    .filter((rs) => !selected.includes(rs.podTemplateHash))
    .sort((a, b) => b.revision - a.revision);
  let waiting = 0;
  for (const rs of unselected) {
    if (rs.specReplicas > 0 && waiting < limit) {
      waiting += 1;
      scaleDownAfter(ctx, draft, rs, delay.delaySeconds * 1000);
    } else {
      scaleTo(draft, rs, 0);
    }
  }
}

function drainUnreferenced(ctx: PlanContext, draft: PlanDraft, services: ServiceHashes): void {
  const { scaleDownDelaySeconds, scaleDownDelayRevisionLimit } = ctx.canary;
  drainUnselected(ctx, draft, [services.stable, services.canary], { delaySeconds: scaleDownDelaySeconds, revisionLimit: scaleDownDelayRevisionLimit });
}

/** Without traffic routing older ReplicaSets go down as fast as maxUnavailable allows. */
function drainWithinAvailability(ctx: PlanContext, draft: PlanDraft): void {
  const canary = ctx.canary;
  const { unavailable } = resolveFenceposts(canary.maxSurge, canary.maxUnavailable, ctx.replicas);
  const totalAvailable = ctx.owned.reduce((sum, rs) => sum + rs.availableReplicas, 0);
  let budget = Math.max(0, totalAvailable - (ctx.replicas - unavailable));
  const others = [...othersOf(ctx, draft)].sort((a, b) => a.revision - b.revision);
  for (const rs of others) {
    const available = Math.min(rs.availableReplicas, rs.specReplicas);
    const take = Math.min(available, budget);
    budget -= take;
    scaleTo(draft, rs, available - take);
  }
}

function planTrafficRouted(ctx: PlanContext, draft: PlanDraft, services: ServiceHashes): void {
  const { current } = ctx;
  const stable = stableOf(ctx, draft);
  if (stable !== undefined) scaleTo(draft, stable, ctx.replicas);
  if (current !== undefined && isProgressing(ctx, draft) && draft.abort) {
    scaleDownAfter(ctx, draft, current, ctx.canary.abortScaleDownDelaySeconds * 1000);
  } else if (current !== undefined) {
    const position = { steps: ctx.steps, stepIndex: draft.stepIndex, aborted: false, promoteFull: draft.promoteFull };
    scaleTo(draft, current, isProgressing(ctx, draft) ? computeCanaryReplicas(position, ctx.replicas, ctx.canary.minPodsPerReplicaSet) : ctx.replicas);
  }
  drainUnreferenced(ctx, draft, services);
}

function planBasic(ctx: PlanContext, draft: PlanDraft): void {
  const { current } = ctx;
  const stable = stableOf(ctx, draft);
  if (!isProgressing(ctx, draft)) {
    if (current !== undefined) scaleTo(draft, current, ctx.replicas);
  } else {
    const desired = computeBasicCounts(ctx, draft);
    if (stable !== undefined) scaleTo(draft, stable, desired.stable);
    if (current !== undefined) scaleTo(draft, current, desired.canary);
  }
  drainWithinAvailability(ctx, draft);
}

export function cleanupHistory(ctx: PlanContext, draft: PlanDraft): void {
  const limit = ctx.rollout.spec.revisionHistoryLimit;
  const idle = othersOf(ctx, draft)
    .filter((rs) => rs.specReplicas === 0 && rs.availableReplicas === 0 && rs.scaleDownDeadlineMs === undefined)
    .sort((a, b) => b.revision - a.revision);
  for (const rs of idle.slice(limit)) draft.actions.push({ type: 'deleteReplicaSet', name: rs.name });
}

export function planReplicaSets(ctx: PlanContext, draft: PlanDraft, services: ServiceHashes): void {
  ensureCurrent(ctx, draft);
  if (ctx.trafficRouted) planTrafficRouted(ctx, draft, services);
  else planBasic(ctx, draft);
  cleanupHistory(ctx, draft);
}
