// /stats/counters: each upstream cluster's cumulative requests and 5xx, for the judge's counts on
// the web provider; errors read 0 (not missing) until the cluster's first 5xx.
import { buildClusterCounters } from '../../../src/sandbox/edge-proxy/counters-endpoint.js';
import { createEnvoyMetrics } from '../../../src/sandbox/edge-proxy/envoy-metrics.js';
import type { RegistryMetricJson } from '../../../src/sandbox/edge-proxy/counters-endpoint.js';

test('requests and 5xx per cluster, cumulative; 4xx are not errors; no 5xx yet is 0', async () => {
  const metrics = createEnvoyMetrics();
  const record = (clusterName: string, statusCode: number) => metrics.recordUpstream({ clusterName, statusCode, durationMs: 1 });
  for (const code of [200, 200, 503, 500, 404]) record('demo_canary_80', code);
  for (const code of [200, 200, 201]) record('demo_80', code);
  const json = await metrics.registry.getMetricsAsJSON() as RegistryMetricJson[];
  expect(buildClusterCounters(json)).toEqual({ clusters: { demo_canary_80: { requests: 5, errors: 2 }, demo_80: { requests: 3, errors: 0 } } });
  record('demo_80', 502);
  const later = await metrics.registry.getMetricsAsJSON() as RegistryMetricJson[];
  expect(buildClusterCounters(later).clusters['demo_80']).toEqual({ requests: 4, errors: 1 });
});

test('no requests yet: no clusters (a count read from it is missing, never 0)', () => {
  expect(buildClusterCounters([])).toEqual({ clusters: {} });
});
