import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { Counter, Histogram, Registry } from 'prom-client';
import { validateAnalysisTemplate } from '../../src/api/analysis-validate.js';
import { analysisRunSchema } from '../../src/api/analysis.js';
import { reconcileAnalysisRun } from '../../src/analysis/analysis-run-reconciler.js';
import { createConditionEnvironment } from '../../src/analysis/cel-condition.js';
import { createPrometheusProvider } from '../../src/analysis/prometheus.js';
import { startPrometheus, waitForQuery } from '../harness/prometheus.js';
import { startServer } from './fixtures/http-server.js';

const files = ['success-rate', 'p99-latency'];
const templateOf = (name: string) => {
  const result = validateAnalysisTemplate(load(readFileSync(`examples/analysis-templates/${name}.yaml`, 'utf8')));
  if (!result.template) throw new Error(JSON.stringify(result.problems));
  return { ...result, template: result.template };
};

test.each(files)('examples/analysis-templates/%s.yaml validates', (name) => {
  expect(templateOf(name).problems).toEqual([]);
});

test('the shipped templates measure Envoy-style metrics: verdict with traffic, no data below min-requests', async () => {
  const registry = new Registry();
  const total = new Counter({ name: 'envoy_cluster_upstream_rq_total', help: 'h', labelNames: ['envoy_cluster_name'], registers: [registry] });
  const xx = new Counter({ name: 'envoy_cluster_upstream_rq_xx', help: 'h', labelNames: ['envoy_cluster_name', 'envoy_response_code_class'], registers: [registry] });
  const time = new Histogram({ name: 'envoy_cluster_upstream_rq_time', help: 'h', labelNames: ['envoy_cluster_name'], buckets: [5, 10, 25, 50, 100, 250, 500, 1000], registers: [registry] });
  const request = (cluster: string, klass: string, ms: number) => {
    total.inc({ envoy_cluster_name: cluster });
    xx.inc({ envoy_cluster_name: cluster, envoy_response_code_class: klass });
    time.observe({ envoy_cluster_name: cluster }, ms);
  };
  for (const cluster of ['demo_canary_80', 'quiet_canary_80']) request(cluster, '2', 1);
  const target = await startServer(async (_req, res) => { res.end(await registry.metrics()); });
  const prom = await startPrometheus({ targets: [target.hostPort] });
  try {
    await waitForQuery(prom.address, 'envoy_cluster_upstream_rq_total', (r) => Array.isArray(r) && r.length === 2);
    for (let i = 0; i < 100; i++) request('demo_canary_80', i < 90 ? '2' : '5', 20);
    request('quiet_canary_80', '2', 20);
    await waitForQuery(prom.address, 'sum(envoy_cluster_upstream_rq_total)', (r) => Array.isArray(r) && Number((r[0] as { value: string[] }).value[1]) === 103);

    const measure = async (template: string, cluster: string) => {
      const { template: t } = templateOf(template);
      const run = analysisRunSchema.parse({
        apiVersion: 'kanary.dev/v1alpha1', kind: 'AnalysisRun', metadata: { name: 'r', namespace: 'default' },
        spec: {
          metrics: t.spec.metrics,
          args: t.spec.args.map((a) => a.name === 'envoy-cluster' ? { name: a.name, value: cluster } : a.name === 'prometheus-address' ? { name: a.name, value: prom.address } : a),
        },
      });
      const deps = { providers: [createPrometheusProvider({ now: () => new Date() })], conditions: createConditionEnvironment(), now: () => new Date() };
      return (await reconcileAnalysisRun(run, deps)).status.metricResults[0]!.measurements[0]!;
    };

    const rate = await measure('success-rate', 'demo_canary_80');
    expect(rate.phase).toBe('Failed'); // ~0.9 < 0.95
    expect(JSON.parse(rate.value ?? '[]')[0]).toBeGreaterThan(0.85);
    expect(JSON.parse(rate.value ?? '[]')[0]).toBeLessThan(0.95);
    const latency = await measure('p99-latency', 'demo_canary_80');
    expect(latency.phase).toBe('Successful'); // p99 within the 10..25 ms bucket
    expect(JSON.parse(latency.value ?? '[]')[0]).toBeLessThanOrEqual(25);
    for (const template of files) {
      expect(await measure(template, 'quiet_canary_80')).toMatchObject({ phase: 'Error', message: 'query returned no data' });
    }
  } finally {
    await prom.stop();
    await target.close();
  }
}, 60_000);
