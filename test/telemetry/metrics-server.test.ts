import { createControllerMetrics } from '../../src/telemetry/metrics.js';
import { startMetricsServer } from '../../src/telemetry/metrics-server.js';
import type { ListeningServer } from '../../src/telemetry/probe-server.js';

describe('metrics HTTP server', () => {
  let server: ListeningServer | undefined;
  const metrics = createControllerMetrics();

  beforeAll(async () => {
    server = await startMetricsServer({ host: '127.0.0.1', port: 0, registry: metrics.registry });
  });
  afterAll(async () => {
    await server?.close();
  });

  const get = (path: string) => fetch(`${server?.url}${path}`);

  test('binds a free port on loopback', () => {
    expect(server?.port).toBeGreaterThan(0);
    expect(server?.url).toBe(`http://127.0.0.1:${server?.port}`);
  });

  test('/metrics serves the registry in Prometheus text format', async () => {
    metrics.setCanaryWeight({ namespace: 'shop', rollout: 'web' }, 30);
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toContain('kanary_canary_weight{namespace="shop",rollout="web"} 30');
  });

  test.each([['/nope', 404], ['/metrics/x', 404], ['/healthz', 404], ['/readyz', 404]])('%s -> %i (probes have their own port)', async (path, status) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    await res.text();
  });

  test('non-GET methods are refused', async () => {
    const res = await fetch(`${server?.url}/metrics`, { method: 'POST' });
    expect(res.status).toBe(405);
    await res.text();
  });

  test('measured values stay out of /metrics when turned off; phases stay', async () => {
    const quiet = createControllerMetrics({ measuredValues: false });
    const loud = createControllerMetrics();
    for (const m of [quiet, loud]) {
      m.setAnalysisRunPhase({ namespace: 'shop', analysisRun: 'web-1' }, 'Running');
      m.setAnalysisMetricValue({ namespace: 'shop', analysisRun: 'web-1' }, 'error-rate', 0.0375);
    }
    const quietText = await quiet.registry.metrics();
    expect(quietText).toContain('kanary_analysis_run_phase{namespace="shop",analysis_run="web-1",phase="Running"} 1');
    expect(quietText).not.toContain('kanary_analysis_metric_value');
    expect(quietText).not.toContain('0.0375');
    expect(await loud.registry.metrics()).toContain('kanary_analysis_metric_value{namespace="shop",analysis_run="web-1",metric="error-rate"} 0.0375');
  });

  test('close() frees the port', async () => {
    const other = await startMetricsServer({ host: '127.0.0.1', port: 0, registry: metrics.registry });
    await other.close();
    await expect(fetch(`${other.url}/metrics`)).rejects.toThrow();
  });
});
