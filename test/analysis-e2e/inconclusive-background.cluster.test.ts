/**
 * Issue 5, scenarios 3 and 5 on the local cluster: an Inconclusive step analysis pauses the
 * Rollout for a human (`kanary promote` continues, `kanary abort` rolls back), and a background
 * analysis failing during an indefinite pause aborts. Real controller, real Prometheus.
 */
import { jest } from '@jest/globals';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { applyDocs, kanary, type Obj } from '../controller/rollout-fixtures.js';
import {
  analysisRef,
  analysisStep,
  analysisTemplate,
  deployStable,
  gaugeMetric,
  metricResult,
  rolloutOnly,
  waitForStatus,
  type AnalysisStack,
  type RolloutRevision,
  startAnalysisStack,
} from './analysis-e2e-fixtures.js';

jest.setTimeout(120_000);

const ns = useTestNamespace('analysis-pauses');
let stack: AnalysisStack;
let stableHash = '';
let latestHash = '';

const templates = [
  // 0.2 is neither < 0.05 nor >= 0.5: Inconclusive.
  analysisTemplate('meh', [gaugeMetric({ count: 3, successCondition: 'result[0] < 0.05', failureCondition: 'result[0] >= 0.5' })]),
  // Background: no count, runs until promotion.
  analysisTemplate('bg-rate', [gaugeMetric({ name: 'bg-rate', successCondition: 'result[0] < 0.05', failureCondition: 'result[0] >= 0.05' })]),
];

beforeAll(async () => {
  stack = await startAnalysisStack(ns, { meh: 0.2, bg: 0.01 });
  stableHash = await deployStable(stack, ns.name, templates, { image: 'kanary/demo-app:v1', steps: [] });
  latestHash = stableHash;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function startRevision(revision: RolloutRevision): Promise<string> {
  await applyDocs(ns.name, rolloutOnly(revision));
  const status = await waitForStatus(stack.view, (s) => typeof s.currentPodHash === 'string' && s.currentPodHash !== latestHash, `new revision ${revision.image}`);
  latestHash = status.currentPodHash as string;
  return latestHash;
}

const inconclusiveSteps = [{ setWeight: 50 }, analysisStep(['meh'], 'meh'), { setWeight: 100 }];

async function pausedOnInconclusive(): Promise<Obj> {
  const paused = await waitForStatus(stack.view, (s) => s.phase === 'Paused' || s.phase === 'Degraded', 'Paused on the Inconclusive run', 60_000);
  expect(paused.phase).toBe('Paused');
  expect((paused.pauseConditions as Obj[]).map((c) => c.reason)).toEqual(['InconclusiveAnalysisRun']);
  expect(paused.currentStepIndex).toBe(1);
  expect(await stack.view.canaryWeight()).toBe(50);
  return paused;
}

test('5a. an Inconclusive step analysis pauses; kanary promote continues to Healthy', async () => {
  const hash = await startRevision({ image: 'kanary/demo-app:v2', steps: inconclusiveSteps });
  await pausedOnInconclusive();
  const [run] = await stack.runs.ofHash(hash);
  expect(run?.status?.phase).toBe('Inconclusive');
  expect(run?.status?.message).toContain('Metric "error-rate" assessed Inconclusive');
  expect(metricResult(run!, 'error-rate')).toMatchObject({ inconclusive: 1 });
  const promoted = await kanary(['promote', 'demo', '-n', ns.name]);
  expect(promoted.code).toBe(0);
  const healthy = await waitForStatus(stack.view, (s) => (s.phase === 'Healthy' && s.stableRS === hash) || s.phase === 'Degraded', 'Healthy after promote', 60_000);
  expect(healthy.phase).toBe('Healthy');
  stableHash = hash;
  await waitFor(async () => (await stack.view.mapping('demo-canary')) === undefined, { timeoutMs: 20_000, description: 'canary Mapping removed' });
});

test('5b. an Inconclusive step analysis pauses; kanary abort rolls back', async () => {
  const hash = await startRevision({ image: 'kanary/demo-app:e2e-inconclusive', steps: inconclusiveSteps });
  await pausedOnInconclusive();
  const aborted = await kanary(['abort', 'demo', '-n', ns.name]);
  expect(aborted.code).toBe(0);
  const degraded = await waitForStatus(stack.view, (s) => s.phase === 'Degraded', 'Degraded after abort', 30_000);
  expect(degraded.abort).toBe(true);
  expect(degraded.stableRS).toBe(stableHash);
  expect(degraded.pauseConditions ?? []).toHaveLength(0);
  await waitFor(async () => (await stack.view.mapping('demo-canary')) === undefined, { timeoutMs: 20_000, description: 'canary Mapping deleted' });
  await waitFor(async () => (await stack.view.replicaSetOf(hash))?.spec?.replicas === 0, { timeoutMs: 30_000, description: 'canary scaled to 0' });
});

test('3. background analysis failing during an indefinite pause aborts the rollout', async () => {
  stack.target.set('bg', 0.01);
  const hash = await startRevision({
    image: 'kanary/demo-app:e2e-background',
    steps: [{ setWeight: 50 }, { pause: {} }, { setWeight: 100 }],
    analysis: analysisRef(['bg-rate'], 'bg', 1),
  });
  await waitForStatus(stack.view, (s) => s.phase === 'Paused' && s.currentStepIndex === 1, 'paused at step 1');
  const name = `demo-${hash}-4`;
  await stack.runs.waitFor(hash, (r) => r.metadata.name === name && (metricResult(r, 'bg-rate')?.successful ?? 0) >= 2, 'background run measuring');
  expect((await stack.view.rollout()).status.phase).toBe('Paused');
  stack.target.set('bg', 0.3);
  const degraded = await waitForStatus(stack.view, (s) => s.phase === 'Degraded', 'Degraded after the background run failed', 30_000);
  expect(degraded.abort).toBe(true);
  expect(degraded.message).toContain(`AnalysisRun "${name}" failed`);
  expect(degraded.message).toContain('Metric "bg-rate" assessed Failed');
  const [run] = await stack.runs.ofHash(hash);
  expect(run?.status?.phase).toBe('Failed');
  await waitFor(async () => (await stack.view.mapping('demo-canary')) === undefined, { timeoutMs: 20_000, description: 'canary Mapping deleted' });
  await waitFor(async () => (await stack.view.replicaSetOf(hash))?.spec?.replicas === 0, { timeoutMs: 30_000, description: 'canary scaled to 0' });
  expect((await stack.view.rollout()).status.stableRS).toBe(stableHash);
});
