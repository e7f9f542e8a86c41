import { hashKey, isShardGroupLease, ownsKey, shardCountConflict, shardLeaseName, shardOfKey, type ShardLeaseView } from '../../src/core/shard.js';

test('FNV-1a 32-bit: the published test vectors, so every process and version agrees', () => {
  expect(hashKey('')).toBe(0x811c9dc5);
  expect(hashKey('a')).toBe(0xe40c292c);
  expect(hashKey('foobar')).toBe(0xbf9cf968);
});

test('every key has exactly one shard, and keys spread over all shards', () => {
  const keys = Array.from({ length: 1000 }, (_, i) => `team-${i % 17}/app-${i}`);
  for (const shards of [1, 2, 3, 4]) {
    const counts = new Array<number>(shards).fill(0);
    for (const key of keys) {
      const owners = Array.from({ length: shards }, (_, index) => index).filter((index) => ownsKey({ shards, index }, key));
      expect(owners).toEqual([shardOfKey(key, shards)]);
      counts[shardOfKey(key, shards)] = (counts[shardOfKey(key, shards)] ?? 0) + 1;
    }
    for (const count of counts) expect(count).toBeGreaterThan((1000 / shards) * 0.8);
  }
});

test('one shard keeps the plain Lease name; shards get their own', () => {
  expect(shardLeaseName('kanary-controller', { shards: 1, index: 0 })).toBe('kanary-controller');
  expect(shardLeaseName('kanary-controller', { shards: 4, index: 2 })).toBe('kanary-controller-shard-2');
  expect(isShardGroupLease('kanary-controller', 'kanary-controller')).toBe(true);
  expect(isShardGroupLease('kanary-controller', 'kanary-controller-shard-12')).toBe(true);
  expect(isShardGroupLease('kanary-controller', 'kanary-controller-shard-x')).toBe(false);
  expect(isShardGroupLease('kanary-controller', 'kanary-controller-2')).toBe(false);
  expect(isShardGroupLease('kanary-controller', 'other')).toBe(false);
});

describe('shardCountConflict', () => {
  const now = 1_000_000;
  const lease = (over: Partial<ShardLeaseView>): ShardLeaseView => ({
    name: 'kanary-controller-shard-0', holder: 'pod-x', shards: 2, acquireTimeMs: now - 60_000, renewTimeMs: now - 1_000, durationMs: 15_000, ...over,
  });
  const check = (shards: number, index: number, leading = false, ownAcquireTimeMs?: number) => ({
    baseName: 'kanary-controller', assignment: { shards, index }, identity: 'me', nowMs: now, leading, ...(ownAcquireTimeMs !== undefined ? { ownAcquireTimeMs } : {}),
  });

  test('a live Lease of the group held with another count keeps a candidate from leading, with a message naming both', () => {
    const message = shardCountConflict(check(3, 0), [lease({})]);
    expect(message).toBe('shard count mismatch: Lease kanary-controller-shard-0 is held by pod-x with 2 shard(s), this process has --shards 3; not leading until every process uses the same count (see docs/operations.md, Sharding)');
  });

  test('an unannotated plain Lease counts as one shard', () => {
    expect(shardCountConflict(check(2, 1), [lease({ name: 'kanary-controller', shards: undefined })])).toContain('with 1 shard(s)');
    expect(shardCountConflict(check(1, 0), [lease({ name: 'kanary-controller', shards: undefined })])).toBeUndefined();
  });

  test('no conflict: same count, released or expired Leases, other groups, our own Lease or identity', () => {
    expect(shardCountConflict(check(2, 1), [lease({})])).toBeUndefined();
    expect(shardCountConflict(check(3, 0), [lease({ holder: '' })])).toBeUndefined();
    expect(shardCountConflict(check(3, 0), [lease({ renewTimeMs: now - 20_000 })])).toBeUndefined();
    expect(shardCountConflict(check(3, 0), [lease({ name: 'someone-else' })])).toBeUndefined();
    expect(shardCountConflict(check(3, 0), [lease({ holder: 'me' })])).toBeUndefined();
  });

  test('of two leaders that disagree, the one that acquired later steps down', () => {
    const rival = lease({ acquireTimeMs: now - 60_000 });
    expect(shardCountConflict(check(3, 1, true, now - 5_000), [rival])).toContain('stepping down');
    expect(shardCountConflict(check(3, 1, true, now - 120_000), [rival])).toBeUndefined();
  });
});
