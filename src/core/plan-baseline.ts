/**
 * canary.baseline inside planCanary: asks baseline.ts for this reconcile's decision and turns it into
 * actions (create from the stable ReplicaSet's template, scale, delete, the baseline Service's
 * selector). The weight is written with the canary's (plan-traffic.ts: planRoute).
 */
import { planBaseline, type BaselineDecision } from './baseline.js';
import { computeCanaryReplicas } from './desired-weight.js';
import { findOwnedByHash, isProgressing, type PlanContext, type PlanDraft } from './plan-context.js';
import type { ServiceHashes } from './plan-replica-sets.js';
import { computeWeightToWrite, planServiceSelectors } from './plan-traffic.js';

/** The canary is in its steps: a new revision on its way, not aborted, not promoted in full, before the end of the steps. */
export function isBaselineInSteps(ctx: PlanContext, draft: PlanDraft): boolean {
  return isProgressing(ctx, draft) && !draft.abort && !draft.promoteFull && draft.stepIndex < ctx.steps.length && findOwnedByHash(ctx, draft.stableHash) !== undefined;
}

/** This reconcile's baseline decision; undefined without canary.baseline, without traffic routing, or while no baseline exists nor is wanted. */
export function computeBaselinePlan(ctx: PlanContext, draft: PlanDraft, hashes: ServiceHashes): BaselineDecision | undefined {
  if (ctx.canary.baseline === undefined && ctx.baselines.length === 0) return undefined;
  if (!ctx.trafficRouted) return undefined;
  const inSteps = ctx.canary.baseline !== undefined && isBaselineInSteps(ctx, draft);
  const position = { steps: ctx.steps, stepIndex: draft.stepIndex, aborted: false, promoteFull: false };
  return planBaseline({
    rolloutName: ctx.name,
    stableHash: draft.stableHash,
    inSteps,
    canaryReplicas: inSteps ? computeCanaryReplicas(position, ctx.replicas, ctx.canary.minPodsPerReplicaSet) : 0,
    canaryWeightPercent: inSteps ? computeWeightToWrite(ctx, draft, hashes) : 0,
    baselines: ctx.baselines,
    ...(ctx.snapshot.services.baseline !== undefined ? { service: ctx.snapshot.services.baseline } : {}),
    observedWeightPercent: ctx.snapshot.traffic?.baselineWeightPercent ?? 0,
  });
}

function scaleEvent(draft: PlanDraft, message: string): void {
  draft.actions.push({ type: 'recordEvent', eventType: 'Normal', reason: 'ScalingReplicaSet', message });
}

/** The baseline ReplicaSets and Service as `decision` says. */
export function planBaselineReplicaSets(ctx: PlanContext, draft: PlanDraft, decision: BaselineDecision | undefined): void {
  if (decision === undefined) return;
  const stable = findOwnedByHash(ctx, draft.stableHash);
  if (decision.create !== undefined && stable !== undefined) {
    const { name, replicas } = decision.create;
    draft.actions.push({ type: 'createBaselineReplicaSet', name, podTemplateHash: decision.hash, stableReplicaSet: stable.name, replicas });
    scaleEvent(draft, `Created baseline ReplicaSet ${name} (the stable template of ${stable.name}) with ${replicas} replicas`);
  }
  for (const change of decision.scale) {
    const from = ctx.baselines.find((rs) => rs.name === change.name)?.specReplicas ?? 0;
    draft.actions.push({ type: 'scaleReplicaSet', name: change.name, replicas: change.replicas });
    scaleEvent(draft, `Scaled baseline ReplicaSet ${change.name} from ${from} to ${change.replicas}`);
  }
  for (const name of decision.delete) draft.actions.push({ type: 'deleteReplicaSet', name });
  planServiceSelectors(ctx, draft, ['baseline'], { baseline: decision.serviceHash });
}
