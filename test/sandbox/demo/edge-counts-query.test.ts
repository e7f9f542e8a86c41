/**
 * The judge's count queries without Prometheus: derived counters from the edge proxy's registry,
 * the selector subset, Prometheus's answer shape, and the real Prometheus provider reading them
 * over HTTP from the stand-in.
 */
import { buildCountSeries, answerInstantQuery, ERRORS_COUNTER, parseSelector, REQUESTS_COUNTER, startEdgeCountsQuery, type EdgeCountsQuery, type MetricJson } from '../../../src/sandbox/demo/edge-counts-query.js';
import { createEnvoyMetrics, type EnvoyMetrics } from '../../../src/sandbox/edge-proxy/envoy-metrics.js';
import { createPrometheusProvider } from '../../../src/analysis/prometheus.js';
import { metricSchema } from '../../../src/api/analysis.js';

const registryJson: MetricJson[] = [
  { name: 'envoy_cluster_upstream_rq_total', values: [{ value: 40, labels: { envoy_cluster_name: 'demo_canary_80' } }, { value: 400, labels: { envoy_cluster_name: 'demo_stable_80' } }] },
  {
    name: 'envoy_cluster_upstream_rq_xx',
    values: [
      { value: 28, labels: { envoy_cluster_name: 'demo_canary_80', envoy_response_code_class: '2' } },
      { value: 12, labels: { envoy_cluster_name: 'demo_canary_80', envoy_response_code_class: '5' } },
      { value: 3, labels: { envoy_cluster_name: 'demo_stable_80', envoy_response_code_class: '4' } },
      { value: 397, labels: { envoy_cluster_name: 'demo_stable_80', envoy_response_code_class: '2' } },
    ],
  },
];

describe('buildCountSeries', () => {
  test('requests and 5xx per cluster; a cluster without a 5xx yet has an error counter at 0', () => {
    expect(buildCountSeries(registryJson)).toEqual([
      { name: REQUESTS_COUNTER, labels: { envoy_cluster_name: 'demo_canary_80' }, value: 40 },
      { name: ERRORS_COUNTER, labels: { envoy_cluster_name: 'demo_canary_80' }, value: 12 },
      { name: REQUESTS_COUNTER, labels: { envoy_cluster_name: 'demo_stable_80' }, value: 400 },
      { name: ERRORS_COUNTER, labels: { envoy_cluster_name: 'demo_stable_80' }, value: 0 },
    ]);
  });

  test('no requests yet: no series at all (a missing count, not 0)', () => {
    expect(buildCountSeries([])).toEqual([]);
  });
});

describe('parseSelector', () => {
  test.each([
    ['edge_proxy_upstream_requests_total', { name: 'edge_proxy_upstream_requests_total', matchers: {} }],
    ['x{a="1"}', { name: 'x', matchers: { a: '1' } }],
    [' x { a = "1" , b="two words", } ', { name: 'x', matchers: { a: '1', b: 'two words' } }],
    ['x{a="q\\"uote\\\\"}', { name: 'x', matchers: { a: 'q"uote\\' } }],
  ])('%s', (query, selector) => {
    expect(parseSelector(query)).toEqual(selector);
  });

  test.each([
    ['', 'expected a metric name'],
    ['sum(x)', 'only a plain selector'],
    ['x{a="1"} or (y * 0)', 'only a plain selector'],
    ['x{a=~"1"}', 'only = matchers'],
    ['x{a!="1"}', 'only = matchers'],
    ['x{a="1" b="2"}', 'expected , or }'],
    ['x{a=1}', 'double-quoted'],
    ['x{a="1}', 'unterminated'],
    ['x{a="\\q"}', 'unsupported escape'],
  ])('%s is refused: %s', (query, reason) => {
    const parsed = parseSelector(query);
    expect(typeof parsed).toBe('string');
    expect(parsed).toContain(reason);
  });
});

