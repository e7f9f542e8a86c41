// A judged metric whose counts come from the web provider: one request per measurement to a local
// HTTP server holding cumulative counters as JSON, a jsonPath per count. Increases, resets and
// new series go through the same core as the Prometheus path; the request is the web provider's
// (bounded size and time, no redirects, the egress policy, secrets redacted).
import { analysisRunSchema, type AnalysisRun, type MetricInput } from '../../src/api/analysis.js';
import { createConditionEnvironment } from '../../src/analysis/cel-condition.js';
import { createEgressPolicy } from '../../src/analysis/egress-policy.js';
import { selectCountSeries } from '../../src/analysis/judge-web-counts.js';
import { seriesKey } from '../../src/analysis/judge-series.js';
import type { MetricProvider } from '../../src/analysis/metric-provider.js';
import { createWebProvider } from '../../src/analysis/web.js';
import { reconcileRunTimes } from './fixtures/drive-run.js';
import { sendJson, startServer, type LocalServer, type RecordedRequest } from './fixtures/http-server.js';

const COUNTS = { canaryRequests: '{$.canary.requests}', canaryErrors: '{$.canary.errors}', baselineRequests: '{$.stable.requests}', baselineErrors: '{$.stable.errors}' };

/** What the server answers at /counters: set by each test. */
let body: unknown = {};
let status = 200;
const requests: RecordedRequest[] = [];
let server: LocalServer;

beforeAll(async () => {
  server = await startServer((req, res) => {
    requests.push(req);
    if (req.url === '/moved') {
      res.writeHead(302, { location: '/counters' });
      return void res.end();
    }
    if (req.url === '/huge') return sendJson(res, 200, { canary: { requests: 1, pad: 'x'.repeat(4096) } });
    return sendJson(res, status, body);
  });
});
afterAll(() => server.close());
beforeEach(() => {
  requests.length = 0;
  status = 200;
});

function webJudgedRun(options: { judge?: Record<string, unknown>; metric?: Partial<MetricInput>; web?: Record<string, unknown>; args?: { name: string; value: string }[] } = {}): AnalysisRun {
  return analysisRunSchema.parse({
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'demo-abc-2', namespace: 'default' },
    spec: {
      args: options.args ?? [],
      metrics: [{
        name: 'errors',
        interval: '1s',
        provider: { web: { url: `${server.address}/counters`, ...options.web } },
        judge: { counts: COUNTS, ...options.judge },
        ...options.metric,
      }],
    },
  });
}

/** Cumulative counters per arm as the server reports them. */
const totals = { canary: { requests: 0, errors: 0 }, stable: { requests: 0, errors: 0 } };
function add(role: 'canary' | 'stable', requestsAdded: number, errors: number): void {
  totals[role].requests += requestsAdded;
  totals[role].errors += errors;
  body = JSON.parse(JSON.stringify(totals)) as unknown;
}
function resetTotals(): void {
  totals.canary = { requests: 0, errors: 0 };
  totals.stable = { requests: 0, errors: 0 };
  body = JSON.parse(JSON.stringify(totals)) as unknown;
}

const SECRET = 's3cr3t-value';

function reconcileTimes(run: AnalysisRun, times: number, perInterval: () => void, provider: MetricProvider = createWebProvider()): Promise<AnalysisRun> {
  return reconcileRunTimes(run, { providers: [provider], conditions: createConditionEnvironment(), readSecret: () => Promise.resolve(SECRET) }, times, perInterval);
}

