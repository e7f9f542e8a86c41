import { spawnSync } from 'node:child_process';
import { startProbeServer, type ListeningServer, type Readiness } from '../../src/telemetry/probe-server.js';

/** Waits until the heartbeat carried a changed state to the probe thread. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 120));

/** GETs a URL from another process while this thread's event loop is blocked. */
function curlWhileBlocked(url: string): { status: number; body: string } {
  const script = `fetch(${JSON.stringify(url)}).then(async (r) => { process.stdout.write(r.status + ' ' + await r.text()); })`;
  const out = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
  const [status, ...rest] = out.stdout.split(' ');
  return { status: Number(status), body: rest.join(' ') };
}

describe('probe server (worker thread)', () => {
  let server: ListeningServer | undefined;
  let readiness: Readiness = { ready: false, reason: 'waiting for caches: rollouts' };
  let health: Readiness = { ready: true };

  beforeAll(async () => {
    server = await startProbeServer({
      host: '127.0.0.1', port: 0, heartbeatMs: 20, stallLimitMs: 3_000,
      isReady: () => readiness, isHealthy: () => health,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const get = (path: string) => fetch(`${server?.url}${path}`);

  test('binds a free loopback port', () => {
    expect(server?.url).toBe(`http://127.0.0.1:${server?.port}`);
  });

  test('/readyz says why until ready, then 200; /healthz 200 meanwhile', async () => {
    readiness = { ready: false, reason: 'waiting for caches: rollouts' };
    await settle();
    const before = await get('/readyz');
    expect(before.status).toBe(503);
    expect(await before.text()).toBe('waiting for caches: rollouts\n');
    expect((await get('/healthz')).status).toBe(200);
    readiness = { ready: true };
    await settle();
    const after = await get('/readyz');
    expect(after.status).toBe(200);
    expect(await after.text()).toBe('ok\n');
    readiness = { ready: true, detail: 'Mapping apiVersion getambassador.io/v2' };
    await settle();
    expect(await (await get('/readyz')).text()).toBe('ok: Mapping apiVersion getambassador.io/v2\n');
  });

  test('a failing or throwing liveness check makes /healthz 503 with its reason', async () => {
    health = { ready: false, reason: 'lease renewals failing' };
    await settle();
    const res = await get('/healthz');
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('lease renewals failing\n');
    health = { ready: true };
  });

  test('a throwing readiness check yields 503 naming the error, not a crash', async () => {
    const other = await startProbeServer({ host: '127.0.0.1', port: 0, heartbeatMs: 20, isReady: () => { throw new Error('cache exploded'); } });
    try {
      const res = await fetch(`${other.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('cache exploded');
    } finally {
      await other.close();
    }
  });

  test('answers while the main event loop is blocked, and reports the stall once it passes the limit', async () => {
    readiness = { ready: true };
    await settle();
    // spawnSync blocks this thread: only the probe thread can answer.
    const early = curlWhileBlocked(`${server?.url}/healthz`);
    expect(early).toEqual({ status: 200, body: 'ok\n' });
    const blockedUntil = Date.now() + 3_200;
    while (Date.now() < blockedUntil) { /* a stuck event loop */ }
    const late = curlWhileBlocked(`${server?.url}/readyz`);
    expect(late.status).toBe(503);
    expect(late.body).toMatch(/^event loop stalled: no heartbeat for \d+s\n$/);
    await settle();
    expect((await get('/healthz')).status).toBe(200);
  });

  test('unknown paths 404, other methods 405', async () => {
    expect((await get('/metrics')).status).toBe(404);
    expect((await fetch(`${server?.url}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  test('a taken port fails start with the bind error; close() frees the port', async () => {
    await expect(startProbeServer({ host: '127.0.0.1', port: server?.port ?? 0, isReady: () => ({ ready: true }) })).rejects.toThrow(/EADDRINUSE/);
    const other = await startProbeServer({ host: '127.0.0.1', port: 0, isReady: () => ({ ready: true }) });
    await other.close();
    await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
  });
});
