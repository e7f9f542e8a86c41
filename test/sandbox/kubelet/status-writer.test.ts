import { createCoalescingWriter, type WriteOutcome } from '../../../src/sandbox/kubelet/status-writer.js';
import { waitUntil } from './http-get.js';

function deferred(): { promise: Promise<WriteOutcome>; resolve: (v: WriteOutcome) => void; reject: (e: unknown) => void } {
  let resolve!: (v: WriteOutcome) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<WriteOutcome>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

describe('createCoalescingWriter', () => {
  test('requests made during a write collapse into one more write of the latest state', async () => {
    let state = 0;
    const written: number[] = [];
    const gates: ReturnType<typeof deferred>[] = [];
    const writer = createCoalescingWriter({
      write: () => { written.push(state); const gate = deferred(); gates.push(gate); return gate.promise; },
      retryDelayMs: 10,
      onError: () => undefined,
    });
    writer.request();
    state = 1; writer.request();
    state = 2; writer.request();
    state = 3; writer.request();
    gates[0]?.resolve('ok');
    await waitUntil(() => (gates.length === 2 ? true : undefined));
    gates[1]?.resolve('ok');
    await writer.close();
    expect(written).toEqual([0, 3]);
  });

  test('a failed write is retried and errors are reported', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const writer = createCoalescingWriter({
      write: async () => { calls += 1; if (calls === 1) throw new Error('boom'); return 'ok'; },
      retryDelayMs: 5,
      onError: (err) => errors.push(err),
    });
    writer.request();
    await waitUntil(() => (calls === 2 ? true : undefined));
    await writer.close();
    expect(errors).toHaveLength(1);
  });

  test('after a gone outcome or close, nothing more is written', async () => {
    let calls = 0;
    const writer = createCoalescingWriter({ write: async () => { calls += 1; return 'gone'; }, retryDelayMs: 5, onError: () => undefined });
    writer.request();
    await waitUntil(() => (calls === 1 ? true : undefined));
    writer.request();
    await writer.close();
    writer.request();
    expect(calls).toBe(1);
  });

  test('close does not wait for a pending retry delay', async () => {
    const writer = createCoalescingWriter({
      write: async () => { throw new Error('down'); },
      retryDelayMs: 60_000,
      onError: () => undefined,
    });
    writer.request();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(writer.close()).resolves.toBeUndefined();
  });
});
