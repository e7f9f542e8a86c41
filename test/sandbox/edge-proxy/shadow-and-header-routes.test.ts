// Shadow Mappings (Emissary's traffic mirroring) and header routes in the edge proxy: a shadow gets a
// copy of its share of the group's requests, takes no part in the weights and never answers the
// client; a Mapping with a header match and a higher precedence takes exactly the requests with it.
import { jest } from '@jest/globals';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEdgeProxy, type EdgeProxy } from '../../../src/sandbox/edge-proxy/edge-proxy.js';
import { createStaticRoutingSource } from '../../../src/sandbox/edge-proxy/routing-source.js';
import { buildRoutingTable, selectRoute } from '../../../src/sandbox/edge-proxy/routing-table.js';
import type { RequestInfo } from '../../../src/sandbox/edge-proxy/route-match.js';
import { createSeededRandom } from '../../../src/sandbox/kubelet/random.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { edgeMapping, rawMapping } from './mapping-fixture.js';

const env = { ambassadorNamespace: 'emissary', ambassadorId: 'default' };
const request = (headers: Record<string, string> = {}): RequestInfo => ({ method: 'GET', url: '/demo/x', host: 'localhost', headers });

describe('routing table', () => {
  test('a shadow joins its group without taking part in the weights; its weight is the mirrored share', () => {
    const { table, problems } = buildRoutingTable({
      mappings: [edgeMapping('demo'), edgeMapping('demo-canary', { service: 'demo-canary:80', weight: 20 }), edgeMapping('demo-mirror', { service: 'demo-canary:80', shadow: true, weight: 25 })],
      ...env,
    });
    expect(problems).toEqual([]);
    expect(table.groups).toHaveLength(1);
    expect(table.groups[0]?.entries.map((e) => [e.mapping.name, e.percent])).toEqual([['demo', 80], ['demo-canary', 20]]);
    expect(table.groups[0]?.shadow?.mapping.name).toBe('demo-mirror');
    expect(table.groups[0]?.shadow?.percent).toBe(25);
  });

  test.each<[number, boolean]>([[0, true], [24.9, true], [25, false], [99, false]])('a shadow draw of %d copies the request: %s', (shadowDraw, copied) => {
    const { table } = buildRoutingTable({ mappings: [edgeMapping('demo'), edgeMapping('demo-mirror', { service: 'demo-canary:80', shadow: true, weight: 25 })], ...env });
    const route = selectRoute(table, request(), 50, () => shadowDraw);
    expect(route?.entry.mapping.name).toBe('demo');
    expect(route?.shadow?.entry.mapping.name).toBe(copied ? 'demo-mirror' : undefined);
  });

  test('a shadow without weight copies every request; a second shadow in a group is refused; a group of shadows alone routes nothing', () => {
    const { table, problems } = buildRoutingTable({
      mappings: [
        edgeMapping('demo'),
        edgeMapping('demo-a', { service: 'a:80', shadow: true }),
        edgeMapping('demo-b', { service: 'b:80', shadow: true }),
        edgeMapping('lonely', { prefix: '/other/', service: 'c:80', shadow: true }),
      ],
      ...env,
    });
    expect(table.groups.map((g) => [g.entries.map((e) => e.mapping.name), g.shadow?.mapping.name, g.shadow?.percent])).toEqual([[['demo'], 'demo-a', 100]]);
    expect(problems.map((p) => p.message).sort()).toEqual(['a group of shadow Mappings only has no route to shadow', 'cannot accept shop/demo-b as second shadow after shop/demo-a']);
  });

  test('a header route with a higher precedence takes the requests with the header; the others stay in the weighted group', () => {
    const { table } = buildRoutingTable({
      mappings: [
        edgeMapping('demo'),
        edgeMapping('demo-canary', { service: 'demo-canary:80', weight: 10 }),
        edgeMapping('demo-beta-header', { service: 'demo-canary:80', headers: { 'x-canary': 'yes' }, precedence: 1 }),
      ],
      ...env,
    });
    expect(selectRoute(table, request({ 'x-canary': 'yes' }), 95)?.entry.mapping.name).toBe('demo-beta-header');
    expect(selectRoute(table, request({ 'x-canary': 'no' }), 95)?.entry.mapping.name).toBe('demo-canary');
    expect(selectRoute(table, request(), 50)?.entry.mapping.name).toBe('demo');
  });
});

