/**
 * antiAffinity (Argo's field, canary and blue/green; pure): while a new revision is on its way, its
 * ReplicaSet's pod template carries a pod anti-affinity term against the stable revision's pods
 * (required, or preferred with a weight). It is put in when the ReplicaSet is created, follows the
 * stable hash if that changes, and is taken out once the revision is stable (running pods keep
 * their scheduling; the template only affects pods created later).
 */
import type { AntiAffinity } from '../api/rollout.js';
import type { AntiAffinityRule } from './actions.js';
import { isProgressing, type PlanContext, type PlanDraft } from './plan-context.js';

function strategyAntiAffinity(ctx: PlanContext): AntiAffinity | undefined {
  const { canary, blueGreen } = ctx.rollout.spec.strategy;
  return blueGreen?.antiAffinity ?? canary?.antiAffinity;
}

/** The rule the current ReplicaSet's pod template should carry now, if any. */
export function desiredAntiAffinity(ctx: PlanContext, draft: PlanDraft): AntiAffinityRule | undefined {
  const antiAffinity = strategyAntiAffinity(ctx);
  if (antiAffinity === undefined || !isProgressing(ctx, draft) || draft.stableHash === '') return undefined;
  const weight = antiAffinity.preferredDuringSchedulingIgnoredDuringExecution?.weight;
  return { stableHash: draft.stableHash, ...(weight !== undefined ? { weight } : {}) };
}

/** Moves or removes the injected rule of the current ReplicaSet when the stable revision changed. */
export function planAntiAffinity(ctx: PlanContext, draft: PlanDraft): void {
  const current = ctx.current;
  if (current === undefined) return;
  const rule = desiredAntiAffinity(ctx, draft);
  if (current.antiAffinityHash === rule?.stableHash) return;
  draft.actions.push({ type: 'setAntiAffinity', name: current.name, ...(rule !== undefined ? { rule } : {}) });
}
