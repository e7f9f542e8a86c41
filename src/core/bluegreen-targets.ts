/**
 * What a blue/green plan does to Services and ReplicaSets (pure).
 *
 * Services: the active Service selects the stable revision until the switch, the new one from the
 * switch on, and the stable one again at once on abort; it never moves to a ReplicaSet without
 * available pods. The preview Service selects the new revision once it has available pods and the
 * active one otherwise (done, or aborted).
 *
 * ReplicaSets: while a revision is on its way the stable ReplicaSet keeps all its replicas (so a
 * switch back is instant); the new one is sized for the preview, then to replicas once the gates
 * passed. An aborted new ReplicaSet goes to 0 after abortScaleDownDelaySeconds (0: it stays up, as
 * in Argo Rollouts). Any other ReplicaSet no Service selects goes to 0 after scaleDownDelaySeconds;
 * beyond scaleDownDelayRevisionLimit of them waiting, the oldest go to 0 at once.
 */
import { findOwnedByHash, isProgressing, type PlanContext, type PlanDraft } from './plan-context.js';
import { cleanupHistory, drainUnselected, ensureCurrent, scaleDownAfter, scaleTo, stableOf } from './plan-replica-sets.js';
import { previewReplicasOf, type BlueGreenFlow } from './bluegreen-flow.js';
import { planServiceSelectors } from './plan-traffic.js';

export interface BlueGreenHashes {
  active?: string;
  preview?: string;
}

function hasAvailablePods(ctx: PlanContext, hash: string | undefined): boolean {
  return hash !== undefined && (findOwnedByHash(ctx, hash)?.availableReplicas ?? 0) > 0;
}

/** The first candidate with available pods, else what the Service selects now. */
function firstAvailable(ctx: PlanContext, candidates: (string | undefined)[], observed: string | undefined): string | undefined {
  return candidates.find((hash) => hasAvailablePods(ctx, hash)) ?? observed;
}

function activeTarget(ctx: PlanContext, draft: PlanDraft, flow: BlueGreenFlow): string | undefined {
  const observed = ctx.snapshot.services.active?.selectorHash;
  if (!isProgressing(ctx, draft) || draft.abort) return firstAvailable(ctx, [draft.stableHash], observed);
  if (flow.switchNow) return ctx.hash;
  return firstAvailable(ctx, [observed, draft.stableHash], observed);
}

/** The selector hash each Service will have after this plan (undefined: the Service is not there). */
export function computeBlueGreenHashes(ctx: PlanContext, draft: PlanDraft, flow: BlueGreenFlow): BlueGreenHashes {
  const { active, preview } = ctx.snapshot.services;
  const activeHash = active === undefined ? undefined : activeTarget(ctx, draft, flow);
  const toNew = isProgressing(ctx, draft) && !draft.abort;
  const previewHash = preview === undefined ? undefined : firstAvailable(ctx, toNew ? [ctx.hash, activeHash] : [activeHash], preview.selectorHash);
  return { active: activeHash, preview: previewHash };
}

export function planBlueGreenServices(ctx: PlanContext, draft: PlanDraft, hashes: BlueGreenHashes): void {
  planServiceSelectors(ctx, draft, ['active', 'preview'], hashes);
}

function planCurrent(ctx: PlanContext, draft: PlanDraft, flow: BlueGreenFlow): void {
  const { current } = ctx;
  if (current === undefined) return;
  if (!isProgressing(ctx, draft)) {
    scaleTo(draft, current, ctx.replicas);
  } else if (draft.abort) {
    const delayMs = flow.strategy.abortScaleDownDelaySeconds * 1000;
    if (delayMs > 0) scaleDownAfter(ctx, draft, current, delayMs);
  } else {
    const switched = ctx.snapshot.services.active?.selectorHash === ctx.hash;
    scaleTo(draft, current, flow.checkpoint || switched || draft.promoteFull ? ctx.replicas : previewReplicasOf(ctx, flow));
  }
}

/** ReplicaSets no Service selects: to 0 after the delay, at once beyond the revision limit. */
function planOthers(ctx: PlanContext, draft: PlanDraft, flow: BlueGreenFlow, hashes: BlueGreenHashes): void {
  const { scaleDownDelaySeconds, scaleDownDelayRevisionLimit } = flow.strategy;
  drainUnselected(ctx, draft, [hashes.active, hashes.preview], { delaySeconds: scaleDownDelaySeconds, revisionLimit: scaleDownDelayRevisionLimit });
}

export function planBlueGreenReplicaSets(ctx: PlanContext, draft: PlanDraft, flow: BlueGreenFlow, hashes: BlueGreenHashes): void {
  ensureCurrent(ctx, draft);
  const stable = stableOf(ctx, draft);
  if (stable !== undefined) scaleTo(draft, stable, ctx.replicas);
  planCurrent(ctx, draft, flow);
  planOthers(ctx, draft, flow, hashes);
  cleanupHistory(ctx, draft);
}
