/**
 * The status a reconcile writes when a route write failed (see TrafficWriteError): everything the
 * Rollout last reported stays as it was (the weight it claims is the one last written, never the one
 * that failed), and the Progressing condition says what failed. The next successful reconcile
 * replaces it with the plan's own Progressing condition. Pure.
 */
import type { RolloutStatus } from '../api/rollout.js';
import { findCondition, mergeCondition } from './conditions.js';

export const TRAFFIC_ROUTING_FAILED = 'TrafficRoutingFailed';

/** Whether the status already reports this very failure (so the Event and log are not repeated). */
export function reportsTrafficFailure(status: RolloutStatus | undefined, message: string): boolean {
  const progressing = findCondition(status?.conditions, 'Progressing');
  return progressing?.reason === TRAFFIC_ROUTING_FAILED && progressing.message === message;
}

export function statusWithTrafficFailure(previous: RolloutStatus | undefined, message: string, now: number): RolloutStatus {
  const conditions = previous?.conditions ?? [];
  const progressing = mergeCondition(
    findCondition(conditions, 'Progressing'),
    { type: 'Progressing', status: 'Unknown', reason: TRAFFIC_ROUTING_FAILED, message },
    now,
  );
  const others = conditions.filter((c) => c.type !== 'Progressing');
  return { ...(previous ?? {}), conditions: [progressing, ...others] };
}
