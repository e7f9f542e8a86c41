import { FakeClock } from '../../src/runtime/clock.js';
import { WorkQueue } from '../../src/runtime/workqueue.js';

function makeQueue(clock = new FakeClock(0)) {
  const depths: number[] = [];
  let retries = 0;
  const queue = new WorkQueue({
    clock,
    backoff: { baseMs: 100, maxMs: 1_000 },
    metrics: { depth: (d) => depths.push(d), retry: () => { retries += 1; } },
  });
  return { clock, queue, depths, retries: () => retries };
}

/** Resolves with the key if `get()` settles within a few microtask turns, else 'pending'. */
async function peek(promise: Promise<string | undefined>): Promise<string | undefined | 'pending'> {
  const marker = Symbol('pending');
  const result = await Promise.race([promise, new Promise((r) => setImmediate(() => r(marker)))]);
  return result === marker ? 'pending' : (result as string | undefined);
}

describe('WorkQueue', () => {
  test('a queue that accepts only some keys ignores the others, however they are added', async () => {
    const clock = new FakeClock(0);
    const queue = new WorkQueue({ clock, accepts: (key) => key.startsWith('mine/') });
    queue.add('other/a');
    queue.addAfter('other/b', 50);
    queue.addRateLimited('other/c');
    queue.add('mine/a');
    clock.advance(2_000);
    expect(queue.len()).toBe(1);
    expect(await queue.get()).toBe('mine/a');
  });

  test('add dedupes keys while they are queued and keeps FIFO order', async () => {
    const { queue } = makeQueue();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.len()).toBe(2);
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
    expect(queue.len()).toBe(0);
  });

  test('a key being processed is not handed to a second worker; a re-add runs after done', async () => {
    const { queue } = makeQueue();
    queue.add('a');
    expect(await queue.get()).toBe('a');
    queue.add('a');
    queue.add('a');
    expect(queue.len()).toBe(0);
    const second = queue.get();
    expect(await peek(second)).toBe('pending');
    queue.done('a');
    expect(await peek(second)).toBe('a');
    queue.done('a');
    expect(queue.len()).toBe(0);
    expect(await peek(queue.get())).toBe('pending');
  });

  test('done without a re-add does not requeue the key', async () => {
    const { queue } = makeQueue();
    queue.add('a');
    expect(await queue.get()).toBe('a');
    queue.done('a');
    expect(queue.len()).toBe(0);
  });

  test('a waiting get() receives a key added later', async () => {
    const { queue } = makeQueue();
    const waiting = queue.get();
    queue.add('x');
    expect(await waiting).toBe('x');
  });

  test('addAfter adds the key when its delay elapses', async () => {
    const { queue, clock } = makeQueue();
    queue.addAfter('a', 500);
    expect(queue.len()).toBe(0);
    clock.advance(499);
    expect(queue.len()).toBe(0);
    clock.advance(1);
    expect(queue.len()).toBe(1);
    expect(await queue.get()).toBe('a');
  });

  test('addAfter keeps the earliest pending deadline per key', () => {
    const { queue, clock } = makeQueue();
    queue.addAfter('a', 1_000);
    queue.addAfter('a', 300);
    queue.addAfter('a', 800);
    expect(queue.pendingDeadline('a')).toBe(300);
    clock.advance(300);
    expect(queue.len()).toBe(1);
    expect(queue.pendingDeadline('a')).toBeUndefined();
    expect(clock.pendingTimers()).toBe(0);
  });

  test('addAfter with a zero or negative delay adds at once', () => {
    const { queue } = makeQueue();
    queue.addAfter('a', 0);
    queue.addAfter('b', -5);
    expect(queue.len()).toBe(2);
  });

  test('addRateLimited backs off exponentially per key up to the cap; forget resets it', async () => {
    const { queue, clock, retries } = makeQueue();
    const delays: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const before = clock.now();
      queue.addRateLimited('a');
      delays.push((queue.pendingDeadline('a') ?? Number.NaN) - before);
      clock.advance(delays[i] ?? 0);
      expect(queue.len()).toBe(1);
      queue.done((await queue.get()) ?? '');
    }
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(queue.numRequeues('a')).toBe(6);
    expect(queue.numRequeues('b')).toBe(0);
    expect(retries()).toBe(6);
    queue.forget('a');
    expect(queue.numRequeues('a')).toBe(0);
    const before = clock.now();
    queue.addRateLimited('a');
    expect(queue.pendingDeadline('a')).toBe(before + 100);
  });

  test('backoff is tracked separately per key', () => {
    const { queue } = makeQueue();
    queue.addRateLimited('a');
    queue.addRateLimited('a');
    queue.addRateLimited('b');
    expect(queue.numRequeues('a')).toBe(2);
    expect(queue.numRequeues('b')).toBe(1);
  });

  test('shutDown wakes waiting workers with undefined, cancels delays and ignores new adds', async () => {
    const { queue, clock } = makeQueue();
    const waiting = [queue.get(), queue.get()];
    queue.addAfter('later', 100);
    queue.shutDown();
    expect(await Promise.all(waiting)).toEqual([undefined, undefined]);
    expect(clock.pendingTimers()).toBe(0);
    queue.add('a');
    expect(queue.len()).toBe(0);
    expect(await queue.get()).toBeUndefined();
    expect(queue.isShuttingDown()).toBe(true);
  });

  test('depth hook follows the queue length', async () => {
    const { queue, depths } = makeQueue();
    queue.add('a');
    queue.add('b');
    await queue.get();
    expect(depths).toEqual([1, 2, 1]);
  });
});
