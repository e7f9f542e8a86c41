import { analysisRunSchema, type AnalysisRun, type AnalysisRunInput, type MetricInput } from '../../src/api/analysis.js';
import { reconcileAnalysisRun, type AnalysisRunDeps } from '../../src/analysis/analysis-run-reconciler.js';
import { createConditionEnvironment } from '../../src/analysis/cel-condition.js';
import { createPrometheusProvider } from '../../src/analysis/prometheus.js';
import { createWebProvider } from '../../src/analysis/web.js';
import { startPrometheus, waitForQuery, type PrometheusHandle } from '../harness/prometheus.js';
import { startMetricsTarget, type MetricsTarget } from './fixtures/http-server.js';

const conditions = createConditionEnvironment();
const T0 = Date.parse('2030-01-01T00:00:00Z');

function buildRun(metrics: MetricInput[], extra: Partial<AnalysisRunInput['spec']> = {}): AnalysisRun {
  return analysisRunSchema.parse({
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'demo-abc-2', namespace: 'default' },
    spec: { metrics, ...extra },
  });
}

/** Reconciles until the run completes, jumping a simulated clock by each requeueAfterMs. */
async function drive(run: AnalysisRun, options: { maxReconciles?: number; startMs?: number } = {}) {
  const maxReconciles = options.maxReconciles ?? 30;
  let clockMs = options.startMs ?? T0;
  const deps: AnalysisRunDeps = {
    providers: [createPrometheusProvider({ now: () => new Date() }), createWebProvider()],
    conditions,
    now: () => new Date(clockMs),
  };
  const requeues: (number | undefined)[] = [];
  let current = run;
  for (let i = 0; i < maxReconciles; i++) {
    const result = await reconcileAnalysisRun(current, deps);
    current = { ...current, status: result.status };
    requeues.push(result.requeueAfterMs);
    if (result.requeueAfterMs === undefined) break;
    clockMs += result.requeueAfterMs;
  }
  return { run: current, status: current.status!, requeues };
}

const prom = (address: string, query: string) => ({ prometheus: { address, query } });

