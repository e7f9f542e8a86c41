/**
 * Classifies the difference between the Rollout status the controller observed and the one it
 * wants, so the adapter can hold back writes that only mirror ReplicaSet counts while a step is in
 * flight (they are folded into the step's decision write, or written once they have waited long
 * enough). Pure: no clock, no I/O.
 */
import type { RolloutCondition, RolloutStatus } from '../api/rollout.js';
import { canonicalJson as canonical } from './short-hash.js';

export type StatusChange = 'none' | 'countsOnly' | 'decision';

/** Status fields that only mirror the ReplicaSets' replica counts. */
const COUNT_FIELDS = ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'] as const;

/**
 * A condition whose only change is the Progressing message (which carries the replica counts) and
 * its lastUpdateTime is a counts-only change; anything else about a condition is a decision.
 */
function conditionsDifferBeyondCounts(live: readonly RolloutCondition[] | undefined, desired: readonly RolloutCondition[] | undefined): boolean {
  const strip = (list: readonly RolloutCondition[] | undefined): unknown[] => (list ?? []).map((c) => {
    if (c.type !== 'Progressing') return c;
    const { message: _message, lastUpdateTime: _updated, ...rest } = c;
    return rest;
  });
  return canonical(strip(live)) !== canonical(strip(desired));
}

/** Without the counts, the conditions (compared apart) and the message, which in Progressing only
 * says which counts are still short (see phase.ts). */
function withoutCounts(status: RolloutStatus | undefined): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...(status ?? {}) };
  for (const field of [...COUNT_FIELDS, 'conditions', 'message']) delete rest[field];
  return rest;
}

/**
 * 'none' when nothing differs, 'countsOnly' when the phase is Progressing on both sides and only
 * replica counts (and the messages that follow from them) differ, 'decision' otherwise.
 */
export function classifyStatusChange(live: RolloutStatus | undefined, desired: RolloutStatus): StatusChange {
  if (canonical(live ?? {}) === canonical(desired)) return 'none';
  if (live?.phase !== 'Progressing' || desired.phase !== 'Progressing') return 'decision';
  if (canonical(withoutCounts(live)) !== canonical(withoutCounts(desired))) return 'decision';
  if (conditionsDifferBeyondCounts(live.conditions, desired.conditions)) return 'decision';
  return 'countsOnly';
}
