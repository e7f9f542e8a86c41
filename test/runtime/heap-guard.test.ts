// The heap guard (src/runtime/heap-guard.ts): a heap too small for the caches ends the controller
// with a message naming the heap and what to change, before V8's out-of-memory abort.
import { HeapGuard, heapFloorProblem, MIN_HEAP_BYTES, type HeapStats } from '../../src/runtime/heap-guard.js';

const MIB = 1024 * 1024;

function guardOver(stats: HeapStats[]) {
  const messages: string[] = [];
  let at = 0;
  const guard = new HeapGuard({ read: () => stats[Math.min(at++, stats.length - 1)] as HeapStats, onTooSmall: (m) => messages.push(m) });
  return { guard, messages };
}

test('a heap limit under the minimum is refused at start, naming both figures and the remedies', () => {
  const problem = heapFloorProblem({ usedBytes: 30 * MIB, limitBytes: 88 * MIB });
  expect(problem).toContain('88 MiB');
  expect(problem).toContain(`${MIN_HEAP_BYTES / MIB} MiB`);
  expect(problem).toContain('resources.limits.memory');
  expect(problem).toContain('--shards');
  expect(heapFloorProblem({ usedBytes: 30 * MIB, limitBytes: MIN_HEAP_BYTES })).toBeUndefined();
});

test('a list page that would fill the heap trips the guard before it is parsed; one that fits does not', () => {
  const { guard, messages } = guardOver([{ usedBytes: 40 * MIB, limitBytes: 100 * MIB }]);
  guard.beforeParse(10 * MIB, 'replicasets');
  expect(messages).toEqual([]);
  guard.beforeParse(15 * MIB, 'replicasets');
  expect(messages).toHaveLength(1);
  expect(messages[0]).toMatch(/^heap too small to sync the caches: a 15 MiB page of replicasets would need about 100 MiB of the 100 MiB heap limit/);
});

test('one full sample is a passing peak; two in a row trip the guard, once', () => {
  const full = { usedBytes: 95 * MIB, limitBytes: 100 * MIB };
  const room = { usedBytes: 50 * MIB, limitBytes: 100 * MIB };
  const { guard, messages } = guardOver([full, room, full, full, full, full]);
  guard.sample();
  guard.sample();
  guard.sample();
  expect(messages).toEqual([]);
  guard.sample();
  expect(messages).toEqual(['heap too small to sync the caches: 95 MiB of the 100 MiB heap limit in use; '
    + "give the controller more memory (the chart's resources.limits.memory; heapPercentOfMemoryLimit of it is the heap), "
    + 'watch fewer namespaces (--namespace), or split the Rollouts over shards (--shards)']);
  guard.sample();
  guard.beforeParse(500 * MIB, 'pods');
  expect(messages).toHaveLength(1);
});

test('once the caches synced, the guard no longer trips', () => {
  const { guard, messages } = guardOver([{ usedBytes: 99 * MIB, limitBytes: 100 * MIB }]);
  guard.synced();
  guard.sample();
  guard.sample();
  guard.beforeParse(50 * MIB, 'rollouts');
  expect(messages).toEqual([]);
});