describe('reconcileAnalysisRun with a real Prometheus', () => {
  let target: MetricsTarget;
  let server: PrometheusHandle;

  beforeAll(async () => {
    target = await startMetricsTarget();
    target.set('good', 0.99);
    target.set('bad', 0.4);
    target.set('meh', 0.7);
    server = await startPrometheus({ targets: [target.hostPort] });
    await waitForQuery(server.address, 'kanary_test_value', (r) => Array.isArray(r) && r.length === 3);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await target?.close();
  });

  const q = (series: string) => prom(server.address, `kanary_test_value{series="${series}"}`);

  test('Successful after count measurements, resolved query recorded, 1 s between measurements', async () => {
    const run = buildRun(
      [{ name: 'success-rate', interval: '1s', count: 3, successCondition: 'result[0] >= {{args.min}}', provider: prom(server.address, 'kanary_test_value{series="{{args.series}}"}') }],
      { args: [{ name: 'series', value: 'good' }, { name: 'min', value: '0.95' }] },
    );
    const { status, requeues } = await drive(run);
    expect(status.phase).toBe('Successful');
    expect(requeues).toEqual([1000, 1000, undefined]);
    const metric = status.metricResults[0]!;
    expect(metric).toMatchObject({ phase: 'Successful', count: 3, successful: 3, resolvedQuery: 'kanary_test_value{series="good"}' });
    expect(metric.measurements.map((m) => m.value)).toEqual(['[0.99]', '[0.99]', '[0.99]']);
  });

  test('Failed once failures exceed failureLimit (fail fast, other metric still running)', async () => {
    const run = buildRun([
      { name: 'error-rate', interval: '1s', count: 10, failureLimit: 1, successCondition: 'result[0] >= 0.95', provider: q('bad') },
      { name: 'other', interval: '1s', successCondition: 'result[0] >= 0.95', provider: q('good') },
    ]);
    const { status } = await drive(run);
    expect(status.phase).toBe('Failed');
    expect(status.message).toBe('Metric "error-rate" assessed Failed due to failed (2) > failureLimit (1)');
    expect(status.metricResults.map((r) => r.phase)).toEqual(['Failed', 'Running']);
  });

  test('Inconclusive when neither condition is true', async () => {
    const run = buildRun([
      { name: 'rate', interval: '1s', count: 3, successCondition: 'result[0] >= 0.95', failureCondition: 'result[0] < 0.5', provider: q('meh') },
    ]);
    const { status } = await drive(run);
    expect(status).toMatchObject({ phase: 'Inconclusive', message: 'Metric "rate" assessed Inconclusive due to inconclusive (1) > inconclusiveLimit (0)' });
  });

  test('no data: Error measurements retried every 10 s, the error limit decides, never Successful', async () => {
    const run = buildRun([
      { name: 'rate', interval: '1s', count: 1, consecutiveErrorLimit: 2, successCondition: 'result[0] >= 0.95', provider: q('absent') },
    ]);
    const { status, requeues } = await drive(run);
    expect(requeues).toEqual([10_000, 10_000, undefined]);
    expect(status.phase).toBe('Error');
    expect(status.message).toBe('Metric "rate" assessed Error due to consecutiveErrors (3) > consecutiveErrorLimit (2): query returned no data');
    expect(status.metricResults[0]!.measurements.every((m) => m.phase === 'Error' && m.message === 'query returned no data')).toBe(true);
  });

  test('a failing dry-run metric is measured and shown but never decides', async () => {
    const run = buildRun(
      [
        { name: 'gate', interval: '1s', count: 2, successCondition: 'result[0] >= 0.95', provider: q('good') },
        { name: 'experimental', successCondition: 'result[0] >= 0.95', provider: q('bad') },
      ],
      { dryRun: [{ metricName: 'experimental' }] },
    );
    const { status } = await drive(run);
    expect(status.phase).toBe('Successful');
    expect(status.metricResults[1]).toMatchObject({ name: 'experimental', phase: 'Failed', dryRun: true, failed: 1 });
  });

  test('a condition returning a non-bool gives Error measurements that say why', async () => {
    const run = buildRun([{ name: 'rate', consecutiveErrorLimit: 0, successCondition: 'result[0]', provider: q('good') }]);
    const { status } = await drive(run);
    expect(status.phase).toBe('Error');
    expect(status.metricResults[0]!.measurements[0]).toMatchObject({ phase: 'Error', value: '[0.99]', message: 'condition "result[0]" returned double 0.99, not a bool' });
  });

  test('history is capped at 10 measurements per metric', async () => {
    const run = buildRun([{ name: 'rate', interval: '1s', count: 12, successCondition: 'result[0] >= 0.95', provider: q('good') }]);
    const { status } = await drive(run);
    expect(status.metricResults[0]).toMatchObject({ phase: 'Successful', count: 12 });
    expect(status.metricResults[0]!.measurements).toHaveLength(10);
  });

  test('terminate stops measuring and completes as Successful "Run Terminated"', async () => {
    const run = buildRun([{ name: 'bg', interval: '1s', successCondition: 'result[0] >= 0.95', provider: q('good') }]);
    const first = await drive(run, { maxReconciles: 2 });
    expect(first.status.phase).toBe('Running');
    const terminated = { ...first.run, spec: { ...first.run.spec, terminate: true } };
    const { status, requeues } = await drive(terminated);
    expect(requeues).toEqual([undefined]);
    expect(status).toMatchObject({ phase: 'Successful', message: 'Run Terminated' });
    expect(status.metricResults[0]!.count).toBe(2);
  });

  test.each([
    ['a CEL condition that does not parse', { successCondition: 'result[0] >= ' }, 'metric "rate" successCondition: invalid CEL at column 14: Unexpected token: EOF'],
    ['a missing arg', { successCondition: 'result[0] >= {{args.min}}' }, 'metric "rate" successCondition: argument "min" is not defined'],
  ])('%s ends the run in Error at once', async (_name, fields, message) => {
    const run = buildRun([{ name: 'rate', provider: q('good'), ...fields }]);
    const { status, requeues } = await drive(run);
    expect(requeues).toEqual([undefined]);
    expect(status).toMatchObject({ phase: 'Error', message });
  });
});

test('Prometheus stopped mid-run: Error measurements, Error after consecutiveErrorLimit, never Successful', async () => {
  const target = await startMetricsTarget();
  target.set('good', 0.99);
  const server = await startPrometheus({ targets: [target.hostPort] });
  try {
    await waitForQuery(server.address, 'kanary_test_value', (r) => Array.isArray(r) && r.length === 1);
    const run = buildRun([
      { name: 'rate', interval: '1s', count: 5, consecutiveErrorLimit: 1, successCondition: 'result[0] >= 0.95', provider: prom(server.address, 'kanary_test_value') },
    ]);
    const before = await drive(run, { maxReconciles: 1 });
    expect(before.status.metricResults[0]).toMatchObject({ phase: 'Running', successful: 1 });
    await server.stop();
    const { status, requeues } = await drive(before.run, { startMs: T0 + 1000 });
    expect(requeues).toEqual([10_000, undefined]);
    expect(status.phase).toBe('Error');
    expect(status.message).toContain('consecutiveErrors (2) > consecutiveErrorLimit (1)');
    expect(status.message).toContain('refused the connection (ECONNREFUSED)');
  } finally {
    await server.stop();
    await target.close();
  }
}, 60_000);
