/**
 * Issue 5, "Bad input", on the local cluster with the real controller and a real Prometheus: each
 * mistake ends as a clear message on the AnalysisRun and on the Rollout (aborted, Degraded, stable
 * untouched), or as InvalidSpec naming a missing template; the controller never crashes.
 */
import { jest } from '@jest/globals';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { applyDocs, type Obj } from '../controller/rollout-fixtures.js';
import {
  analysisStep,
  analysisTemplate,
  deployStable,
  gaugeMetric,
  measurementsOf,
  rolloutOnly,
  waitForStatus,
  type AnalysisStack,
  startAnalysisStack,
} from './analysis-e2e-fixtures.js';

jest.setTimeout(90_000);

const ns = useTestNamespace('analysis-bad-input');
let stack: AnalysisStack;
let stableHash = '';
let latestHash = '';

const once = { count: 1, consecutiveErrorLimit: 0 };
const templates = [
  analysisTemplate('bad-promql', [gaugeMetric({ ...once, successCondition: 'result[0] < 0.05', query: 'sum(kanary_test_value{series="{{args.series}}"' })]),
  analysisTemplate('bad-cel', [gaugeMetric({ ...once, successCondition: 'result[0] < < 0.05' })]),
  analysisTemplate('non-bool', [gaugeMetric({ ...once, successCondition: 'result[0] * 2' })]),
  analysisTemplate('needs-threshold', [gaugeMetric({ ...once, successCondition: 'result[0] < {{args.threshold}}' })], { args: [{ name: 'series' }, { name: 'threshold' }] }),
  analysisTemplate('forever', [gaugeMetric({ successCondition: 'result[0] < 0.05' })]),
];

beforeAll(async () => {
  stack = await startAnalysisStack(ns, { ok: 0.01 });
  stableHash = await deployStable(stack, ns.name, templates, { image: 'kanary/demo-app:v1', steps: [] });
  latestHash = stableHash;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

let revision = 0;

/** A new revision whose second step analyses `template`; resolves to its hash. */
async function applyRevision(template: string): Promise<void> {
  revision += 1;
  await applyDocs(ns.name, rolloutOnly({ image: `kanary/demo-app:bad-${revision}`, steps: [{ setWeight: 50 }, analysisStep([template], 'ok'), { setWeight: 100 }] }));
}

async function startRevision(template: string): Promise<string> {
  await applyRevision(template);
  const status = await waitForStatus(stack.view, (s) => typeof s.currentPodHash === 'string' && s.currentPodHash !== latestHash, `revision for ${template}`);
  latestHash = status.currentPodHash as string;
  return latestHash;
}

/** Waits for the run to end in Error and the Rollout to abort; returns both messages. */
async function erroredAndAborted(hash: string): Promise<{ run: Obj; rolloutMessage: string }> {
  const run = await stack.runs.waitFor(hash, (r) => r.status?.phase === 'Error' || r.status?.phase === 'Successful', 'run complete');
  expect(run.status.phase).toBe('Error');
  const degraded = await waitForStatus(stack.view, (s) => s.phase === 'Degraded', 'Degraded', 30_000);
  expect(degraded.abort).toBe(true);
  expect(degraded.stableRS).toBe(stableHash);
  expect(degraded.message).toContain(`AnalysisRun "${run.metadata.name}" errored`);
  expect(degraded.message).toContain(run.status.message);
  await waitFor(async () => (await stack.view.replicaSetOf(hash))?.spec?.replicas === 0, { timeoutMs: 30_000, description: 'canary scaled to 0' });
  // One run per decided step: no fresh attempt after the abort.
  expect((await stack.runs.ofHash(hash)).map((r) => r.metadata.name)).toEqual([`demo-${hash}-${revision + 1}-1`]);
  return { run, rolloutMessage: degraded.message };
}

test('a PromQL syntax error: Prometheus 400 bad_data with its parse message', async () => {
  const { run } = await erroredAndAborted(await startRevision('bad-promql'));
  const [measurement] = measurementsOf(run);
  expect(measurement?.phase).toBe('Error');
  expect(measurement?.message).toMatch(/400/);
  expect(measurement?.message).toContain('bad_data');
  expect(measurement?.message).toMatch(/parse error/);
  expect(run.status.message).toContain('bad_data');
});

test('a CEL condition that does not parse: named by metric and column', async () => {
  const { run } = await erroredAndAborted(await startRevision('bad-cel'));
  expect(run.status.message).toMatch(/^metric "error-rate" successCondition: invalid CEL at column \d+/);
  expect(measurementsOf(run)).toHaveLength(0);
});

test('a condition that returns a number, not a bool', async () => {
  const { run } = await erroredAndAborted(await startRevision('non-bool'));
  const [measurement] = measurementsOf(run);
  expect(measurement?.message).toBe('condition "result[0] * 2" returned double 0.02, not a bool');
  expect(run.status.message).toContain('not a bool');
});

test('a missing arg: the run is created in Error naming the arg', async () => {
  const { run, rolloutMessage } = await erroredAndAborted(await startRevision('needs-threshold'));
  expect(run.status.message).toContain('arg "threshold" has no value');
  expect(rolloutMessage).toContain('arg "threshold" has no value');
});

test('a step analysis that would run forever (interval, no count)', async () => {
  const { run } = await erroredAndAborted(await startRevision('forever'));
  expect(run.status.message).toContain('metric "error-rate" of AnalysisTemplate "forever" would run forever');
  expect(measurementsOf(run)).toHaveLength(0);
});

test('a template that does not exist: InvalidSpec names it, no run is created', async () => {
  const runsBefore = (await stack.runs.list()).length;
  await applyRevision('does-not-exist');
  const invalid = await waitForStatus(stack.view, (s) => ((s.conditions ?? []) as Obj[]).some((c) => c.type === 'InvalidSpec' && c.status === 'True'), 'InvalidSpec', 30_000);
  expect(invalid.phase).toBe('Degraded');
  const condition = (invalid.conditions as Obj[]).find((c) => c.type === 'InvalidSpec');
  expect(condition?.message).toContain('AnalysisTemplate "does-not-exist" not found');
  expect(invalid.message).toContain('AnalysisTemplate "does-not-exist" not found');
  expect(await stack.runs.list()).toHaveLength(runsBefore);
  expect(await stack.view.canaryWeight()).toBe(0);
  expect(stack.controller.exited()).toBe(false);
});
