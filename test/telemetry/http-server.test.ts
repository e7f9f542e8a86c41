import { createControllerMetrics } from '../../src/telemetry/metrics.js';
import { startTelemetryServer, type Readiness, type TelemetryServer } from '../../src/telemetry/http-server.js';

describe('telemetry HTTP server', () => {
  let server: TelemetryServer | undefined;
  let readiness: Readiness = { ready: false, reason: 'informer rollouts not synced' };
  const metrics = createControllerMetrics();

  beforeAll(async () => {
    server = await startTelemetryServer({
      host: '127.0.0.1', port: 0, registry: metrics.registry, isReady: () => readiness,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const get = (path: string) => fetch(`${server?.url}${path}`);

  test('binds a free port on loopback', () => {
    expect(server?.port).toBeGreaterThan(0);
    expect(server?.url).toBe(`http://127.0.0.1:${server?.port}`);
  });

  test('/healthz answers 200 while the process works', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok\n');
  });

  test('/readyz is 503 with the reason until ready, then 200', async () => {
    readiness = { ready: false, reason: 'informer rollouts not synced' };
    const before = await get('/readyz');
    expect(before.status).toBe(503);
    expect(await before.text()).toContain('informer rollouts not synced');
    readiness = { ready: true };
    const after = await get('/readyz');
    expect(after.status).toBe(200);
    await after.text();
  });

  test('/metrics serves the registry in Prometheus text format', async () => {
    metrics.setCanaryWeight({ namespace: 'shop', rollout: 'web' }, 30);
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toContain('kanary_canary_weight{namespace="shop",rollout="web"} 30');
  });

  test.each([['/nope', 404], ['/metrics/x', 404]])('%s -> %i', async (path, status) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    await res.text();
  });

  test('non-GET methods are refused', async () => {
    const res = await fetch(`${server?.url}/readyz`, { method: 'POST' });
    expect(res.status).toBe(405);
    await res.text();
  });

  test('a throwing readiness check yields 503, not a crash', async () => {
    const other = await startTelemetryServer({
      host: '127.0.0.1', port: 0, registry: metrics.registry,
      isReady: () => { throw new Error('cache exploded'); },
    });
    try {
      const res = await fetch(`${other.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('cache exploded');
    } finally {
      await other.close();
    }
  });

  test('close() frees the port', async () => {
    const other = await startTelemetryServer({
      host: '127.0.0.1', port: 0, registry: metrics.registry, isReady: () => ({ ready: true }),
    });
    await other.close();
    await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
  });
});
