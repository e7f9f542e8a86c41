/**
 * Sharding: `--shards M --shard-index I` splits the Rollouts among M controller processes by a hash
 * of `namespace/name`; an AnalysisRun goes with the Rollout that owns it (a run without one, by its
 * own key). Each shard has its own Lease, `<lease-name>-shard-<I>` (one shard keeps `<lease-name>`),
 * annotated with M. A process never leads while a live Lease of the same group says another M, so
 * processes that disagree on the count never reconcile the same Rollout; of two leaders that
 * disagree (a race at start-up) the one that acquired later steps down. Pure: no I/O, no clock.
 */

export interface ShardAssignment {
  shards: number;
  index: number;
}

export const SINGLE_SHARD: ShardAssignment = { shards: 1, index: 0 };
/** The annotation on a shard's Lease that says how many shards its holder counts. */
export const SHARDS_ANNOTATION = 'kanary.dev/shards';
export const MAX_SHARDS = 64;

/** FNV-1a (32 bit) over the UTF-8 bytes of `key`: stable across processes, versions and platforms. */
const UTF8 = new TextEncoder();

export function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (const byte of UTF8.encode(key)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The shard of a `namespace/name` key among `shards`. */
export function shardOfKey(key: string, shards: number): number {
  return shards <= 1 ? 0 : hashKey(key) % shards;
}

export function ownsKey(assignment: ShardAssignment, key: string): boolean {
  return shardOfKey(key, assignment.shards) === assignment.index;
}

export function shardLeaseName(baseName: string, assignment: ShardAssignment): string {
  return assignment.shards <= 1 ? baseName : `${baseName}-shard-${assignment.index}`;
}

/** Whether a Lease name belongs to the shard group of `baseName` (any shard count). */
export function isShardGroupLease(baseName: string, leaseName: string): boolean {
  const prefix = `${baseName}-shard-`;
  return leaseName === baseName || (leaseName.startsWith(prefix) && /^\d+$/.test(leaseName.slice(prefix.length)));
}

/** What a shard-count check needs of one Lease. */
export interface ShardLeaseView {
  name: string;
  holder: string;
  /** The holder's shard count (the annotation); undefined means a Lease written without sharding (1). */
  shards: number | undefined;
  acquireTimeMs: number | undefined;
  renewTimeMs: number | undefined;
  durationMs: number;
}

export interface ShardCheck {
  baseName: string;
  assignment: ShardAssignment;
  identity: string;
  nowMs: number;
  /** Whether this process leads its shard now, and since when (its Lease's acquire time). */
  leading: boolean;
  ownAcquireTimeMs?: number;
}

function isLive(lease: ShardLeaseView, nowMs: number): boolean {
  return lease.holder !== '' && lease.renewTimeMs !== undefined && lease.renewTimeMs + lease.durationMs > nowMs;
}

/**
 * Why this process must not lead (or go on leading) its shard, or undefined: another holder's live
 * Lease in the same group counts a different number of shards. A leader yields only to an older one.
 */
export function shardCountConflict(check: ShardCheck, leases: readonly ShardLeaseView[]): string | undefined {
  const rivals = leases.filter((lease) => isShardGroupLease(check.baseName, lease.name)
    && lease.holder !== check.identity
    && (lease.shards ?? 1) !== check.assignment.shards
    && isLive(lease, check.nowMs));
  const blocking = check.leading
    ? rivals.filter((lease) => (lease.acquireTimeMs ?? 0) < (check.ownAcquireTimeMs ?? check.nowMs))
    : rivals;
  const first = blocking[0];
  if (first === undefined) return undefined;
  return `shard count mismatch: Lease ${first.name} is held by ${first.holder} with ${first.shards ?? 1} shard(s), this process has --shards ${check.assignment.shards}; ${check.leading ? 'stepping down' : 'not leading'} until every process uses the same count (see docs/operations.md, Sharding)`;
}
