import { FakeClock } from '../../src/runtime/clock.js';
import { InformerSupervisor, waitForSync, type SupervisedInformer } from '../../src/runtime/informer-supervisor.js';
import { createSilentLogger } from '../../src/telemetry/logger.js';

/** A scripted informer: each start() takes the next outcome; `fail()` simulates a broken watch. */
class ScriptedInformer implements SupervisedInformer {
  synced = false;
  starts: number[] = [];
  stopped = false;
  private handlers: Array<(e: unknown) => void> = [];
  private resolveSynced: () => void = () => undefined;
  private readonly syncedPromise = new Promise<void>((r) => { this.resolveSynced = r; });

  constructor(readonly name: string, private readonly clock: FakeClock, private outcomes: boolean[]) {}

  whenSynced(): Promise<void> { return this.syncedPromise; }
  onError(handler: (e: unknown) => void): void { this.handlers.push(handler); }
  async start(): Promise<{ ok: boolean; error?: unknown }> {
    this.starts.push(this.clock.now());
    const ok = this.outcomes.shift() ?? true;
    if (!ok) {
      this.handlers.forEach((h) => h(new Error('connection refused')));
      return { ok: false, error: new Error('connection refused') };
    }
    this.synced = true;
    this.resolveSynced();
    return { ok: true };
  }
  async stop(): Promise<void> { this.stopped = true; }
  fail(): void { this.handlers.forEach((h) => h(new Error('watch broken'))); }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((r) => setImmediate(r));
}

function setup() {
  const clock = new FakeClock(0);
  const supervisor = new InformerSupervisor({ clock, logger: createSilentLogger(), backoff: { baseMs: 100, maxMs: 400 } });
  return { clock, supervisor };
}

async function advance(clock: FakeClock, ms: number): Promise<void> {
  clock.advance(ms);
  await settle();
}

describe('InformerSupervisor', () => {
  test('restarts a failing informer with capped exponential backoff until it starts', async () => {
    const { clock, supervisor } = setup();
    const informer = new ScriptedInformer('pods/v1', clock, [false, false, false, false, true]);
    supervisor.add(informer);
    await supervisor.start();
    expect(supervisor.synced).toBe(false);
    expect(supervisor.unsyncedNames()).toEqual(['pods/v1']);
    expect(supervisor.readiness()).toEqual({ ready: false, reason: 'informer caches not synced: pods/v1' });
    for (const step of [100, 200, 400, 400]) await advance(clock, step);
    expect(informer.starts).toEqual([0, 100, 300, 700, 1_100]);
    expect(supervisor.synced).toBe(true);
    expect(supervisor.restartCount('pods/v1')).toBe(4);
    expect(supervisor.readiness()).toEqual({ ready: true });
    await advance(clock, 10_000);
    expect(informer.starts).toHaveLength(5);
    await supervisor.stop();
  });

  test('an error while running restarts it; the backoff starts over after a good start', async () => {
    const { clock, supervisor } = setup();
    const informer = new ScriptedInformer('rollouts', clock, [true, false, true, true]);
    supervisor.add(informer);
    await supervisor.start();
    informer.fail();
    informer.fail();
    await advance(clock, 100);
    expect(informer.starts).toEqual([0, 100]);
    await advance(clock, 200);
    expect(informer.starts).toEqual([0, 100, 300]);
    informer.fail();
    await advance(clock, 100);
    expect(informer.starts).toEqual([0, 100, 300, 400]);
    await supervisor.stop();
  });

  test('stop() cancels pending restarts and stops informers', async () => {
    const { clock, supervisor } = setup();
    const informer = new ScriptedInformer('svc', clock, [false]);
    supervisor.add(informer);
    await supervisor.start();
    expect(clock.pendingTimers()).toBe(1);
    await supervisor.stop();
    expect(clock.pendingTimers()).toBe(0);
    expect(informer.stopped).toBe(true);
    informer.fail();
    await advance(clock, 1_000);
    expect(informer.starts).toEqual([0]);
  });

  test('informers added after start() start at once', async () => {
    const { clock, supervisor } = setup();
    await supervisor.start();
    const late = new ScriptedInformer('late', clock, [true]);
    supervisor.add(late);
    await settle();
    expect(late.starts).toEqual([0]);
    await supervisor.stop();
  });
});

describe('waitForSync', () => {
  test('true once all informers synced', async () => {
    const clock = new FakeClock(0);
    const a = new ScriptedInformer('a', clock, [true]);
    const b = new ScriptedInformer('b', clock, [true]);
    const waiting = waitForSync([a, b], { clock, timeoutMs: 1_000 });
    await a.start();
    await b.start();
    await expect(waiting).resolves.toBe(true);
    expect(clock.pendingTimers()).toBe(0);
  });

  test('false when the timeout passes first', async () => {
    const clock = new FakeClock(0);
    const a = new ScriptedInformer('a', clock, [false]);
    const waiting = waitForSync([a], { clock, timeoutMs: 1_000 });
    await a.start();
    clock.advance(1_000);
    await expect(waiting).resolves.toBe(false);
  });
});
