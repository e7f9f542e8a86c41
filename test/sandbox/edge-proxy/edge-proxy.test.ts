import { jest } from '@jest/globals';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEdgeProxy, type EdgeProxy } from '../../../src/sandbox/edge-proxy/edge-proxy.js';
import { createStaticRoutingSource, type StaticRoutingSource } from '../../../src/sandbox/edge-proxy/routing-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { rawMapping } from './mapping-fixture.js';
import { createSeededRandom } from '../../../src/sandbox/kubelet/random.js';

interface Workload {
  server: http.Server;
  host: string;
  port: number;
  paths: string[];
}

/** A demo-like workload answering JSON with its version and the path it received. */
async function startWorkload(host: string, version: string, statusCode = 200): Promise<Workload> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    res.writeHead(statusCode, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ version, path: req.url, host: req.headers.host }));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, host, port: (server.address() as AddressInfo).port, paths };
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

const logLines: string[] = [];
let stable: Workload;
let canary: Workload;
let stable2: Workload;
let source: StaticRoutingSource;
let proxy: EdgeProxy;

function baseAndCanary(canaryWeight: number): unknown[] {
  return [
    rawMapping('demo', { service: 'demo-stable:80' }),
    rawMapping('demo-canary', { service: 'demo-canary:80', weight: canaryWeight }),
  ];
}

beforeAll(async () => {
  stable = await startWorkload('127.0.0.2', 'v1');
  stable2 = await startWorkload('127.0.0.4', 'v1');
  canary = await startWorkload('127.0.0.3', 'v2');
  source = createStaticRoutingSource({
    mappings: baseAndCanary(30),
    endpoints: {
      'shop/demo-stable:80': [{ host: stable.host, port: stable.port }],
      'shop/demo-canary:80': [{ host: canary.host, port: canary.port }],
    },
  });
  proxy = await startEdgeProxy({
    source,
    random: createSeededRandom(42),
    logger: createLogger({ sink: (line) => logLines.push(line), fields: { component: 'edge-proxy' } }),
  });
});

afterAll(async () => {
  await proxy.stop();
  for (const w of [stable, stable2, canary]) await new Promise((resolve) => w.server.close(resolve));
});