describe('answerInstantQuery', () => {
  const series = buildCountSeries(registryJson);

  test('a vector of the matching series, at the asked time, values as strings', () => {
    const reply = answerInstantQuery(series, new URLSearchParams({ query: `${ERRORS_COUNTER}{envoy_cluster_name="demo_canary_80"}`, time: '1700000000.5' }), 1);
    expect(reply).toEqual({
      status: 200,
      body: { status: 'success', data: { resultType: 'vector', result: [{ metric: { __name__: ERRORS_COUNTER, envoy_cluster_name: 'demo_canary_80' }, value: [1700000000.5, '12'] }] } },
    });
  });

  test('no match: an empty vector; no time: now', () => {
    const reply = answerInstantQuery(series, new URLSearchParams({ query: `${REQUESTS_COUNTER}{envoy_cluster_name="nope"}` }), 42);
    expect(reply.body).toEqual({ status: 'success', data: { resultType: 'vector', result: [] } });
    const all = answerInstantQuery(series, new URLSearchParams({ query: REQUESTS_COUNTER }), 42);
    expect((all.body as { data: { result: Array<{ value: unknown[] }> } }).data.result.map((r) => r.value)).toEqual([[42, '40'], [42, '400']]);
  });

  test('PromQL beyond a selector: HTTP 400 with Prometheus\'s error body naming what is served', () => {
    const reply = answerInstantQuery(series, new URLSearchParams({ query: 'rate(x[1m])' }), 1);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ status: 'error', errorType: 'bad_data' });
    expect(String(reply.body.error)).toContain(`serves ${REQUESTS_COUNTER} and ${ERRORS_COUNTER} only`);
    expect(answerInstantQuery(series, new URLSearchParams(), 1).status).toBe(400);
  });
});

describe('the stand-in over HTTP, read by the real Prometheus provider', () => {
  let envoy: EnvoyMetrics;
  let counts: EdgeCountsQuery;
  const provider = createPrometheusProvider({ now: () => new Date() });
  const metric = metricSchema.parse({ name: 'errors-vs-stable', interval: '1s', provider: { prometheus: { timeout: 5 } }, judge: { counts: { canaryRequests: 'a', canaryErrors: 'b', baselineRequests: 'c', baselineErrors: 'd' } } });

  beforeAll(async () => {
    envoy = createEnvoyMetrics();
    for (let i = 0; i < 10; i++) envoy.recordUpstream({ clusterName: 'demo_canary_80', statusCode: i < 3 ? 503 : 200, durationMs: 5 });
    for (let i = 0; i < 50; i++) envoy.recordUpstream({ clusterName: 'demo_stable_80', statusCode: 200, durationMs: 5 });
    counts = await startEdgeCountsQuery({ registry: envoy.registry });
  });

  afterAll(() => counts.stop());

  test('each count query returns the live counter of its cluster', async () => {
    const withAddress = { ...metric, provider: { prometheus: { ...metric.provider.prometheus!, address: counts.address } } };
    const sample = (query: string) => provider.sample!(withAddress, query, []);
    await expect(sample(`${ERRORS_COUNTER}{envoy_cluster_name="demo_canary_80"}`)).resolves.toMatchObject({ samples: [{ labels: { envoy_cluster_name: 'demo_canary_80' }, value: 3 }] });
    await expect(sample(`${ERRORS_COUNTER}{envoy_cluster_name="demo_stable_80"}`)).resolves.toMatchObject({ samples: [{ value: 0 }] });
    envoy.recordUpstream({ clusterName: 'demo_stable_80', statusCode: 500, durationMs: 5 });
    await expect(sample(`${REQUESTS_COUNTER}{envoy_cluster_name="demo_stable_80"}`)).resolves.toMatchObject({ samples: [{ value: 51 }] });
    await expect(sample(`${ERRORS_COUNTER}{envoy_cluster_name="demo_stable_80"}`)).resolves.toMatchObject({ samples: [{ value: 1 }] });
  });

  test('a query it does not understand is an error naming why', async () => {
    const withAddress = { ...metric, provider: { prometheus: { ...metric.provider.prometheus!, address: counts.address } } };
    const result = await provider.sample!(withAddress, 'sum(x)', []);
    expect(result).toMatchObject({ error: expect.stringContaining('HTTP 400') });
    expect((result as { error: string }).error).toContain('only a plain selector');
  });
});
