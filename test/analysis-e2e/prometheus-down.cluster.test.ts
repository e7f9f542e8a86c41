/**
 * Issue 5, scenario 6 on the local cluster: Prometheus stops in the middle of a step analysis.
 * Measurements become Errors that say the connection failed, the consecutive error limit ends the
 * run in Error, the Rollout aborts, and the canary is never promoted.
 */
import { jest } from '@jest/globals';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { applyDocs } from '../controller/rollout-fixtures.js';
import {
  analysisStep,
  analysisTemplate,
  deployStable,
  gaugeMetric,
  measurementsOf,
  metricResult,
  rolloutOnly,
  waitForStatus,
  type AnalysisStack,
  startAnalysisStack,
} from './analysis-e2e-fixtures.js';

jest.setTimeout(120_000);

const ns = useTestNamespace('analysis-prom-down');
let stack: AnalysisStack;
let stableHash = '';

const templates = [
  analysisTemplate('rate', [gaugeMetric({ count: 20, consecutiveErrorLimit: 1, successCondition: 'result[0] < 0.05', failureCondition: 'result[0] >= 0.05' })]),
];

beforeAll(async () => {
  stack = await startAnalysisStack(ns, { ok: 0.01 });
  stableHash = await deployStable(stack, ns.name, templates, { image: 'kanary/demo-app:v1', steps: [] });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

test('6. Prometheus stopped mid-run: Error measurements, abort after the error limit, never a promotion', async () => {
  await applyDocs(ns.name, rolloutOnly({ image: 'kanary/demo-app:v2', steps: [{ setWeight: 50 }, analysisStep(['rate'], 'ok'), { setWeight: 100 }] }));
  const progressing = await waitForStatus(stack.view, (s) => typeof s.currentPodHash === 'string' && s.currentPodHash !== stableHash, 'new revision');
  const hash = progressing.currentPodHash as string;
  await stack.runs.waitFor(hash, (r) => (metricResult(r, 'error-rate')?.successful ?? 0) >= 2, 'two successful measurements');
  await stack.prometheus.stop();

  const errored = await stack.runs.waitFor(hash, (r) => ['Error', 'Failed', 'Successful'].includes(r.status?.phase), 'run complete', 60_000);
  expect(errored.status.phase).toBe('Error');
  const errors = measurementsOf(errored).filter((m) => m.phase === 'Error');
  expect(errors).toHaveLength(2);
  for (const m of errors) expect(m.message).toMatch(/connection refused|ECONNREFUSED/i);
  expect(errored.status.message).toContain('consecutiveErrors (2) > consecutiveErrorLimit (1)');

  const degraded = await waitForStatus(stack.view, (s) => s.phase === 'Degraded' || s.stableRS === hash, 'Degraded', 30_000);
  expect(degraded.phase).toBe('Degraded');
  expect(degraded.abort).toBe(true);
  expect(degraded.stableRS).toBe(stableHash);
  expect(degraded.message).toContain('consecutiveErrors (2) > consecutiveErrorLimit (1)');
  await waitFor(async () => (await stack.view.mapping('demo-canary')) === undefined, { timeoutMs: 20_000, description: 'canary Mapping deleted' });
  await waitFor(async () => (await stack.view.replicaSetOf(hash))?.spec?.replicas === 0, { timeoutMs: 30_000, description: 'canary scaled to 0' });
  expect((await stack.view.replicaSetOf(stableHash))?.spec?.replicas).toBe(2);
});
