import { FakeClock } from '../../src/runtime/clock.js';
import { isForbiddenError } from '../../src/runtime/forbidden.js';
import { InformerSupervisor, type SupervisedInformer } from '../../src/runtime/informer-supervisor.js';
import { RawListError } from '../../src/runtime/raw-list.js';
import { createLogger } from '../../src/telemetry/logger.js';

/** An informer the API server always refuses with 403. */
class ForbiddenInformer implements SupervisedInformer {
  readonly synced = false;
  starts = 0;
  private handlers: Array<(e: unknown) => void> = [];
  constructor(readonly name: string) {}
  whenSynced(): Promise<void> { return new Promise(() => undefined); }
  onError(handler: (e: unknown) => void): void { this.handlers.push(handler); }
  async start(): Promise<{ ok: boolean; error?: unknown }> {
    this.starts += 1;
    return { ok: false, error: new RawListError('mappings.getambassador.io is forbidden', 403) };
  }
  async stop(): Promise<void> {}
}

test.each([
  ['a 403 list answer', new RawListError('forbidden', 403), true],
  ['a client-node ApiException-like 403', { code: 403 }, true],
  ['a 500', new RawListError('boom', 500), false],
  ['a network error', new Error('ECONNREFUSED'), false],
])('isForbiddenError: %s', (_name, error, expected) => {
  expect(isForbiddenError(error)).toBe(expected);
});

test('a forbidden informer is reported once as an error naming it, and retried quietly', async () => {
  const lines: string[] = [];
  const clock = new FakeClock(0);
  const supervisor = new InformerSupervisor({ clock, logger: createLogger({ sink: (l) => lines.push(l), level: 'debug' }), backoff: { baseMs: 100, maxMs: 100 } });
  const informer = new ForbiddenInformer('mappings.getambassador.io/v2');
  supervisor.add(informer);
  await supervisor.start();
  for (let i = 0; i < 5; i += 1) {
    clock.advance(100);
    for (let j = 0; j < 5; j += 1) await new Promise((r) => setImmediate(r));
  }
  expect(informer.starts).toBeGreaterThanOrEqual(5);
  const reports = lines.filter((l) => l.includes('forbidden'));
  expect(reports).toHaveLength(1);
  expect(reports[0]).toContain('cannot list/watch mappings.getambassador.io/v2');
  expect(JSON.parse(reports[0] ?? '{}').level).toBe('error');
  await supervisor.stop();
});
