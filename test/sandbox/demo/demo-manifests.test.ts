/**
 * The demo's objects for each metrics source: one Rollout for both template sets, the web
 * templates mirroring the Prometheus ones, and the web templates measuring a real edge proxy's
 * /stats/window (verdict with traffic, an Error naming the counts below min-requests).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { validateAnalysisTemplate } from '../../../src/api/analysis-validate.js';
import { analysisRunSchema, type Metric } from '../../../src/api/analysis.js';
import { reconcileAnalysisRun } from '../../../src/analysis/analysis-run-reconciler.js';
import { createConditionEnvironment } from '../../../src/analysis/cel-condition.js';
import { createWebProvider } from '../../../src/analysis/web.js';
import { buildDemoManifests, METRICS_ADDRESS_PLACEHOLDER, type Doc } from '../../../src/sandbox/demo/demo-manifests.js';
import type { MetricsSource } from '../../../src/sandbox/demo/demo-options.js';
import { startEdgeProxy, type EdgeProxy } from '../../../src/sandbox/edge-proxy/edge-proxy.js';
import { createStaticRoutingSource } from '../../../src/sandbox/edge-proxy/routing-source.js';
import { createSilentLogger } from '../../../src/telemetry/logger.js';

const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');

function build(metrics: MetricsSource, metricsAddress: string): Doc[] {
  return buildDemoManifests({ repoRoot, metrics, metricsAddress, ambassadorId: 'kanary-demo-x' });
}

function templates(docs: Doc[]) {
  return docs.filter((d) => d.kind === 'AnalysisTemplate').map((d) => {
    const result = validateAnalysisTemplate(d);
    if (!result.template) throw new Error(JSON.stringify(result.problems));
    return result.template;
  });
}

/** Everything a metric decides with, minus the provider and the condition's `result` shape. */
function shape(metric: Metric) {
  const { provider: _provider, successCondition, ...rest } = metric;
  return { ...rest, successCondition: successCondition?.replace('result[0]', 'result').replace('size(result) > 0 && ', '') };
}

describe('buildDemoManifests', () => {
  test.each<[MetricsSource, string]>([['prometheus', 'http://127.0.0.1:9099'], ['edge-proxy', 'http://127.0.0.1:7001']])('%s: the address fills every metrics-address, no placeholder left', (metrics, address) => {
    const docs = build(metrics, address);
    const text = JSON.stringify(docs);
    expect(text).not.toContain(METRICS_ADDRESS_PLACEHOLDER);
    expect(text).not.toContain('prometheus-address');
    const rollout = docs.find((d) => d.kind === 'Rollout') as { spec: { strategy: { canary: { analysis: { args: Array<{ name: string; value: string }> } } } } };
    expect(rollout.spec.strategy.canary.analysis.args).toContainEqual({ name: 'metrics-address', value: address });
    expect(docs.map((d) => d.kind)).toEqual(['AnalysisTemplate', 'AnalysisTemplate', 'Service', 'Service', 'Mapping', 'Rollout']);
    const providers = templates(docs).flatMap((t) => t.spec.metrics.map((m) => Object.keys(m.provider).filter((k) => m.provider[k as keyof typeof m.provider] !== undefined)));
    expect(new Set(providers.flat())).toEqual(new Set([metrics === 'prometheus' ? 'prometheus' : 'web']));
  });

  test('the web templates have the Prometheus templates\' names, args, intervals, counts, limits and thresholds', () => {
    const prom = templates(build('prometheus', 'http://p'));
    const web = templates(build('edge-proxy', 'http://e'));
    expect(web.map((t) => t.metadata.name)).toEqual(prom.map((t) => t.metadata.name));
    for (const [i, t] of web.entries()) {
      const p = prom[i]!;
      expect(t.spec.metrics.map(shape)).toEqual(p.spec.metrics.map(shape));
      const argNames = (x: typeof t) => x.spec.args.map((a) => a.name).filter((n) => n !== 'window' && n !== 'window-seconds');
      expect(argNames(t)).toEqual(argNames(p));
      expect(t.spec.args.filter((a) => a.value !== undefined && !a.name.startsWith('window'))).toEqual(p.spec.args.filter((a) => a.value !== undefined && !a.name.startsWith('window')));
    }
  });
});

