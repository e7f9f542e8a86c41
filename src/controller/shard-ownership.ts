/**
 * The adapter side of sharding (decisions in src/core/shard.ts): which queue keys this process takes,
 * and the leader election check that reads the shard group's Leases.
 */
import type * as k8s from '@kubernetes/client-node';
import { isShardGroupLease, ownsKey, SHARDS_ANNOTATION, shardCountConflict, type ShardAssignment, type ShardLeaseView } from '../core/shard.js';
import { splitKey } from './reconcile-rollout.js';
import { ownerRolloutKey } from './enqueue-handlers.js';
import type { ObjectCache } from './object-cache.js';
import type { KubeObject } from './rollout-world.js';

/** A Rollout key belongs to this shard by its own hash. */
export function rolloutKeyFilter(shard: ShardAssignment): (key: string) => boolean {
  return (key) => ownsKey(shard, key);
}

/** An AnalysisRun key belongs to the shard of the Rollout that owns the run (else its own hash). */
export function analysisRunKeyFilter(shard: ShardAssignment, runs: ObjectCache<KubeObject>): (key: string) => boolean {
  if (shard.shards <= 1) return () => true;
  return (key) => {
    const { namespace, name } = splitKey(key);
    const run = runs.get(namespace, name);
    return ownsKey(shard, (run && ownerRolloutKey(run)) ?? key);
  };
}

function timeMs(time: Date | string | undefined): number | undefined {
  if (time === undefined) return undefined;
  const ms = new Date(time).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

function annotatedShards(lease: k8s.V1Lease): number | undefined {
  const annotated = Number(lease.metadata?.annotations?.[SHARDS_ANNOTATION]);
  return Number.isInteger(annotated) && annotated > 0 ? annotated : undefined;
}

export function toShardLeaseView(lease: k8s.V1Lease): ShardLeaseView {
  const spec = lease.spec ?? {};
  return {
    name: lease.metadata?.name ?? '',
    holder: spec.holderIdentity ?? '',
    shards: annotatedShards(lease),
    acquireTimeMs: timeMs(spec.acquireTime),
    renewTimeMs: timeMs(spec.renewTime),
    durationMs: (spec.leaseDurationSeconds ?? 0) * 1000,
  };
}

export interface ShardLeaseCheckOptions {
  coordination: k8s.CoordinationV1Api;
  namespace: string;
  baseName: string;
  shard: ShardAssignment;
  identity: string;
  now: () => number;
}

/** How often a leader looks for a rival shard count (a candidate looks at every attempt). */
export const LEADER_SHARD_CHECK_INTERVAL_MS = 15_000;

function statusCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * The leader election's `mayHold`: lists the Leases of the lease namespace and refuses while another
 * shard count holds one of the group. A leader that cannot list keeps its Lease (a failing list is
 * no evidence of a rival); a candidate waits for the next attempt. Without permission to list
 * Leases (RBAC from before sharding) a single-shard controller goes on unchecked, a sharded one waits.
 */
export function shardLeaseCheck(options: ShardLeaseCheckOptions) {
  let lastLeaderCheckMs = Number.NEGATIVE_INFINITY;
  return async (state: { leading: boolean; acquireTimeMs: number | undefined }): Promise<string | undefined> => {
    const nowMs = options.now();
    if (state.leading && nowMs - lastLeaderCheckMs < LEADER_SHARD_CHECK_INTERVAL_MS) return undefined;
    if (state.leading) lastLeaderCheckMs = nowMs;
    let leases: k8s.V1Lease[];
    try {
      leases = (await options.coordination.listNamespacedLease({ namespace: options.namespace })).items;
    } catch (error) {
      if (state.leading || (statusCode(error) === 403 && options.shard.shards === 1)) return undefined;
      return `cannot list Leases in ${options.namespace} to check the shard count: ${(error as Error).message}`;
    }
    const views = leases.map(toShardLeaseView).filter((lease) => isShardGroupLease(options.baseName, lease.name));
    return shardCountConflict({
      baseName: options.baseName,
      assignment: options.shard,
      identity: options.identity,
      nowMs,
      leading: state.leading,
      ...(state.acquireTimeMs !== undefined ? { ownAcquireTimeMs: state.acquireTimeMs } : {}),
    }, views);
  };
}