/** Sends `requests` requests, 8 at a time, and counts answers by version (or status). */
async function countVersions(requests: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < requests) {
      sent += 1;
      const { status, body } = await get(`${proxy.url}/demo/hello`);
      const key = status === 200 ? String((JSON.parse(body) as { version: string }).version) : `status-${status}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return counts;
}

jest.setTimeout(60_000);

test('weights 30/70 split observed traffic within 5 points', async () => {
  const counts = await countVersions(400);
  expect(counts['v1'] ?? 0).toBeGreaterThan(0);
  const canaryShare = ((counts['v2'] ?? 0) / 400) * 100;
  expect(canaryShare).toBeGreaterThanOrEqual(25);
  expect(canaryShare).toBeLessThanOrEqual(35);
  expect(Object.keys(counts).sort()).toEqual(['v1', 'v2']);
});

test('the matched prefix is rewritten to / and the query kept', async () => {
  const before = [stable.paths.length, canary.paths.length] as const;
  await get(`${proxy.url}/demo/items/7?colour=blue`);
  const received = [...stable.paths.slice(before[0]), ...canary.paths.slice(before[1])];
  expect(received).toEqual(['/items/7?colour=blue']);
});

test('metrics carry Envoy names and Emissary cluster names', async () => {
  const res = await get(proxy.metricsUrl);
  expect(res.status).toBe(200);
  const text = res.body;
  expect(text).toMatch(/^envoy_cluster_upstream_rq_total\{envoy_cluster_name="demo_stable_shop_80"\} \d+/m);
  expect(text).toMatch(/^envoy_cluster_upstream_rq_total\{envoy_cluster_name="demo_canary_shop_80"\} \d+/m);
  expect(text).toMatch(/^envoy_cluster_upstream_rq_xx\{envoy_cluster_name="demo_canary_shop_80",envoy_response_code_class="2"\} \d+/m);
  expect(text).toMatch(/^envoy_cluster_upstream_rq\{envoy_cluster_name="demo_canary_shop_80",envoy_response_code="200"\} \d+/m);
  expect(text).toMatch(/^envoy_cluster_upstream_rq_time_bucket\{le="0.5",envoy_cluster_name="demo_canary_shop_80"\} \d+/m);
  expect(text).toMatch(/^envoy_cluster_upstream_rq_time_bucket\{le="\+Inf",envoy_cluster_name="demo_stable_shop_80"\} \d+/m);
  expect(text).toMatch(/^envoy_cluster_upstream_rq_time_sum\{envoy_cluster_name="demo_stable_shop_80"\} [\d.]+/m);
  expect(text).toMatch(/^envoy_cluster_upstream_rq_time_count\{envoy_cluster_name="demo_stable_shop_80"\} \d+/m);
  const total = Number(/^envoy_cluster_upstream_rq_total\{envoy_cluster_name="demo_canary_shop_80"\} (\d+)/m.exec(text)?.[1]);
  expect(total).toBe(canary.paths.length);
});

test('a canary at weight 100 takes all traffic, at 0 none', async () => {
  source.setMappings(baseAndCanary(100));
  expect(await countVersions(20)).toEqual({ v2: 20 });
  source.setMappings(baseAndCanary(0));
  expect(await countVersions(20)).toEqual({ v1: 20 });
});

test('a group over 100 is rejected, logged, and keeps its last good routing', async () => {
  source.setMappings(baseAndCanary(100));
  source.setMappings([...baseAndCanary(60), rawMapping('demo-extra', { service: 'demo-canary:80', weight: 50 })]);
  expect(await countVersions(20)).toEqual({ v2: 20 });
  const errors = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'Mapping group rejected');
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ level: 'error', routing: 'kept last good routing' });
  expect(String(errors[0]?.['error'])).toMatch(/exceeds 100/);
});

test('endpoints are used round-robin', async () => {
  source.setMappings(baseAndCanary(0));
  source.setEndpoints('shop/demo-stable:80', [{ host: stable.host, port: stable.port }, { host: stable2.host, port: stable2.port }]);
  const before = [stable.paths.length, stable2.paths.length];
  await countVersions(10);
  expect([stable.paths.length - (before[0] ?? 0), stable2.paths.length - (before[1] ?? 0)]).toEqual([5, 5]);
});

test('503 without ready endpoints, 502 when the upstream refuses, 404 without a route', async () => {
  source.setMappings([rawMapping('empty', { prefix: '/empty/', service: 'nobody:80' }), rawMapping('dead', { prefix: '/dead/', service: '127.0.0.5:1' })]);
  expect((await get(`${proxy.url}/empty/`)).status).toBe(503);
  expect((await get(`${proxy.url}/dead/`)).status).toBe(502);
  expect((await get(`${proxy.url}/nowhere`)).status).toBe(404);
  const text = (await get(proxy.metricsUrl)).body;
  expect(text).toMatch(/^envoy_cluster_upstream_rq_xx\{envoy_cluster_name="nobody_shop_80",envoy_response_code_class="5"\} 1$/m);
  expect(text).toMatch(/^envoy_cluster_upstream_rq\{envoy_cluster_name="127_0_0_5_1",envoy_response_code="502"\} 1$/m);
});

test('/ready and /routes describe the applied routing', async () => {
  source.setMappings(baseAndCanary(10));
  expect((await get(`http://${proxy.host}:${proxy.metricsPort}/ready`)).status).toBe(200);
  const routes = JSON.parse((await get(`http://${proxy.host}:${proxy.metricsPort}/routes`)).body) as Array<Array<{ mapping: string; percent: number }>>;
  expect(routes.map((g) => g.map((e) => [e.mapping, e.percent]))).toEqual([[['shop/demo', 90], ['shop/demo-canary', 10]]]);
});

test('/stats/window: requests, success rate and p99 of a cluster, 503 naming the counts below minRequests', async () => {
  const server = http.createServer((req, res) => {
    res.writeHead(req.url?.includes('fail') ? 500 : 200);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.6', resolve));
  const port = (server.address() as AddressInfo).port;
  const cluster = `127_0_0_6_${port}`;
  try {
    source.setMappings([rawMapping('window', { prefix: '/window/', service: `127.0.0.6:${port}` })]);
    for (let i = 0; i < 10; i++) await get(`${proxy.url}/window/${i < 3 ? 'fail' : 'ok'}`);
    const window = (query: string) => get(`${proxy.adminUrl}/stats/window?${query}`).then((r) => ({ status: r.status, body: JSON.parse(r.body) as Record<string, unknown> }));

    const ok = await window(`cluster=${cluster}&seconds=60&minRequests=10`);
    expect(ok).toMatchObject({ status: 200, body: { cluster, windowSeconds: 60, requests: 10, successRate: 0.7 } });
    expect(ok.body['p99Ms']).toBeGreaterThan(0);
    const counters = (await get(proxy.metricsUrl)).body;
    expect(counters).toMatch(new RegExp(`^envoy_cluster_upstream_rq_total\\{envoy_cluster_name="${cluster}"\\} 10$`, 'm'));

    expect(await window(`cluster=${cluster}&seconds=60&minRequests=11`)).toEqual({
      status: 503,
      body: { error: `only 10 requests to ${cluster} in the last 60s (need 11)`, cluster, windowSeconds: 60, requests: 10 },
    });
    expect(await window('seconds=10')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^cluster is required/) } });

    const cumulative = JSON.parse((await get(`${proxy.adminUrl}/stats/counters`)).body) as { clusters: Record<string, unknown> };
    expect(cumulative.clusters[cluster]).toEqual({ requests: 10, errors: 3 });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
