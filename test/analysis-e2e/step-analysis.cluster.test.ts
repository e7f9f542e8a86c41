/**
 * Issue 5, scenarios 1, 2, 4 and 7 on the local cluster: the real controller, a real Prometheus
 * scraping a gauge the test sets, step analyses gating a canary of the Ambassador example.
 * Each test is one new revision of the same Rollout.
 */
import { jest } from '@jest/globals';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { applyDocs } from '../controller/rollout-fixtures.js';
import {
  analysisStep,
  analysisTemplate,
  deployStable,
  describeRuns,
  gaugeMetric,
  measurementsOf,
  metricResult,
  rolloutOnly,
  waitForStatus,
  type AnalysisStack,
  startAnalysisStack,
} from './analysis-e2e-fixtures.js';

jest.setTimeout(120_000);

const ns = useTestNamespace('analysis-steps');
let stack: AnalysisStack;
let stableHash = '';
/** The newest revision's hash, so each test waits for its own revision even after a failure. */
let latestHash = '';

const rateBounds = { successCondition: 'result[0] < 0.05', failureCondition: 'result[0] >= 0.05' };
const templates = [
  analysisTemplate('healthy', [gaugeMetric({ count: 3, ...rateBounds })]),
  analysisTemplate('error-rate', [gaugeMetric({ count: 30, ...rateBounds })]),
  analysisTemplate('no-data', [gaugeMetric({ count: 3, consecutiveErrorLimit: 1, ...rateBounds })]),
  analysisTemplate(
    'with-dry-run',
    [
      gaugeMetric({ name: 'shadow-rate', count: 2, ...rateBounds, query: 'kanary_test_value{series="{{args.shadow}}"}' }),
      gaugeMetric({ name: 'error-rate', count: 3, ...rateBounds }),
    ],
    { args: [{ name: 'series' }, { name: 'shadow', value: 'bad' }], dryRun: [{ metricName: 'shadow-rate' }] },
  ),
];

