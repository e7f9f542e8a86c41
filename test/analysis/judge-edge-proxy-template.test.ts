// The judge template of docs/analysis.md ("Counts from the web provider") validates and, against a
// real edge proxy's GET /stats/counters, aborts a canary answering 5xx far more often than stable:
// traffic through the proxy, cumulative counters per cluster, the web provider, the judge.
import * as http from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { load } from 'js-yaml';
import { validateAnalysisTemplate } from '../../src/api/analysis-validate.js';
import { analysisRunSchema, type AnalysisRun } from '../../src/api/analysis.js';
import { reconcileAnalysisRun } from '../../src/analysis/analysis-run-reconciler.js';
import { createConditionEnvironment } from '../../src/analysis/cel-condition.js';
import { createWebProvider } from '../../src/analysis/web.js';
import { startEdgeProxy, type EdgeProxy } from '../../src/sandbox/edge-proxy/edge-proxy.js';
import { createStaticRoutingSource } from '../../src/sandbox/edge-proxy/routing-source.js';
import { createSeededRandom } from '../../src/sandbox/kubelet/random.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { rawMapping } from '../sandbox/edge-proxy/mapping-fixture.js';

function docsTemplate(): unknown {
  const blocks = [...readFileSync('docs/analysis.md', 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const block = blocks.find((b) => b.includes('name: judge-errors-edge-proxy'));
  if (block === undefined) throw new Error('docs/analysis.md has no judge-errors-edge-proxy template');
  return load(block);
}

/** Answers 500 to every `failEvery`-th request (0: never). */
async function startWorkload(host: string, failEvery: number): Promise<http.Server> {
  let n = 0;
  const server = http.createServer((_req, res) => {
    n += 1;
    res.writeHead(failEvery > 0 && n % failEvery === 0 ? 500 : 200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return server;
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

let proxy: EdgeProxy;
const workloads: http.Server[] = [];

beforeAll(async () => {
  const stable = await startWorkload('127.0.0.2', 0);
  const canary = await startWorkload('127.0.0.3', 4);
  workloads.push(stable, canary);
  const port = (s: http.Server) => (s.address() as AddressInfo).port;
  proxy = await startEdgeProxy({
    source: createStaticRoutingSource({
      mappings: [rawMapping('demo', { service: 'demo-stable:80' }), rawMapping('demo-canary', { service: 'demo-canary:80', weight: 30 })],
      endpoints: { 'shop/demo-stable:80': [{ host: '127.0.0.2', port: port(stable) }], 'shop/demo-canary:80': [{ host: '127.0.0.3', port: port(canary) }] },
    }),
    random: createSeededRandom(7),
    logger: createLogger({ sink: () => undefined }),
  });
});

afterAll(async () => {
  await proxy.stop();
  for (const w of workloads) await new Promise((resolve) => w.close(resolve));
});

async function sendTraffic(requests: number): Promise<void> {
  for (let i = 0; i < requests; i++) await get(`${proxy.url}/demo/x`);
}

test('the docs template validates', () => {
  expect(validateAnalysisTemplate(docsTemplate()).problems).toEqual([]);
});

test('on the edge proxy\'s /stats/counters it aborts a canary with 25% 5xx against a clean stable', async () => {
  await sendTraffic(40);
  const counters = JSON.parse(await get(`${proxy.adminUrl}/stats/counters`)) as { clusters: Record<string, { requests: number; errors: number }> };
  const names = Object.keys(counters.clusters);
  const canaryCluster = names.find((n) => n.includes('canary'))!;
  const stableCluster = names.find((n) => !n.includes('canary'))!;
  expect(counters.clusters[canaryCluster]!.errors).toBeGreaterThan(0);
  expect(counters.clusters[stableCluster]!.errors).toBe(0);

  const template = validateAnalysisTemplate(docsTemplate()).template!;
  let run: AnalysisRun = analysisRunSchema.parse({
    apiVersion: 'kanary.dev/v1alpha1', kind: 'AnalysisRun', metadata: { name: 'r', namespace: 'default' },
    spec: {
      metrics: template.spec.metrics,
      args: [{ name: 'edge-proxy-admin', value: proxy.adminUrl }, { name: 'canary-cluster', value: canaryCluster }, { name: 'stable-cluster', value: stableCluster }],
    },
  });
  let clockMs = Date.parse('2030-01-01T00:00:00Z');
  const deps = { providers: [createWebProvider()], conditions: createConditionEnvironment(), now: () => new Date(clockMs) };
  for (let i = 0; i < 30 && run.status?.phase !== 'Failed'; i++) {
    const result = await reconcileAnalysisRun(run, deps);
    run = { ...run, status: result.status };
    if (result.requeueAfterMs === undefined) break;
    clockMs += result.requeueAfterMs;
    await sendTraffic(40);
  }
  expect(run.status?.phase).toBe('Failed');
  const metric = run.status!.metricResults[0]!;
  expect(metric.judge!.state.verdict).toMatchObject({ outcome: 'fail' });
  expect(metric.judge!.state.canaryErrors).toBeGreaterThan(0);
  expect(metric.judge!.state.baselineErrors).toBe(0);
  expect(metric.resolvedQuery).toBe(
    `GET ${proxy.adminUrl}/stats/counters; canaryRequests: $.clusters['${canaryCluster}'].requests; canaryErrors: $.clusters['${canaryCluster}'].errors; ` +
    `baselineRequests: $.clusters['${stableCluster}'].requests; baselineErrors: $.clusters['${stableCluster}'].errors`,
  );
}, 30_000);
