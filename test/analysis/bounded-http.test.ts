// The providers' I/O bounds against loopback servers this file starts and stops: redirects,
// oversized and slowly dripping bodies, and the egress policy at connect time.
import type { ServerResponse } from 'node:http';
import { metricSchema } from '../../src/api/analysis.js';
import { createEgressPolicy } from '../../src/analysis/egress-policy.js';
import type { DnsLookupAll } from '../../src/analysis/egress-lookup.js';
import { createPrometheusProvider } from '../../src/analysis/prometheus.js';
import { createWebProvider } from '../../src/analysis/web.js';
import { sendJson, startServer, type LocalServer } from './fixtures/http-server.js';

const web = (spec: Record<string, unknown>) => metricSchema.parse({ name: 'w', provider: { web: spec } });
const prom = (spec: Record<string, unknown>) => metricSchema.parse({ name: 'p', provider: { prometheus: spec } });
const errorOf = (result: object) => ('error' in result ? String(result.error) : `no error: ${JSON.stringify(result)}`);

const FIVE_MIB = 5 * 1024 * 1024;

function drip(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('[');
  const timer = setInterval(() => res.write('1,'), 50);
  res.on('close', () => clearInterval(timer));
}

describe('bounded provider I/O against a local server', () => {
  let server: LocalServer;
  const loopback = createEgressPolicy({ allow: ['127.0.0.0/8'] });
  const provider = createWebProvider({ egress: loopback });

  beforeAll(async () => {
    server = await startServer((req, res) => {
      if (req.url?.startsWith('/redir')) {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
        return void res.end();
      }
      if (req.url === '/huge') return void res.end(JSON.stringify({ pad: 'x'.repeat(FIVE_MIB) }));
      if (req.url === '/huge-chunked') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"pad":"');
        for (let i = 0; i < 5; i++) res.write('x'.repeat(1024 * 1024));
        return void res.end('"}');
      }
      if (req.url === '/drip') return drip(res);
      if (req.url?.startsWith('/api/v1/query')) return sendJson(res, 200, { status: 'success', data: { resultType: 'scalar', result: [0, '0.5'] } });
      return sendJson(res, 200, { ok: true });
    });
  });
  afterAll(() => server.close());

  test('a permitted request still works', async () => {
    await expect(provider.measure(web({ url: `${server.address}/ok`, jsonPath: '$.ok' }), [])).resolves.toMatchObject({ value: true });
  });

  test('a redirect is refused, not followed', async () => {
    const result = await provider.measure(web({ url: `${server.address}/redirect` }), []);
    expect(errorOf(result)).toBe(
      `${server.address}/redirect answered HTTP 302 (a redirect to http://169.254.169.254/latest/meta-data/); redirects are not followed: point the metric at the final URL`,
    );
  });

  test.each(['/huge', '/huge-chunked'])('a 5 MiB body (%s) is cut at the cap, naming it', async (path) => {
    const result = await provider.measure(web({ url: `${server.address}${path}` }), []);
    expect(errorOf(result)).toBe(`response from ${server.address}${path} is larger than the 1 MiB limit (--analysis-max-response-bytes); it was cut off`);
  });

  test('the cap is configurable', async () => {
    const small = createWebProvider({ egress: loopback, maxResponseBytes: 4096 });
    const result = await small.measure(web({ url: `${server.address}/huge-chunked` }), []);
    expect(errorOf(result)).toContain('larger than the 4 KiB limit');
  });

  test('a slowly dripping body is cut at the deadline', async () => {
    const result = await provider.measure(web({ url: `${server.address}/drip`, timeoutSeconds: 1 }), []);
    expect(errorOf(result)).toBe(`${server.address}/drip did not finish its response within 1s (timeout: the limit covers connect, headers and body)`);
  });

  test('loopback is refused unless the policy allows it', async () => {
    const strict = createWebProvider({ egress: createEgressPolicy({}) });
    const result = await strict.measure(web({ url: `${server.address}/ok` }), []);
    expect(errorOf(result)).toContain(`connection to ${server.address}/ok refused by the egress policy: 127.0.0.1 is not an allowed destination`);
  });

  test('the policy is applied after DNS: localhost is refused when loopback is not allowed', async () => {
    const strict = createWebProvider({ egress: createEgressPolicy({ allow: ['localhost'], deny: ['127.0.0.0/8', '::1'] }) });
    const result = await strict.measure(web({ url: `http://localhost:${server.hostPort.split(':')[1]}/ok` }), []);
    expect(errorOf(result)).toMatch(/refused by the egress policy: localhost \((127\.0\.0\.1|::1)\) is denied by --analysis-egress-deny/);
  });

  test('169.254.169.254 is refused without a connection attempt', async () => {
    const result = await provider.measure(web({ url: 'http://169.254.169.254/latest/meta-data/' }), []);
    expect(errorOf(result)).toContain('refused by the egress policy: 169.254.169.254 is in 169.254.0.0/16');
  });

  test('a hostname resolving to 169.254.169.254 is refused at connect time', async () => {
    const resolve: DnsLookupAll = (_host, _options, callback) => callback(null, [{ address: '169.254.169.254', family: 4 }]);
    const tricked = createWebProvider({ egress: createEgressPolicy({ allow: ['metrics.example.com'] }), resolve });
    const result = await tricked.measure(web({ url: 'http://metrics.example.com/latest/meta-data/' }), []);
    expect(errorOf(result)).toContain('refused by the egress policy: metrics.example.com (169.254.169.254) is in 169.254.0.0/16');
  });

  test('the Prometheus provider is bound by the same policy', async () => {
    const allowed = createPrometheusProvider({ now: () => new Date(), egress: loopback });
    await expect(allowed.measure(prom({ address: server.address, query: 'up' }), [])).resolves.toMatchObject({ value: 0.5 });
    const denied = createPrometheusProvider({ now: () => new Date(), egress: createEgressPolicy({}) });
    const result = await denied.measure(prom({ address: 'http://169.254.169.254', query: 'up' }), []);
    expect(errorOf(result)).toContain('connection to Prometheus at http://169.254.169.254 refused by the egress policy');
  });

  test('a Prometheus redirect is refused', async () => {
    const provider = createPrometheusProvider({ now: () => new Date(), egress: loopback });
    const result = await provider.measure(prom({ address: `${server.address}/redir`, query: 'up' }), []);
    expect(errorOf(result)).toContain('redirects are not followed');
  });

  test('timeouts above the maximum are refused by the schema', () => {
    expect(metricSchema.safeParse({ name: 'w', provider: { web: { url: 'http://x', timeoutSeconds: 61 } } }).success).toBe(false);
    expect(metricSchema.safeParse({ name: 'p', provider: { prometheus: { query: 'up', timeout: 3600 } } }).success).toBe(false);
  });
});
