// The guard holds a Rollout's reconciles while its cache still shows the version our last status
// write replaced, and lets them through as soon as the cache moves on (our write or anyone's).
import { StaleCacheGuard } from '../../src/controller/stale-cache-guard.js';

test('no write recorded: never stale', () => {
  expect(new StaleCacheGuard().isStale('ns/web', '10')).toBe(false);
});

test('stale while the cache holds the version the write was based on, then released for good', () => {
  const guard = new StaleCacheGuard();
  guard.recordWrite('ns/web', '10');
  expect(guard.isStale('ns/web', '10')).toBe(true);
  expect(guard.isStale('ns/other', '10')).toBe(false);
  expect(guard.isStale('ns/web', '11')).toBe(false);
  // Released: even a cache that shows 10 again (a relist from an older server) is not held forever.
  expect(guard.isStale('ns/web', '10')).toBe(false);
});

test('a later write moves the fence; forget drops it', () => {
  const guard = new StaleCacheGuard();
  guard.recordWrite('ns/web', '10');
  guard.recordWrite('ns/web', '12');
  expect(guard.isStale('ns/web', '10')).toBe(false);
  guard.recordWrite('ns/web', '14');
  guard.forget('ns/web');
  expect(guard.isStale('ns/web', '14')).toBe(false);
});

test('a write without a known version records nothing', () => {
  const guard = new StaleCacheGuard();
  guard.recordWrite('ns/web', '10');
  guard.recordWrite('ns/web', undefined);
  expect(guard.isStale('ns/web', '10')).toBe(false);
});
