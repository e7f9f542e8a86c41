// examples/analysis-templates/judge-errors.yaml validates and reads real Envoy-style counters from a
// real Prometheus: a first reading, then the increases per arm; an arm without any 5xx series yet
// reads 0 errors (the `or (... * 0)` of the template), not a missing count.
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { Counter, Registry } from 'prom-client';
import { validateAnalysisTemplate } from '../../src/api/analysis-validate.js';
import { analysisRunSchema, type AnalysisRun } from '../../src/api/analysis.js';
import { reconcileAnalysisRun } from '../../src/analysis/analysis-run-reconciler.js';
import { createConditionEnvironment } from '../../src/analysis/cel-condition.js';
import { createPrometheusProvider } from '../../src/analysis/prometheus.js';
import { startPrometheus, waitForQuery } from '../harness/prometheus.js';
import { startServer } from './fixtures/http-server.js';

const templateOf = () => validateAnalysisTemplate(load(readFileSync('examples/analysis-templates/judge-errors.yaml', 'utf8')));

test('examples/analysis-templates/judge-errors.yaml validates', () => {
  const result = templateOf();
  expect(result.problems).toEqual([]);
  expect(result.template?.spec.metrics[0]?.judge).toMatchObject({ alpha: 0.01, badRatio: 2, counts: { counters: 'cumulative' } });
});

test('the judge example reads per-arm counters from Prometheus: first reading, then increases; no 5xx series yet reads 0', async () => {
  const registry = new Registry();
  const total = new Counter({ name: 'envoy_cluster_upstream_rq_total', help: 'h', labelNames: ['envoy_cluster_name'], registers: [registry] });
  const xx = new Counter({ name: 'envoy_cluster_upstream_rq_xx', help: 'h', labelNames: ['envoy_cluster_name', 'envoy_response_code_class'], registers: [registry] });
  const request = (cluster: string, klass: string) => {
    total.inc({ envoy_cluster_name: cluster });
    xx.inc({ envoy_cluster_name: cluster, envoy_response_code_class: klass });
  };
  for (let i = 0; i < 10; i++) request('canary_80', i < 9 ? '2' : '5');
  for (let i = 0; i < 10; i++) request('stable_80', '2');
  const target = await startServer(async (_req, res) => { res.end(await registry.metrics()); });
  const prom = await startPrometheus({ targets: [target.hostPort] });
  try {
    const sumIs = (n: number) => (r: unknown) => Array.isArray(r) && r.length > 0 && Number((r[0] as { value: string[] }).value[1]) === n;
    await waitForQuery(prom.address, 'sum(envoy_cluster_upstream_rq_total)', sumIs(20));
    const template = templateOf().template!;
    let run: AnalysisRun = analysisRunSchema.parse({
      apiVersion: 'kanary.dev/v1alpha1', kind: 'AnalysisRun', metadata: { name: 'r', namespace: 'default' },
      spec: {
        metrics: template.spec.metrics,
        args: [{ name: 'canary-cluster', value: 'canary_80' }, { name: 'stable-cluster', value: 'stable_80' }, { name: 'prometheus-address', value: prom.address }],
      },
    });
    let clock = Date.now();
    const deps = { providers: [createPrometheusProvider({ now: () => new Date() })], conditions: createConditionEnvironment(), now: () => new Date(clock) };
    run = { ...run, status: (await reconcileAnalysisRun(run, deps)).status };
    for (let i = 0; i < 100; i++) request('canary_80', i < 96 ? '2' : '5');
    for (let i = 0; i < 300; i++) request('stable_80', '2');
    await waitForQuery(prom.address, 'sum(envoy_cluster_upstream_rq_total)', sumIs(420));
    clock += 10_000;
    run = { ...run, status: (await reconcileAnalysisRun(run, deps)).status };
    const [first, second] = run.status!.metricResults[0]!.measurements;
    expect(first!.judge!.interval).toBe('firstScrape');
    expect(second!.judge).toMatchObject({ interval: 'warmup', canaryRequests: 100, canaryErrors: 4, baselineRequests: 300, baselineErrors: 0 });
    expect(second!.message).toContain('warm-up interval, not judged');
    expect(run.status!.phase).toBe('Running');
  } finally {
    await prom.stop();
    await target.close();
  }
}, 60_000);