interface Workload {
  server: http.Server;
  port: number;
  /** Host header of each request received. */
  hosts: string[];
}

async function startWorkload(host: string, version: string): Promise<Workload> {
  const hosts: string[] = [];
  const server = http.createServer((req, res) => {
    hosts.push(String(req.headers.host));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ version }));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as AddressInfo).port, hosts };
}

function versionOf(url: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve(String((JSON.parse(body) as { version: string }).version)));
    }).on('error', reject);
  });
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('the proxy', () => {
  let stable: Workload;
  let canary: Workload;
  let proxy: EdgeProxy;

  beforeAll(async () => {
    stable = await startWorkload('127.0.0.2', 'v1');
    canary = await startWorkload('127.0.0.3', 'v2');
    const source = createStaticRoutingSource({
      mappings: [
        rawMapping('demo', { service: 'demo-stable:80' }),
        rawMapping('demo-copy-mirror-0', { service: 'demo-canary:80', shadow: true, weight: 25 }),
        rawMapping('demo-beta-header', { service: 'demo-canary:80', headers: { 'x-canary': 'yes' }, precedence: 2 }),
      ],
      endpoints: {
        'shop/demo-stable:80': [{ host: '127.0.0.2', port: stable.port }],
        'shop/demo-canary:80': [{ host: '127.0.0.3', port: canary.port }],
      },
    });
    proxy = await startEdgeProxy({ source, random: createSeededRandom(7), logger: createLogger({ sink: () => undefined }) });
  });

  /** envoy_cluster_upstream_rq_total of the canary's cluster (the shadow's copies). */
  async function shadowCount(): Promise<number> {
    const text = await (await fetch(proxy.metricsUrl)).text();
    return Number(/^envoy_cluster_upstream_rq_total\{envoy_cluster_name="demo_canary_shop_80"\} (\d+)$/m.exec(text)?.[1] ?? 0);
  }

  afterAll(async () => {
    await proxy.stop();
    for (const w of [stable, canary]) await new Promise((resolve) => w.server.close(resolve));
  });

  jest.setTimeout(60_000);

  test('clients get stable\'s answers while the canary receives a copy of about 25 % of them, marked -shadow', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 400; i += 1) answers.push(await versionOf(`${proxy.url}/demo/x`, { host: 'shop.test' }));
    expect(new Set(answers)).toEqual(new Set(['v1']));
    expect(stable.hosts.filter((h) => h === 'shop.test')).toHaveLength(400);
    // A copy is counted on the shadow's cluster once answered: wait until every copy received was answered.
    await until(async () => (await shadowCount()) === canary.hosts.length);
    const mirrored = canary.hosts.filter((h) => h === 'shop.test-shadow').length;
    expect(mirrored).toBeGreaterThanOrEqual(70);
    expect(mirrored).toBeLessThanOrEqual(130);
  });

  test('/routes lists the shadow after its group\'s weighted entries', async () => {
    const routes = await (await fetch(`${proxy.adminUrl}/routes`)).json() as Array<Array<{ mapping: string; percent: number; shadow?: boolean }>>;
    const base = routes.find((group) => group.some((e) => e.mapping === 'shop/demo'));
    expect(base?.map((e) => [e.mapping, e.percent, e.shadow ?? false])).toEqual([['shop/demo', 100, false], ['shop/demo-copy-mirror-0', 25, true]]);
  });

  test('with the header, the canary answers every request; the other requests are not affected', async () => {
    const withHeader = await Promise.all(Array.from({ length: 20 }, () => versionOf(`${proxy.url}/demo/x`, { 'x-canary': 'yes' })));
    const without = await Promise.all(Array.from({ length: 20 }, () => versionOf(`${proxy.url}/demo/x`, { 'x-canary': 'nope' })));
    expect(new Set(withHeader)).toEqual(new Set(['v2']));
    expect(new Set(without)).toEqual(new Set(['v1']));
  });
});