describe('judge counts from the web provider (local HTTP server)', () => {
  test('a bad canary fails the run: cumulative counters in JSON, one request per measurement', async () => {
    resetTotals();
    add('canary', 100, 0);
    add('stable', 100, 0);
    const run = await reconcileTimes(webJudgedRun(), 40, () => {
      add('canary', 100, 5);
      add('stable', 100, 1);
    });
    expect(run.status!.phase).toBe('Failed');
    expect(run.status!.message).toMatch(/^Metric "errors" assessed Failed due to judge: canary worse than stable/);
    const result = run.status!.metricResults[0]!;
    expect(result.measurements[0]!.judge!.interval).toBe('firstScrape');
    expect(result.measurements.at(-1)!.judge).toMatchObject({ interval: 'judged', canaryRequests: 100, canaryErrors: 5, baselineRequests: 100, baselineErrors: 1, observedRatio: '5.0' });
    expect(result.resolvedQuery).toBe(`GET ${server.address}/counters; canaryRequests: {$.canary.requests}; canaryErrors: {$.canary.errors}; baselineRequests: {$.stable.requests}; baselineErrors: {$.stable.errors}`);
    expect(requests.length).toBe(result.count);
  });

  test('a good canary is promoted early with badRatio', async () => {
    resetTotals();
    const run = await reconcileTimes(webJudgedRun({ judge: { badRatio: 2, minPromoteIntervals: 3 }, metric: { count: 100 } }), 150, () => {
      add('canary', 1000, 5);
      add('stable', 1000, 5);
    });
    expect(run.status!.phase).toBe('Successful');
    expect(run.status!.metricResults[0]!.message).toContain('promoted early');
  });

  test('per-pod counters (an object keyed by pod): a pod that restarts counts from 0, a new pod from 0', async () => {
    body = { canary: { requests: { 'c-0': 50 }, errors: { 'c-0': 5 } }, stable: { requests: { 's-0': 500 }, errors: { 's-0': 5 } } };
    const steps = [
      { canary: { requests: { 'c-0': 10 }, errors: { 'c-0': 1 } }, stable: { requests: { 's-0': 600, 's-1': 40 }, errors: { 's-0': 6, 's-1': 0 } } },
    ];
    const run = await reconcileTimes(webJudgedRun(), 2, () => {
      body = steps.shift();
    });
    const judged = run.status!.metricResults[0]!.measurements.at(-1)!.judge!;
    expect(judged).toMatchObject({ canaryRequests: 10, canaryErrors: 1, baselineRequests: 140, baselineErrors: 1 });
    expect(run.status!.metricResults[0]!.judge!.readings!.baselineRequests).toEqual([
      { series: seriesKey({ key: 's-0' }), value: 600 },
      { series: seriesKey({ key: 's-1' }), value: 40 },
    ]);
  });

  test('a path that matches nothing is a missing count (never 0): the interval is not judged', async () => {
    body = { canary: { requests: 10, errors: 0 }, stable: { requests: 10, errors: 0 } };
    const run = await reconcileTimes(webJudgedRun({ judge: { counts: { ...COUNTS, counters: 'increase' } } }), 1, () => undefined);
    expect(run.status!.metricResults[0]!.measurements[0]!.phase).toBe('Successful');
    body = { canary: { requests: 10 }, stable: { requests: 10, errors: null } };
    const missing = await reconcileTimes(webJudgedRun({ judge: { counts: { ...COUNTS, counters: 'increase' } } }), 1, () => undefined);
    const m = missing.status!.metricResults[0]!.measurements[0]!;
    expect(m.phase).toBe('Inconclusive');
    expect(m.message).toContain('no series for canaryErrors, baselineErrors (a missing count is never read as 0)');
  });

  test.each([
    ['a string', { canary: { requests: '10', errors: 0 }, stable: { requests: 1, errors: 0 } }, 'judge count canaryRequests: {$.canary.requests} is a string, not a number or an object of numbers keyed by series'],
    ['a list', { canary: { requests: [1, 2], errors: 0 }, stable: { requests: 1, errors: 0 } }, 'judge count canaryRequests: {$.canary.requests} is a list, not a number or an object of numbers keyed by series'],
    ['an object holding a non-number', { canary: { requests: { a: true }, errors: 0 }, stable: { requests: 1, errors: 0 } }, 'judge count canaryRequests: {$.canary.requests} holds a boolean for one series, not a number'],
  ])('%s where a count should be is an Error measurement naming the count', async (_name, answer, message) => {
    body = answer;
    const run = await reconcileTimes(webJudgedRun({ metric: { consecutiveErrorLimit: 0 } }), 2, () => undefined);
    expect(run.status!.phase).toBe('Error');
    expect(run.status!.metricResults[0]!.measurements[0]).toMatchObject({ phase: 'Error', message });
  });

  test('a negative count is passed to the judge, which says why the interval is not judged', async () => {
    body = { canary: { requests: 10, errors: -1 }, stable: { requests: 10, errors: 0 } };
    const run = await reconcileTimes(webJudgedRun({ judge: { counts: { ...COUNTS, counters: 'increase' } } }), 1, () => undefined);
    expect(run.status!.metricResults[0]!.measurements[0]!.message).toContain('canaryErrors is -1: a count is never negative');
  });

  test('args in the url and the paths are substituted; a secret header is sent, never recorded', async () => {
    body = { arms: { 'demo_canary_80': { requests: 5, errors: 0 }, 'demo_80': { requests: 50, errors: 0 } } };
    status = 500;
    const args = [{ name: 'canary', value: 'demo_canary_80' }, { name: 'stable', value: 'demo_80' }];
    const counts = { canaryRequests: "$.arms['{{args.canary}}'].requests", canaryErrors: "$.arms['{{args.canary}}'].errors", baselineRequests: "$.arms['{{args.stable}}'].requests", baselineErrors: "$.arms['{{args.stable}}'].errors" };
    const run = webJudgedRun({ judge: { counts }, web: { url: `${server.address}/counters?token={{args.token}}`, headers: [{ key: 'Authorization', value: 'Bearer {{args.token}}' }] }, metric: { consecutiveErrorLimit: 0 } });
    const withSecret = { ...run, spec: { ...run.spec, args: [...args, { name: 'token', valueFrom: { secretKeyRef: { name: 'auth', key: 'token' } } }] } };
    body = { error: `bad token ${SECRET}` };
    const failed = await reconcileTimes(withSecret, 2, () => undefined);
    expect(requests[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(JSON.stringify(failed.status)).not.toContain(SECRET);
    expect(failed.status!.metricResults[0]!.measurements[0]!.message).toContain('returned HTTP 500');
    status = 200;
    body = { arms: { 'demo_canary_80': { requests: 5, errors: 0 }, 'demo_80': { requests: 50, errors: 0 } } };
    const ok = await reconcileTimes({ ...withSecret, spec: { ...withSecret.spec, metrics: withSecret.spec.metrics.map((m) => ({ ...m, judge: { ...m.judge!, counts: { ...m.judge!.counts, counters: 'increase' as const } } })) } }, 1, () => undefined);
    const result = ok.status!.metricResults[0]!;
    expect(result.measurements[0]!.judge).toMatchObject({ canaryRequests: 5, baselineRequests: 50 });
    expect(result.resolvedQuery).toContain("canaryRequests: $.arms['demo_canary_80'].requests");
    expect(result.resolvedQuery).toContain('/counters?token=***');
    expect(JSON.stringify(ok.status)).not.toContain(SECRET);
  });

  test('a redirect is not followed; an oversized response is cut off; both are Error measurements', async () => {
    const redirected = await reconcileTimes(webJudgedRun({ web: { url: `${server.address}/moved` }, metric: { consecutiveErrorLimit: 0 } }), 2, () => undefined);
    expect(redirected.status!.metricResults[0]!.measurements[0]!.message).toMatch(/redirect/i);
    expect(requests.map((r) => r.url)).toEqual(['/moved']);
    const small = createWebProvider({ maxResponseBytes: 1024 });
    const huge = await reconcileTimes(webJudgedRun({ web: { url: `${server.address}/huge` }, metric: { consecutiveErrorLimit: 0 } }), 2, () => undefined, small);
    expect(huge.status!.metricResults[0]!.measurements[0]!.message).toMatch(/1024 bytes|larger than/);
  });

  test('the egress policy applies: a denied destination is an Error, no request is sent', async () => {
    const denied = createWebProvider({ egress: createEgressPolicy({ deny: ['127.0.0.0/8'] }) });
    const run = await reconcileTimes(webJudgedRun({ metric: { consecutiveErrorLimit: 0 } }), 2, () => undefined, denied);
    expect(run.status!.phase).toBe('Error');
    expect(run.status!.metricResults[0]!.measurements[0]!.message).toMatch(/^judge counts: .*(egress|not allowed|refused)/i);
    expect(requests).toEqual([]);
  });

  test('no web provider configured: an Error saying so', async () => {
    const prometheusOnly: MetricProvider = { type: 'web', measure: () => Promise.resolve({ error: 'x' }) };
    const run = await reconcileTimes(webJudgedRun({ metric: { consecutiveErrorLimit: 0 } }), 1, () => undefined, prometheusOnly);
    expect(run.status!.metricResults[0]!.measurements[0]!.message).toBe('no web provider configured for metric "errors"');
  });
});

describe('selectCountSeries', () => {
  test.each([
    ['a number is one series', { a: 3 }, '$.a', { samples: [{ series: seriesKey({}), value: 3 }] }],
    ['an object of numbers is one series per key', { a: { p: 1, q: 2 } }, '$.a', { samples: [{ series: seriesKey({ key: 'p' }), value: 1 }, { series: seriesKey({ key: 'q' }), value: 2 }] }],
    ['null keys inside an object are left out', { a: { p: 1, q: null } }, '$.a', { samples: [{ series: seriesKey({ key: 'p' }), value: 1 }] }],
    ['no match is no series', { a: 1 }, '$.b', { samples: [] }],
    ['null is no series', { a: null }, '$.a', { samples: [] }],
    ['a wildcard is refused', { a: [1] }, '$.a[*]', { error: '$.a[*] selects a list: a count path has no [*] or .*' }],
    ['a bad path says why', { a: 1 }, 'a', { error: 'jsonPath "a" must start with $' }],
  ])('%s', (_name, document, path, expected) => {
    expect(selectCountSeries(document, path)).toEqual(expected);
  });

  test('more than 100 series are refused', () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, 1]));
    expect(selectCountSeries({ a: many }, '$.a')).toEqual({ error: '$.a holds 101 series, more than 100' });
  });
});
