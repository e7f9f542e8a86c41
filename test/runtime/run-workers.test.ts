import { FakeClock } from '../../src/runtime/clock.js';
import { runWorkers, isRequeueImmediately } from '../../src/runtime/run-workers.js';
import { WorkQueue } from '../../src/runtime/workqueue.js';
import { createSilentLogger } from '../../src/telemetry/logger.js';

/** Lets pending promise callbacks (worker hand-offs) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((r) => setImmediate(r));
}

interface Gate {
  promise: Promise<void>;
  open: () => void;
}

function gate(): Gate {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => { open = resolve; });
  return { promise, open };
}

function setup(backoff = { baseMs: 100, maxMs: 1_000 }) {
  const clock = new FakeClock(0);
  const queue = new WorkQueue({ clock, backoff });
  return { clock, queue, logger: createSilentLogger() };
}

describe('runWorkers', () => {
  test('one key is never reconciled by two workers at once; adds during processing collapse into one rerun', async () => {
    const { queue, logger } = setup();
    let running = 0;
    let maxRunning = 0;
    const calls: string[] = [];
    const gates: Gate[] = [];
    const done = runWorkers({
      queue,
      count: 4,
      logger,
      reconcile: async (key) => {
        calls.push(key);
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        const g = gate();
        gates.push(g);
        await g.promise;
        running -= 1;
      },
    });
    queue.add('a');
    await settle();
    queue.add('a');
    queue.add('a');
    await settle();
    expect(calls).toEqual(['a']);
    gates[0]?.open();
    await settle();
    expect(calls).toEqual(['a', 'a']);
    gates[1]?.open();
    await settle();
    expect(calls).toEqual(['a', 'a']);
    expect(maxRunning).toBe(1);
    queue.shutDown();
    await done;
  });

  test('different keys run concurrently up to the worker count', async () => {
    const { queue, logger } = setup();
    const g = gate();
    let running = 0;
    let maxRunning = 0;
    const done = runWorkers({
      queue, count: 2, logger,
      reconcile: async () => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await g.promise;
        running -= 1;
      },
    });
    ['a', 'b', 'c'].forEach((k) => queue.add(k));
    await settle();
    expect(running).toBe(2);
    expect(queue.len()).toBe(1);
    g.open();
    await settle();
    expect(maxRunning).toBe(2);
    queue.shutDown();
    await done;
  });

  test('a thrown error retries with growing backoff; success forgets it and honours requeueAfterMs', async () => {
    const { queue, clock, logger } = setup();
    const errors: unknown[] = [];
    let failuresLeft = 3;
    const calls: number[] = [];
    const done = runWorkers({
      queue, count: 1, logger,
      onError: (_key, error) => errors.push(error),
      reconcile: async () => {
        calls.push(clock.now());
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('boom');
        }
        return { requeueAfterMs: 5_000 };
      },
    });
    queue.add('a');
    await settle();
    expect(queue.numRequeues('a')).toBe(1);
    for (const step of [100, 200, 400]) {
      clock.advance(step);
      await settle();
    }
    expect(calls).toEqual([0, 100, 300, 700]);
    expect(errors).toHaveLength(3);
    expect(queue.numRequeues('a')).toBe(0);
    expect(queue.pendingDeadline('a')).toBe(5_700);
    clock.advance(5_000);
    await settle();
    expect(calls).toHaveLength(5);
    queue.shutDown();
    await done;
  });

  test('an error with requeueImmediately is retried at once without backoff', async () => {
    const { queue, logger } = setup();
    let attempts = 0;
    const done = runWorkers({
      queue, count: 1, logger,
      reconcile: async () => {
        attempts += 1;
        if (attempts === 1) throw Object.assign(new Error('conflict'), { requeueImmediately: true });
        return {};
      },
    });
    queue.add('a');
    await settle();
    expect(attempts).toBe(2);
    expect(queue.numRequeues('a')).toBe(0);
    queue.shutDown();
    await done;
  });

  test('workers stop when the queue shuts down', async () => {
    const { queue, logger } = setup();
    const done = runWorkers({ queue, count: 3, logger, reconcile: async () => ({}) });
    queue.shutDown();
    await expect(done).resolves.toBeUndefined();
  });

  test.each([
    [{ requeueImmediately: true }, true],
    [{ requeueImmediately: 'yes' }, false],
    [new Error('x'), false],
    [undefined, false],
    ['conflict', false],
  ])('isRequeueImmediately(%p) is %p', (error, expected) => {
    expect(isRequeueImmediately(error)).toBe(expected);
  });
});
