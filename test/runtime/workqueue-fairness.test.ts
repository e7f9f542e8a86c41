import { FakeClock } from '../../src/runtime/clock.js';
import { namespaceOfKey, WorkQueue } from '../../src/runtime/workqueue.js';

function fairQueue(maxInFlightPerGroup: number): WorkQueue {
  return new WorkQueue({ clock: new FakeClock(0), fairness: { groupOf: namespaceOfKey, maxInFlightPerGroup } });
}

describe('WorkQueue fairness', () => {
  test('a group at its bound waits while other groups go first', async () => {
    const queue = fairQueue(2);
    for (const key of ['noisy/a', 'noisy/b', 'noisy/c', 'noisy/d', 'quiet/x']) queue.add(key);
    const first = [await queue.get(), await queue.get(), await queue.get()];
    expect(first).toEqual(['noisy/a', 'noisy/b', 'quiet/x']);
    let fourth: string | undefined;
    const waiting = queue.get().then((key) => { fourth = key; });
    await Promise.resolve();
    expect(fourth).toBeUndefined();
    queue.done('noisy/a');
    await waiting;
    expect(fourth).toBe('noisy/c');
    queue.shutDown();
  });

  test('without fairness the queue is plain FIFO', async () => {
    const queue = new WorkQueue({ clock: new FakeClock(0) });
    for (const key of ['noisy/a', 'noisy/b', 'noisy/c', 'quiet/x']) queue.add(key);
    expect([await queue.get(), await queue.get(), await queue.get()]).toEqual(['noisy/a', 'noisy/b', 'noisy/c']);
    queue.shutDown();
  });

  test('a key re-added while processing runs again after done, within its group bound', async () => {
    const queue = fairQueue(1);
    queue.add('ns/a');
    expect(await queue.get()).toBe('ns/a');
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('other/z');
    expect(await queue.get()).toBe('other/z');
    queue.done('ns/a');
    expect(await queue.get()).toBe('ns/b');
    queue.done('ns/b');
    expect(await queue.get()).toBe('ns/a');
    queue.shutDown();
  });

  test.each([['ns/name', 'ns'], ['cluster-scoped', '']])('namespaceOfKey(%s) = %j', (key, ns) => {
    expect(namespaceOfKey(key)).toBe(ns);
  });
});