describe('the web templates against a real edge proxy', () => {
  let proxy: EdgeProxy;
  let app: http.Server;

  beforeAll(async () => {
    app = http.createServer((req, res) => {
      res.writeHead(req.url?.startsWith('/fail') ? 503 : 200);
      res.end('ok');
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.7', resolve));
    const endpoint = [{ host: '127.0.0.7', port: (app.address() as AddressInfo).port }];
    const mapping = (name: string, prefix: string) => ({
      apiVersion: 'getambassador.io/v2', kind: 'Mapping', metadata: { name, namespace: 'demo' },
      spec: { prefix, service: `${name}:80`, ambassador_id: ['kanary-demo-x'] },
    });
    const source = createStaticRoutingSource({
      mappings: [mapping('demo-canary', '/canary/'), mapping('faulty', '/faulty/'), mapping('quiet', '/quiet/')],
      endpoints: { 'demo/demo-canary:80': endpoint, 'demo/faulty:80': endpoint, 'demo/quiet:80': endpoint },
    });
    proxy = await startEdgeProxy({ source, logger: createSilentLogger(), ambassadorNamespace: 'demo', ambassadorId: 'kanary-demo-x' });
    const get = (path: string) => fetch(`${proxy.url}${path}`).then((r) => r.text());
    for (let i = 0; i < 20; i++) await get('/canary/ok');
    for (let i = 0; i < 20; i++) await get(i % 4 === 0 ? '/faulty/fail' : '/faulty/ok');
    for (let i = 0; i < 3; i++) await get('/quiet/ok');
  });

  afterAll(async () => {
    await proxy.stop();
    await new Promise((resolve) => app.close(resolve));
  });

  async function measure(templateName: string, cluster: string) {
    const template = templates(build('edge-proxy', proxy.adminUrl)).find((t) => t.metadata.name === templateName)!;
    const args = template.spec.args.map((a) => {
      if (a.name === 'envoy-cluster') return { name: a.name, value: cluster };
      if (a.name === 'metrics-address') return { name: a.name, value: proxy.adminUrl };
      // the requests above stay in the window however slow this machine is
      if (a.name === 'window-seconds') return { name: a.name, value: '60' };
      return a;
    });
    const run = analysisRunSchema.parse({
      apiVersion: 'kanary.dev/v1alpha1', kind: 'AnalysisRun', metadata: { name: 'r', namespace: 'demo' },
      // measure at once: the templates' initialDelay is not what this checks
      spec: { metrics: template.spec.metrics.map(({ initialDelay: _delay, ...metric }) => metric), args },
    });
    const deps = { providers: [createWebProvider()], conditions: createConditionEnvironment(), now: () => new Date() };
    return (await reconcileAnalysisRun(run, deps)).status.metricResults[0]!.measurements[0]!;
  }

  test.each([
    ['demo-success-rate', 'demo_canary_80', 'Successful', 1],
    ['demo-success-rate', 'faulty_80', 'Failed', 0.75],
    ['demo-p99-latency', 'demo_canary_80', 'Successful', undefined],
  ])('%s on %s: %s', async (template, cluster, phase, value) => {
    const m = await measure(template, cluster);
    expect(m.phase).toBe(phase);
    if (value !== undefined) expect(Number(m.value)).toBe(value);
    else expect(Number(m.value)).toBeLessThan(600);
  });

  test.each(['demo-success-rate', 'demo-p99-latency'])('%s below min-requests: an Error naming the counts', async (template) => {
    const m = await measure(template, 'quiet_80');
    expect(m.phase).toBe('Error');
    expect(m.message).toContain('HTTP 503');
    expect(m.message).toContain('only 3 requests to quiet_80 in the last 60s (need 10)');
  });
});
