import { metricSchema, type MetricInput } from '../../src/api/analysis.js';
import type { ResolvedArg } from '../../src/analysis/args.js';
import { createPrometheusProvider } from '../../src/analysis/prometheus.js';
import { findFreePort, startPrometheus, waitForQuery, type PrometheusHandle } from '../harness/prometheus.js';
import { sendJson, startMetricsTarget, startServer, type MetricsTarget } from './fixtures/http-server.js';

const provider = createPrometheusProvider({ now: () => new Date() });

function metric(prometheus: Record<string, unknown>, extra: Partial<MetricInput> = {}) {
  return metricSchema.parse({ name: 'm', provider: { prometheus }, ...extra });
}

describe('prometheus provider against a real Prometheus', () => {
  let target: MetricsTarget;
  let prom: PrometheusHandle;

  beforeAll(async () => {
    target = await startMetricsTarget();
    target.set('a', 0.25);
    target.set('b', 0.75);
    prom = await startPrometheus({ targets: [target.hostPort] });
    await waitForQuery(prom.address, 'kanary_test_value', (r) => Array.isArray(r) && r.length === 2);
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    await target?.close();
  });

  test('a vector becomes a list of doubles', async () => {
    const result = await provider.measure(metric({ address: prom.address, query: 'sort(kanary_test_value)' }), []);
    expect(result).toMatchObject({ value: [0.25, 0.75], resolvedQuery: 'sort(kanary_test_value)' });
  });

  test('a scalar becomes a double', async () => {
    const result = await provider.measure(metric({ address: prom.address, query: 'scalar(sum(kanary_test_value))' }), []);
    expect(result).toMatchObject({ value: 1 });
  });

  test('args are substituted and the resolved query is recorded', async () => {
    const args: ResolvedArg[] = [{ name: 'series', value: 'b', secret: false }];
    const result = await provider.measure(metric({ address: prom.address, query: 'kanary_test_value{series="{{args.series}}"}' }), args);
    expect(result).toEqual(expect.objectContaining({ value: [0.75], resolvedQuery: 'kanary_test_value{series="b"}' }));
  });

  test.each([
    ['an empty vector', 'kanary_test_value{series="missing"}'],
    ['a NaN scalar', 'scalar(kanary_test_value{series="missing"})'],
    ['a NaN vector', 'kanary_test_value / 0 * 0'],
  ])('%s is "query returned no data"', async (_name, query) => {
    const result = await provider.measure(metric({ address: prom.address, query }), []);
    expect(result).toEqual({ noData: true, message: 'query returned no data', resolvedQuery: query });
  });

  test('a PromQL syntax error reports the HTTP status and Prometheus error type', async () => {
    const result = await provider.measure(metric({ address: prom.address, query: 'sum(kanary_test_value' }), []);
    expect('error' in result && result.error).toMatch(/^Prometheus returned HTTP 400: bad_data: .*parse error/);
  });

  test('a missing arg is a clear error, no request made', async () => {
    const result = await provider.measure(metric({ address: prom.address, query: 'x{a="{{args.nope}}"}' }), []);
    expect(result).toEqual({ error: 'query: argument "nope" is not defined' });
  });
});

describe('prometheus provider failures', () => {
  test('connection refused', async () => {
    const port = await findFreePort();
    const result = await provider.measure(metric({ address: `http://127.0.0.1:${port}`, query: 'up' }), []);
    expect('error' in result && result.error).toBe(`Prometheus at http://127.0.0.1:${port} refused the connection (ECONNREFUSED): is it running?`);
  });

  test('DNS failure', async () => {
    const result = await provider.measure(metric({ address: 'http://kanary-no-such-host.invalid:9090', query: 'up' }), []);
    expect('error' in result && result.error).toMatch(/^cannot resolve host "kanary-no-such-host.invalid" \(DNS (ENOTFOUND|EAI_AGAIN)\)$/);
  });

  test('timeout', async () => {
    const server = await startServer(() => undefined); // never answers
    try {
      const result = await provider.measure(metric({ address: server.address, query: 'up', timeout: 1 }), []);
      expect('error' in result && result.error).toBe(`Prometheus at ${server.address} did not answer within 1s (timeout)`);
    } finally {
      await server.close();
    }
  });

  test('a non-JSON body', async () => {
    const server = await startServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<html>login page</html>');
    });
    try {
      const result = await provider.measure(metric({ address: server.address, query: 'up' }), []);
      expect('error' in result && result.error).toBe('Prometheus response is not JSON (HTTP 200, content-type "text/html"): <html>login page</html>');
    } finally {
      await server.close();
    }
  });

  test('headers are sent; secret values are redacted from messages', async () => {
    const seen: string[] = [];
    const server = await startServer((req, res) => {
      seen.push(String(req.headers.authorization));
      sendJson(res, 403, { status: 'error', errorType: 'forbidden', error: `token ${String(req.headers.authorization)} rejected` });
    });
    try {
      const args: ResolvedArg[] = [{ name: 'token', value: 's3cr3t-value', secret: true }];
      const m = metric({ address: server.address, query: 'up', headers: [{ key: 'Authorization', value: 'Bearer {{args.token}}' }] });
      const result = await provider.measure(m, args);
      expect(seen).toEqual(['Bearer s3cr3t-value']);
      expect(result).toEqual({ error: 'Prometheus returned HTTP 403: forbidden: token Bearer *** rejected', resolvedQuery: 'up' });
    } finally {
      await server.close();
    }
  });

  test('a matrix result is refused with a reason', async () => {
    const server = await startServer((_req, res) => sendJson(res, 200, { status: 'success', data: { resultType: 'matrix', result: [] } }));
    try {
      const result = await provider.measure(metric({ address: server.address, query: 'up[1m]' }), []);
      expect(result).toMatchObject({ error: 'query returned a range vector (matrix); use an instant query' });
    } finally {
      await server.close();
    }
  });
});
