/**
 * The demo's objects for each metrics source: one Rollout for both template sets, the web
 * templates mirroring the Prometheus ones, the web templates measuring a real edge proxy's
 * /stats/window (verdict with traffic, an Error naming the counts below min-requests), and the
 * judge's template reading the same edge proxy's /stats/counters through the web provider.
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
import { buildDemoManifests, COUNTS_ADDRESS_PLACEHOLDER, METRICS_ADDRESS_PLACEHOLDER, type Doc } from '../../../src/sandbox/demo/demo-manifests.js';
import type { MetricsSource } from '../../../src/sandbox/demo/demo-options.js';
import { startEdgeProxy, type EdgeProxy } from '../../../src/sandbox/edge-proxy/edge-proxy.js';
import { createStaticRoutingSource } from '../../../src/sandbox/edge-proxy/routing-source.js';
import { createSilentLogger } from '../../../src/telemetry/logger.js';

const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');

function build(metrics: MetricsSource, metricsAddress: string, countsAddress = 'http://counts'): Doc[] {
  return buildDemoManifests({ repoRoot, metrics, metricsAddress, countsAddress, ambassadorId: 'kanary-demo-x' });
}

type RolloutDoc = { spec: { strategy: { canary: { analysis: { templates: Array<{ templateName: string }>; args: Array<{ name: string; value: string }> } } } } };

function templates(docs: Doc[]) {
  return docs.filter((d) => d.kind === 'AnalysisTemplate').map((d) => {
    const result = validateAnalysisTemplate(d);
    if (!result.template) throw new Error(JSON.stringify(result.problems));
    return result.template;
  });
}

/** Everything a metric decides with, minus the provider, the condition's `result` shape and the judge's query texts. */
function shape(metric: Metric) {
  const { provider: _provider, successCondition, judge, ...rest } = metric;
  const judgeShape = judge && { ...judge, counts: { counters: judge.counts.counters, queries: Object.keys(judge.counts).filter((k) => k !== 'counters').sort() } };
  return { ...rest, successCondition: successCondition?.replace('result[0]', 'result').replace('size(result) > 0 && ', ''), judge: judgeShape };
}

function providerKeys(metric: Metric): string[] {
  return Object.keys(metric.provider).filter((k) => metric.provider[k as keyof typeof metric.provider] !== undefined);
}

