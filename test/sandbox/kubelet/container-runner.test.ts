import http from 'node:http';
import { defaultBehaviour, type Behaviour } from '../../../src/sandbox/kubelet/behaviour.js';
import { ContainerRunner, type ContainerRunnerOptions } from '../../../src/sandbox/kubelet/container-runner.js';
import { createSeededRandom } from '../../../src/sandbox/kubelet/random.js';
import { connectError, httpGet, waitUntil } from './http-get.js';

const ip = '127.78.0.3';
const runners: ContainerRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});

/** A port that was free a moment ago on the test IP. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = http.createServer();
    server.once('error', reject);
    server.listen(0, ip, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function runner(behaviour: Partial<Behaviour>, extra: Partial<ContainerRunnerOptions> = {}): Promise<{ runner: ContainerRunner; url: string; changes: () => number }> {
  const port = await freePort();
  let changes = 0;
  const full = { ...defaultBehaviour, latencyMs: 0, jitterMs: 0, ...behaviour };
  const r = new ContainerRunner({
    identity: { pod: 'p1', namespace: 'ns', container: 'app', image: 'kanary/demo-app:v1', ip },
    ports: [port],
    behaviour: full,
    readinessDelayMs: full.readinessDelayMs,
    restartPolicy: 'Always',
    restartBackoff: { baseMs: 50, maxMs: 200 },
    random: createSeededRandom(1),
    onChange: () => { changes += 1; },
    log: () => undefined,
    podUid: 'uid-1',
    ...extra,
  });
  runners.push(r);
  return { runner: r, url: `http://${ip}:${port}`, changes: () => changes };
}

test('starts waiting, serves once running, turns Ready after the readiness delay', async () => {
  const { runner: r, url } = await runner({ readinessDelayMs: 150 });
  expect(r.snapshot()).toMatchObject({ ready: false, state: { kind: 'waiting', reason: 'ContainerCreating' } });
  await r.start();
  expect(r.snapshot()).toMatchObject({ ready: false, state: { kind: 'running' }, restartCount: 0 });
  expect((await httpGet(url)).status).toBe(200);
  await waitUntil(() => (r.snapshot().ready ? true : undefined));
  expect(r.snapshot().state.kind).toBe('running');
});

test('a never-ready container runs and serves but never turns Ready', async () => {
  const { runner: r, url } = await runner({ neverReady: true, readinessDelayMs: 10 });
  await r.start();
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(r.snapshot()).toMatchObject({ ready: false, state: { kind: 'running' } });
  expect((await httpGet(url)).status).toBe(200);
});

test('a crashing container stops serving, backs off, restarts and counts the restart', async () => {
  const { runner: r, url, changes } = await runner({ crashAfterMs: 2000, readinessDelayMs: 10 }, { restartBackoff: { baseMs: 400, maxMs: 400 } });
  await r.start();
  await waitUntil(() => (r.snapshot().state.kind === 'waiting' ? true : undefined));
  expect(r.snapshot()).toMatchObject({
    ready: false, restartCount: 0,
    state: { reason: 'CrashLoopBackOff' },
    lastTerminated: { kind: 'terminated', exitCode: 1, reason: 'Error' },
  });
  expect(await connectError(url)).toBe('ECONNREFUSED');
  await waitUntil(() => (r.snapshot().restartCount >= 1 && r.snapshot().state.kind === 'running' ? true : undefined));
  expect((await httpGet(url)).status).toBe(200);
  expect(r.snapshot().containerID).toBe('sim://uid-1/app/1');
  expect(changes()).toBeGreaterThanOrEqual(3);
});

test('with restartPolicy Never a crashed container stays terminated', async () => {
  const { runner: r } = await runner({ crashAfterMs: 50 }, { restartPolicy: 'Never' });
  await r.start();
  await waitUntil(() => (r.snapshot().state.kind === 'terminated' ? true : undefined));
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(r.snapshot()).toMatchObject({ restartCount: 0, state: { kind: 'terminated', exitCode: 1 } });
});

test('a port that cannot be bound is a failed start, reported as a crash', async () => {
  const { runner: first, url } = await runner({});
  await first.start();
  const port = Number(new URL(url).port);
  const { runner: second } = await runner({}, { ports: [port] });
  await second.start();
  expect(second.snapshot()).toMatchObject({
    ready: false,
    state: { kind: 'waiting', reason: 'CrashLoopBackOff' },
    lastTerminated: { reason: 'StartError', message: expect.stringContaining('EADDRINUSE') },
  });
});

test('stop closes the port at once and no restart follows', async () => {
  const { runner: r, url } = await runner({ crashAfterMs: 100 });
  await r.start();
  await r.stop();
  expect(await connectError(url)).toBe('ECONNREFUSED');
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await connectError(url)).toBe('ECONNREFUSED');
  expect(r.snapshot().restartCount).toBe(0);
});
