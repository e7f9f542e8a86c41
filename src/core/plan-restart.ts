/**
 * spec.restartAt (Argo's field, set by `kanary restart`; pure): every pod of the Rollout's
 * ReplicaSets created before that time is evicted and replaced by its ReplicaSet, whatever the
 * release is doing (a paused canary keeps its step and weight). At most maxUnavailable pods (at
 * least one) are missing at a time, counting pods already unavailable; the stable ReplicaSet goes
 * first, then the current one, then older ones, oldest first. When no pod older than restartAt is
 * left, status.restartedAt records it. A time in the future is a scheduled restart (a requeue).
 */
import { addRequeue, type PlanContext, type PlanDraft } from './plan-context.js';
import { resolveFenceposts } from './replicas.js';
import type { PodView, ReplicaSetView } from './snapshot.js';

/** Look again this often while pods are being replaced (their ReplicaSets' events wake us too). */
const RESTART_POLL_MS = 5_000;
/** A scheduled restart far ahead is looked at again at least this often. */
const MAX_SCHEDULE_WAIT_MS = 3_600_000;

function restartOrder(ctx: PlanContext, draft: PlanDraft): ReplicaSetView[] {
  const rank = (rs: ReplicaSetView) => (rs.podTemplateHash === draft.stableHash ? 0 : rs.podTemplateHash === ctx.hash ? 1 : 2);
  return ctx.owned.filter((rs) => rs.specReplicas > 0).sort((a, b) => rank(a) - rank(b) || a.revision - b.revision);
}

function oldPods(ctx: PlanContext, draft: PlanDraft, restartAtMs: number): PodView[] {
  const pods = ctx.snapshot.pods ?? [];
  return restartOrder(ctx, draft).flatMap((rs) =>
    pods.filter((p) => p.podTemplateHash === rs.podTemplateHash && !p.terminating && p.createdAtMs < restartAtMs).sort((a, b) => a.createdAtMs - b.createdAtMs),
  );
}

/**
 * Pods missing now, the larger of two views that lag differently: the ReplicaSets' status (which
 * also counts minReadySeconds) and the pods themselves (an evicted pod is gone, or its
 * replacement not yet Ready, before its ReplicaSet's status says so).
 */
function missingPods(ctx: PlanContext): number {
  const pods = ctx.snapshot.pods ?? [];
  const byStatus = ctx.owned.reduce((sum, rs) => sum + Math.max(0, rs.specReplicas - rs.availableReplicas), 0);
  const byPods = ctx.owned.reduce((sum, rs) => {
    const ready = pods.filter((p) => p.podTemplateHash === rs.podTemplateHash && p.ready).length;
    return sum + Math.max(0, rs.specReplicas - ready);
  }, 0);
  const terminating = pods.filter((p) => p.terminating).length;
  return Math.max(byStatus, byPods, terminating);
}

/** How many more pods may go now: maxUnavailable (at least 1) minus what is already missing. */
function evictionBudget(ctx: PlanContext): number {
  const { unavailable } = resolveFenceposts(ctx.canary.maxSurge, ctx.canary.maxUnavailable, ctx.replicas);
  return Math.max(0, Math.max(1, unavailable) - missingPods(ctx));
}

export function planRestart(ctx: PlanContext, draft: PlanDraft): void {
  const restartAt = ctx.rollout.spec.restartAt;
  if (restartAt === undefined || ctx.prev.restartedAt === restartAt) return;
  const restartAtMs = Date.parse(restartAt);
  if (restartAtMs > ctx.now) {
    addRequeue(draft, Math.min(restartAtMs - ctx.now, MAX_SCHEDULE_WAIT_MS));
    return;
  }
  const old = oldPods(ctx, draft, restartAtMs);
  if (old.length === 0) {
    draft.restartedAt = restartAt;
    draft.actions.push({ type: 'recordEvent', eventType: 'Normal', reason: 'RolloutRestarted', message: `Every pod was created after ${restartAt}: restart complete` });
    return;
  }
  for (const pod of old.slice(0, evictionBudget(ctx))) {
    draft.actions.push({ type: 'evictPod', name: pod.name });
    draft.actions.push({ type: 'recordEvent', eventType: 'Normal', reason: 'RolloutRestarting', message: `Evicting pod ${pod.name} (created before ${restartAt})` });
  }
  addRequeue(draft, RESTART_POLL_MS);
}