describe('buildDemoManifests', () => {
  test.each<[MetricsSource, string]>([['prometheus', 'http://127.0.0.1:9099'], ['edge-proxy', 'http://127.0.0.1:7001']])('%s: the addresses fill every metrics-address and counts-address, no placeholder left', (metrics, address) => {
    const docs = build(metrics, address, 'http://127.0.0.1:7002');
    const text = JSON.stringify(docs);
    expect(text).not.toContain(METRICS_ADDRESS_PLACEHOLDER);
    expect(text).not.toContain(COUNTS_ADDRESS_PLACEHOLDER);
    expect(text).not.toContain('prometheus-address');
    const rollout = docs.find((d) => d.kind === 'Rollout') as RolloutDoc;
    const steps = (rollout.spec.strategy.canary as unknown as { steps: Array<{ analysis?: { args: Array<{ name: string; value: string }> } }> }).steps;
    for (const step of steps.filter((s) => s.analysis)) expect(step.analysis!.args).toContainEqual({ name: 'metrics-address', value: address });
    expect(rollout.spec.strategy.canary.analysis.args).toContainEqual({ name: 'counts-address', value: 'http://127.0.0.1:7002' });
    expect(docs.map((d) => d.kind)).toEqual(['AnalysisTemplate', 'AnalysisTemplate', 'AnalysisTemplate', 'Service', 'Service', 'Mapping', 'Rollout']);
    // thresholds and the judge read the metrics source: Prometheus, or the edge proxy through the web provider
    const provider = metrics === 'prometheus' ? 'prometheus' : 'web';
    const thresholds = templates(docs).filter((t) => t.metadata.name !== 'demo-judge-errors').flatMap((t) => t.spec.metrics.flatMap(providerKeys));
    expect(new Set(thresholds)).toEqual(new Set([provider]));
    const judge = templates(docs).find((t) => t.metadata.name === 'demo-judge-errors')!;
    const countsAt = (m: Metric) => m.provider.prometheus?.address ?? m.provider.web?.url;
    const expectedAt = metrics === 'prometheus' ? '{{args.counts-address}}' : '{{args.counts-address}}/stats/counters';
    expect(judge.spec.metrics.map((m) => [m.name, providerKeys(m), countsAt(m), m.judge !== undefined])).toEqual([['errors-vs-stable', [provider], expectedAt, true]]);
  });

  test('background analysis is the judge alone, from step 1, on the canary and stable clusters; the analysis steps keep the thresholds', () => {
    const rollout = build('prometheus', 'http://p').find((d) => d.kind === 'Rollout') as RolloutDoc;
    const analysis = rollout.spec.strategy.canary.analysis;
    expect(analysis).toMatchObject({ startingStep: 1, templates: [{ templateName: 'demo-judge-errors' }] });
    expect(analysis.args).toEqual(expect.arrayContaining([{ name: 'envoy-cluster', value: 'demo_canary_80' }, { name: 'stable-cluster', value: 'demo_stable_80' }]));
    const steps = (rollout.spec.strategy.canary as unknown as { steps: Array<{ analysis?: { templates: Array<{ templateName: string }> } }> }).steps;
    expect(steps.flatMap((s) => (s.analysis ? [s.analysis.templates.map((t) => t.templateName)] : []))).toEqual([
      ['demo-success-rate', 'demo-p99-latency'], ['demo-success-rate', 'demo-p99-latency'], ['demo-p99-latency'],
    ]);
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

describe('the judge\'s template without Prometheus: the edge proxy\'s /stats/counters through the web provider', () => {
  let proxy: EdgeProxy;
  let app: http.Server;
  let get: (path: string) => Promise<string>;

  beforeAll(async () => {
    app = http.createServer((req, res) => {
      res.writeHead(req.url?.startsWith('/fail') ? 503 : 200); // the Mapping's prefix is rewritten to /
      res.end('ok');
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.7', resolve));
    const endpoint = [{ host: '127.0.0.7', port: (app.address() as AddressInfo).port }];
    const mapping = (name: string, prefix: string) => ({
      apiVersion: 'getambassador.io/v2', kind: 'Mapping', metadata: { name, namespace: 'demo' },
      spec: { prefix, service: `${name}:80`, ambassador_id: ['kanary-demo-x'] },
    });
    const source = createStaticRoutingSource({
      mappings: [mapping('stable', '/stable/'), mapping('bad', '/bad/'), mapping('good', '/good/')],
      endpoints: { 'demo/stable:80': endpoint, 'demo/bad:80': endpoint, 'demo/good:80': endpoint },
    });
    proxy = await startEdgeProxy({ source, logger: createSilentLogger(), ambassadorNamespace: 'demo', ambassadorId: 'kanary-demo-x' });
    get = (path: string) => fetch(`${proxy.url}${path}`).then((r) => r.text());
    // every cluster has served before the judge's first reading, as the demo's do
    for (const prefix of ['/stable/ok', '/bad/ok', '/good/ok']) await get(prefix);
  });

  afterAll(async () => {
    await proxy.stop();
    await new Promise((resolve) => app.close(resolve));
  });

  /** The demo's judge template, measured twice: a first counter reading, then one judged interval after `traffic`. */
  async function judgeOnce(canary: string, traffic: () => Promise<void>) {
    const template = templates(build('edge-proxy', proxy.adminUrl, proxy.adminUrl)).find((t) => t.metadata.name === 'demo-judge-errors')!;
    let clockMs = Date.now();
    const now = () => new Date(clockMs);
    const deps = { providers: [createWebProvider()], conditions: createConditionEnvironment(), now };
    const args = [{ name: 'envoy-cluster', value: canary }, { name: 'stable-cluster', value: 'stable_80' }, { name: 'counts-address', value: proxy.adminUrl }];
    let run = analysisRunSchema.parse({
      apiVersion: 'kanary.dev/v1alpha1', kind: 'AnalysisRun', metadata: { name: 'r', namespace: 'demo' }, spec: { metrics: template.spec.metrics, args },
    });
    run = { ...run, status: (await reconcileAnalysisRun(run, deps)).status };
    expect(run.status!.metricResults[0]!.measurements.at(-1)!.judge!.interval).toBe('firstScrape');
    await traffic();
    clockMs += 1000;
    return { ...run, status: (await reconcileAnalysisRun(run, deps)).status };
  }

  test('a canary answering 25% 5xx beside an error-free stable fails the run, with the counts per arm and the evidence', async () => {
    const run = await judgeOnce('bad_80', async () => {
      for (let i = 0; i < 200; i++) await get('/stable/ok');
      for (let i = 0; i < 20; i++) await get(i % 4 === 0 ? '/bad/fail' : '/bad/ok');
    });
    expect(run.status!.phase).toBe('Failed');
    expect(run.status!.message).toMatch(/^Metric "errors-vs-stable" assessed Failed due to judge: canary worse than stable \(evidence \d+ ≥ 100\)$/);
    const judged = run.status!.metricResults[0]!.measurements.at(-1)!.judge!;
    expect(judged).toMatchObject({ interval: 'judged', canaryRequests: 20, canaryErrors: 5, baselineRequests: 200, baselineErrors: 0, observedRatio: 'inf', abortThreshold: 100 });
    expect(judged.abortEvidence).toBeGreaterThanOrEqual(100);
  });

  test('an error-free canary beside the same stable is not aborted', async () => {
    const run = await judgeOnce('good_80', async () => {
      for (let i = 0; i < 200; i++) await get('/stable/ok');
      for (let i = 0; i < 20; i++) await get('/good/ok');
    });
    expect(run.status!.phase).toBe('Running');
    const judged = run.status!.metricResults[0]!.measurements.at(-1)!.judge!;
    expect(judged).toMatchObject({ interval: 'judged', canaryRequests: 20, canaryErrors: 0, baselineRequests: 200, baselineErrors: 0 });
    expect(judged.abortEvidence).toBeLessThan(100);
  });
});
