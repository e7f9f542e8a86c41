/**
 * Issue 17, items 1 and 4 end to end: an AnalysisTemplate metric with a `judge` block, counts read
 * from a REAL Prometheus scraping request/error counters per arm, the REAL controller. A canary
 * with 10× stable's error rate is aborted when the evidence reaches 1/alpha; a canary with
 * stable's error rate is promoted early. Each measurement stores counts and evidence, and
 * `kanary get rollout` shows them in one line.
 */
import { jest } from '@jest/globals';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { applyDocs } from '../controller/rollout-fixtures.js';
import { analysisStep, describeRuns, metricResult, rolloutOnly, waitForStatus } from './analysis-e2e-fixtures.js';
import { deployStableRevision, getRolloutText, judgeTemplate, startJudgeStack, type JudgeStack } from './judge-e2e-fixtures.js';

jest.setTimeout(120_000);

const ns = useTestNamespace('analysis-judge');
let stack: JudgeStack;
let stableHash = '';
let latestHash = '';

const templates = [
  judgeTemplate('judge', { alpha: 0.01, tolerance: 1.1, badRatio: 3, minPromoteIntervals: 5, minEvents: 5 }),
  judgeTemplate('judge-no-promotion', { alpha: 0.01, tolerance: 1.1 }, { count: 8 }),
];

beforeAll(async () => {
  stack = await startJudgeStack(ns, { bad: { canary: 0.1, stable: 0.01 }, good: { canary: 0.03, stable: 0.03 } });
  stableHash = await deployStableRevision(stack, ns.name, templates);
  latestHash = stableHash;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function startRevision(image: string, series: string, template = 'judge'): Promise<string> {
  await applyDocs(ns.name, rolloutOnly({ image, steps: [{ setWeight: 50 }, analysisStep([template], series)] }));
  const status = await waitForStatus(stack.view, (s) => typeof s.currentPodHash === 'string' && s.currentPodHash !== latestHash, `new revision ${image}`);
  latestHash = status.currentPodHash as string;
  return latestHash;
}

const getRollout = (): Promise<string> => getRolloutText(ns.name);

test('a canary with 10x the error rate of stable is aborted by the judge, evidence on record', async () => {
  const hash = await startRevision('kanary/demo-app:judge-bad', 'bad');
  const running = await stack.runs.waitFor(hash, (r) => (metricResult(r, 'errors-vs-stable')?.measurements ?? []).some((m: { judge?: { interval?: string } }) => m.judge?.interval === 'judged'), 'a judged measurement', 30_000);
  const shown = await getRollout().catch((error: Error) => `get rollout failed: ${error.message}`);
  const degraded = await waitForStatus(stack.view, (s) => s.phase === 'Degraded', 'Degraded after the judge failed the run', 60_000);
  expect(degraded.abort).toBe(true);
  expect(degraded.stableRS).toBe(stableHash);
  expect(degraded.message).toContain('judge: canary worse than stable');
  const [run] = await stack.runs.ofHash(hash);
  expect(run?.status?.phase).toBe('Failed');
  const result = metricResult(run!, 'errors-vs-stable')!;
  const last = result.measurements.at(-1);
  expect(last.phase).toBe('Failed');
  expect(last.judge.abortEvidence).toBeGreaterThanOrEqual(100);
  expect(last.judge.abortThreshold).toBe(100);
  expect(Number(last.judge.observedRatio)).toBeGreaterThan(3);
  expect(last.judge.canaryRequests).toBeGreaterThan(0);
  expect(result.judge.state.verdict).toMatchObject({ outcome: 'fail' });
  expect(result.resolvedQuery).toContain('canaryErrors: kanary_test_errors_total{series="bad",role="canary"}');
  console.log(`judge e2e (bad): ${last.message}\nget rollout while running (${running.metadata.name}):\n${shown}`);
  expect(shown).toMatch(/errors-vs-stable +Metric +.*evidence [\d.e+]+ of 100 to abort/);
  await waitFor(async () => (await stack.view.replicaSetOf(hash))?.spec?.replicas === 0, { timeoutMs: 30_000, description: 'canary ReplicaSet scaled to 0' });
});

test('a canary with the error rate of stable is promoted early by the judge', async () => {
  const hash = await startRevision('kanary/demo-app:judge-good', 'good');
  const healthy = await waitForStatus(stack.view, (s) => s.phase === 'Healthy' && s.stableRS === hash, 'Healthy on the canary', 90_000).catch(async (error: Error) => {
    throw new Error(`${error.message}\n${describeRuns(await stack.runs.ofHash(hash))}`);
  });
  expect(healthy.abort ?? false).toBe(false);
  const [run] = await stack.runs.ofHash(hash);
  expect(run?.status?.phase).toBe('Successful');
  const result = metricResult(run!, 'errors-vs-stable')!;
  expect(result.message).toContain('promoted early');
  expect(result.judge.state.verdict).toMatchObject({ outcome: 'pass' });
  const last = result.measurements.at(-1);
  expect(last.judge.promoteEvidence).toBeGreaterThanOrEqual(20);
  expect(last.judge.abortEvidence).toBeLessThan(100);
  console.log(`judge e2e (good): ${last.message}`);
  stableHash = hash;
});

test('undecided after count intervals is Inconclusive: the Rollout pauses, never promotes; a controller crash mid-run resumes the judge from status', async () => {
  const hash = await startRevision('kanary/demo-app:judge-undecided', 'good', 'judge-no-promotion');
  const judgedTwice = (r: { status?: { metricResults?: { judge?: { state?: { judgedIntervals?: number } } }[] } }) =>
    (r.status?.metricResults?.[0]?.judge?.state?.judgedIntervals ?? 0) >= 2;
  const before = await stack.runs.waitFor(hash, judgedTwice, 'two judged intervals', 30_000);
  const intervalsBefore = metricResult(before, 'errors-vs-stable')!.judge.state.intervals as number;
  await stack.crashAndRestartController(1500);
  const paused = await waitForStatus(stack.view, (s) => s.phase === 'Paused' || s.phase === 'Degraded' || s.stableRS === hash, 'Paused on the Inconclusive run', 60_000);
  expect(paused.phase).toBe('Paused');
  expect((paused.pauseConditions as { reason: string }[]).map((c) => c.reason)).toEqual(['InconclusiveAnalysisRun']);
  expect(paused.stableRS).toBe(stableHash);
  expect(await stack.view.canaryWeight()).toBe(50);
  const [run] = await stack.runs.ofHash(hash);
  expect(run?.status?.phase).toBe('Inconclusive');
  expect(run?.status?.message).toBe('Metric "errors-vs-stable" assessed Inconclusive due to judge: inconclusive after 8 intervals: not enough evidence either way; pauses for a person');
  const result = metricResult(run!, 'errors-vs-stable')!;
  expect(result.judge.state.intervals).toBe(8);
  expect(intervalsBefore).toBeGreaterThanOrEqual(2);
  const kinds = (result.measurements as { judge?: { interval: string } }[]).map((m) => m.judge?.interval);
  expect(kinds.filter((k) => k === 'firstScrape')).toHaveLength(1);
  expect(kinds.filter((k) => k !== undefined)).toHaveLength(9);
});