beforeAll(async () => {
  stack = await startAnalysisStack(ns, { ok: 0.01, bad: 0.5, rising: 0.01 });
  stableHash = await deployStable(stack, ns.name, templates, { image: 'kanary/demo-app:v1', steps: [] });
  latestHash = stableHash;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function startRevision(image: string, template: string, series: string): Promise<string> {
  await applyDocs(ns.name, rolloutOnly({ image, steps: [{ setWeight: 50 }, analysisStep([template], series)] }));
  const status = await waitForStatus(stack.view, (s) => typeof s.currentPodHash === 'string' && s.currentPodHash !== latestHash, `new revision ${image}`);
  latestHash = status.currentPodHash as string;
  return latestHash;
}

async function expectAbortedWith(hash: string, message: string) {
  const degraded = await waitForStatus(stack.view, (s) => s.phase === 'Degraded', 'Degraded after a failed analysis', 60_000);
  expect(degraded.abort).toBe(true);
  expect(degraded.stableRS).toBe(stableHash);
  expect(degraded.message).toContain(message);
  await waitFor(async () => (await stack.view.mapping('demo-canary')) === undefined, { timeoutMs: 20_000, description: 'canary Mapping deleted' });
  await waitFor(async () => (await stack.view.replicaSetOf(hash))?.spec?.replicas === 0, { timeoutMs: 30_000, description: 'canary ReplicaSet scaled to 0' });
  expect((await stack.view.replicaSetOf(stableHash))?.spec?.replicas).toBe(2);
  const runs = await stack.runs.ofHash(hash);
  expect(runs.map((r) => r.metadata.name)).toEqual([expect.stringMatching(new RegExp(`^demo-${hash}-\\d+-1$`))]);
  expect(runs[0]?.spec?.terminate).toBe(true);
}

test('1. a healthy canary passes its step analysis and promotes to Healthy with no human action', async () => {
  const hash = await startRevision('kanary/demo-app:v2', 'healthy', 'ok');
  const running = await stack.runs.waitFor(hash, (r) => r.status?.phase === 'Running', 'step run Running');
  expect(running.metadata.name).toBe(`demo-${hash}-2-1`);
  expect(await stack.view.canaryWeight()).toBe(50);
  const healthy = await waitForStatus(stack.view, (s) => s.phase === 'Healthy' && s.stableRS === hash, 'Healthy on the canary', 60_000);
  expect(healthy.abort ?? false).toBe(false);
  const [run] = await stack.runs.ofHash(hash);
  expect(run?.status?.phase).toBe('Successful');
  const result = metricResult(run!, 'error-rate');
  expect(result).toMatchObject({ phase: 'Successful', count: 3, successful: 3, resolvedQuery: 'kanary_test_value{series="ok"}' });
  stableHash = hash;
  expect(measurementsOf(run!).map((m) => JSON.parse(m.value))).toEqual([[0.01], [0.01], [0.01]]);
  await waitFor(async () => (await stack.view.mapping('demo-canary')) === undefined, { timeoutMs: 20_000, description: 'canary Mapping removed after promotion' });
});

test('2. an error rate crossing the threshold fails the run and rolls back at once', async () => {
  stack.target.set('rising', 0.01);
  const hash = await startRevision('kanary/demo-app:v3', 'error-rate', 'rising');
  await stack.runs.waitFor(hash, (r) => (metricResult(r, 'error-rate')?.successful ?? 0) >= 1, 'a first successful measurement');
  expect(await stack.view.canaryWeight()).toBe(50);
  stack.target.set('rising', 0.4);
  const zeroAtMs = await waitFor(async () => {
    const mapping = await stack.view.mapping('demo-canary');
    return mapping === undefined || Number(mapping.spec?.weight ?? 0) === 0 ? Date.now() : undefined;
  }, { timeoutMs: 30_000, intervalMs: 50, description: 'canary weight 0' });
  const failed = await stack.runs.waitFor(hash, (r) => r.status?.phase === 'Failed', 'run Failed');
  const failing = measurementsOf(failed).find((m) => m.phase === 'Failed');
  expect(failing?.value).toBe('[0.4]');
  const finishedMs = Date.parse(failing!.finishedAt);
  console.log(`failed measurement finishedAt -> canary Mapping weight 0 observed: ${zeroAtMs - finishedMs} ms`);
  expect(failed.status.message).toBe('Metric "error-rate" assessed Failed due to failed (1) > failureLimit (0)');
  await expectAbortedWith(hash, 'Metric "error-rate" assessed Failed');
});

test('4. no data: Error measurements say "query returned no data", the error limit aborts, never a promotion', async () => {
  const hash = await startRevision('kanary/demo-app:e2e-nodata', 'no-data', 'absent');
  const errored = await stack.runs.waitFor(hash, (r) => r.status?.phase === 'Error', 'run Error', 60_000);
  const measurements = measurementsOf(errored);
  expect(measurements.map((m) => m.phase)).toEqual(['Error', 'Error']);
  for (const m of measurements) expect(m.message).toContain('query returned no data');
  expect(errored.status.message).toContain('consecutiveErrors (2) > consecutiveErrorLimit (1)');
  expect(errored.status.message).toContain('query returned no data');
  await expectAbortedWith(hash, 'query returned no data');
  expect((await stack.view.rollout()).status.stableRS).toBe(stableHash);
});

test('7. a failing dry-run metric is measured and shown but does not abort', async () => {
  const hash = await startRevision('kanary/demo-app:e2e-dryrun', 'with-dry-run', 'ok');
  const healthy = await waitForStatus(stack.view, (s) => (s.phase === 'Healthy' && s.stableRS === hash) || s.phase === 'Degraded', 'Healthy or Degraded', 60_000);
  if (healthy.phase === 'Healthy') stableHash = hash;
  const runs = await stack.runs.ofHash(hash);
  expect(`${healthy.phase}: ${healthy.message ?? ''}`).toMatch(/^Healthy/);
  const [run] = runs;
  expect(run?.status?.phase).toBe('Successful');
  expect(metricResult(run!, 'shadow-rate')).toMatchObject({ phase: 'Failed', dryRun: true, failed: 1 });
  expect(metricResult(run!, 'error-rate')).toMatchObject({ phase: 'Successful', successful: 3 });
  expect(describeRuns(runs)).toContain('shadow-rate');
});
