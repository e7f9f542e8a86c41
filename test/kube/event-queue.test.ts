// The EventRecorder's queue (src/kube/events.ts): recording returns before the write, one writer
// drains in order, identical events still queued become one Event with their count, a full queue
// is reported (never silently dropped), and flush waits for the writes.
import type { KubeClients } from '../../src/kube/clients.js';
import { EventRecorder, MAX_QUEUED_EVENTS } from '../../src/kube/events.js';

interface Written { verb: 'create' | 'patch'; reason?: string; count?: number; name?: string }

function fakeClients(written: Written[], gate: Promise<void>): KubeClients {
  const core = {
    createNamespacedEvent: async ({ body }: { body: { reason?: string; count?: number; metadata?: { name?: string } } }) => {
      await gate;
      written.push({ verb: 'create', reason: body.reason, count: body.count, name: body.metadata?.name });
      return body;
    },
    patchNamespacedEvent: async ({ name, body }: { name: string; body: { count?: number } }) => {
      await gate;
      written.push({ verb: 'patch', count: body.count, name });
      return body;
    },
  };
  return { core } as unknown as KubeClients;
}

const subject = { metadata: { name: 'demo', namespace: 'shop', uid: 'u1' } };

test('record returns before the write; identical queued events become one Event counted 3; order kept', async () => {
  const written: Written[] = [];
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => { open = resolve; });
  const recorder = new EventRecorder({ clients: fakeClients(written, gate), clock: { now: () => 1_000 } });
  const first = recorder.record(subject, { type: 'Normal', reason: 'A', message: 'one' });
  void recorder.record(subject, { type: 'Normal', reason: 'B', message: 'two' });
  void recorder.record(subject, { type: 'Normal', reason: 'B', message: 'two' });
  void recorder.record(subject, { type: 'Normal', reason: 'B', message: 'two' });
  await Promise.resolve();
  expect(written).toEqual([]);
  open();
  await first;
  await recorder.flush();
  expect(written.map((w) => `${w.verb} ${w.reason} x${w.count}`)).toEqual(['create A x1', 'create B x3']);
  // Recorded again after the write, within the aggregation window: the same Event, counted on.
  await recorder.record(subject, { type: 'Normal', reason: 'B', message: 'two' });
  expect(written.at(-1)).toMatchObject({ verb: 'patch', count: 4, name: written[1]?.name });
});

test('a full queue reports the refused event through onError', async () => {
  const written: Written[] = [];
  const gate = new Promise<void>(() => undefined);
  const errors: string[] = [];
  const recorder = new EventRecorder({ clients: fakeClients(written, gate), clock: { now: () => 1_000 }, onError: (e) => errors.push(String(e)) });
  for (let i = 0; i <= MAX_QUEUED_EVENTS + 1; i += 1) void recorder.record(subject, { type: 'Normal', reason: 'R', message: `m${i}` });
  expect(errors).toEqual([`Error: event queue full (${MAX_QUEUED_EVENTS} waiting): event not recorded`]);
});

test('an event recorded right after another was written (while the writer winds down) is written too', async () => {
  const written: Written[] = [];
  const recorder = new EventRecorder({ clients: fakeClients(written, Promise.resolve()), clock: { now: () => 1_000 } });
  await recorder.record(subject, { type: 'Normal', reason: 'A', message: 'one' });
  await recorder.record(subject, { type: 'Normal', reason: 'B', message: 'two' });
  await recorder.record(subject, { type: 'Normal', reason: 'C', message: 'three' });
  expect(written.map((w) => w.reason)).toEqual(['A', 'B', 'C']);
});
