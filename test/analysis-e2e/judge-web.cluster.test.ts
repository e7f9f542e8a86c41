/**
 * Issue 17 with counts from the WEB provider, end to end: the judge reads four jsonPaths from one
 * JSON response of cumulative counters per arm (a test-controlled server on loopback), through the
 * REAL controller's web provider (bounded, egress-checked). A canary with 10× stable's error rate is
 * aborted, a canary with stable's error rate is promoted early, and a background judge still
 * undecided when the Rollout promotes on its steps ends Inconclusive ("judge undecided"), never
 * Successful, without holding up the promotion.
 */
import { jest } from '@jest/globals';
import { useTestNamespace } from '../harness/cluster.js';
import { applyDocs } from '../controller/rollout-fixtures.js';
import { analysisRef, analysisStep, describeRuns, metricResult, rolloutOnly, waitForStatus } from './analysis-e2e-fixtures.js';
import { COUNTERS_JSON_PATH, deployStableRevision, getRolloutText, judgeWebTemplate, startJudgeStack, type JudgeStack } from './judge-e2e-fixtures.js';

jest.setTimeout(120_000);

const ns = useTestNamespace('analysis-judge-web');
let stack: JudgeStack;
let stableHash = '';
let latestHash = '';

beforeAll(async () => {
  stack = await startJudgeStack(ns, { bad: { canary: 0.1, stable: 0.01 }, good: { canary: 0.03, stable: 0.03 } });
  const url = `${stack.target.address}${COUNTERS_JSON_PATH}`;
  stableHash = await deployStableRevision(stack, ns.name, [
    judgeWebTemplate('judge-web', url, { alpha: 0.01, tolerance: 1.1, badRatio: 3, minPromoteIntervals: 5, minEvents: 5 }),
    judgeWebTemplate('judge-web-background', url, { alpha: 0.01, tolerance: 1.1 }, { count: undefined }),
  ]);
  latestHash = stableHash;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function startRevision(image: string, steps: object[], analysis?: object): Promise<string> {
  await applyDocs(ns.name, rolloutOnly({ image, steps, ...(analysis ? { analysis } : {}) }));
  const status = await waitForStatus(stack.view, (s) => typeof s.currentPodHash === 'string' && s.currentPodHash !== latestHash, `new revision ${image}`);
  latestHash = status.currentPodHash as string;
  return latestHash;
}

const getRollout = (): Promise<string> => getRolloutText(ns.name);

test('a canary with 10x the error rate of stable is aborted by the judge on web counts', async () => {
  const hash = await startRevision('kanary/demo-app:web-bad', [{ setWeight: 50 }, analysisStep(['judge-web'], 'bad')]);
  const degraded = await waitForStatus(stack.view, (s) => s.phase === 'Degraded', 'Degraded after the judge failed the run', 60_000).catch(async (error: Error) => {
    throw new Error(`${error.message}\n${describeRuns(await stack.runs.ofHash(hash))}`);
  });
  expect(degraded.abort).toBe(true);
  expect(degraded.stableRS).toBe(stableHash);
  expect(degraded.message).toContain('judge: canary worse than stable');
  const [run] = await stack.runs.ofHash(hash);
  expect(run?.status?.phase).toBe('Failed');
  const result = metricResult(run!, 'errors-vs-stable')!;
  expect(result.judge.state.verdict).toMatchObject({ outcome: 'fail' });
  expect(result.judge.state.canaryRequests).toBeGreaterThan(0);
  expect(result.resolvedQuery).toBe(
    `GET ${stack.target.address}${COUNTERS_JSON_PATH}; canaryRequests: $['bad'].canary.requests; canaryErrors: $['bad'].canary.errors; ` +
    "baselineRequests: $['bad'].stable.requests; baselineErrors: $['bad'].stable.errors",
  );
  const last = result.measurements.at(-1);
  expect(last.judge.abortEvidence).toBeGreaterThanOrEqual(100);
  console.log(`judge e2e (web, bad): ${last.message}`);
});

test('a canary with the error rate of stable is promoted early by the judge on web counts', async () => {
  const hash = await startRevision('kanary/demo-app:web-good', [{ setWeight: 50 }, analysisStep(['judge-web'], 'good')]);
  const healthy = await waitForStatus(stack.view, (s) => s.phase === 'Healthy' && s.stableRS === hash, 'Healthy on the canary', 90_000).catch(async (error: Error) => {
    throw new Error(`${error.message}\n${describeRuns(await stack.runs.ofHash(hash))}`);
  });
  expect(healthy.abort ?? false).toBe(false);
  const [run] = await stack.runs.ofHash(hash);
  expect(run?.status?.phase).toBe('Successful');
  const result = metricResult(run!, 'errors-vs-stable')!;
  expect(result.judge.state.verdict).toMatchObject({ outcome: 'pass' });
  expect(result.message).toContain('promoted early');
  stableHash = hash;
});

test('a background judge still undecided at promotion ends Inconclusive ("judge undecided"), the Rollout promotes', async () => {
  const hash = await startRevision('kanary/demo-app:web-undecided', [{ setWeight: 50 }, { pause: { duration: '5s' } }], analysisRef(['judge-web-background'], 'good'));
  const healthy = await waitForStatus(stack.view, (s) => s.phase === 'Healthy' && s.stableRS === hash, 'promoted on its steps', 90_000);
  expect(healthy.pauseConditions ?? []).toEqual([]);
  const run = await stack.runs.waitFor(hash, (r) => r.status?.phase === 'Inconclusive', 'the terminated background run Inconclusive', 30_000).catch(async (error: Error) => {
    throw new Error(`${error.message}\n${describeRuns(await stack.runs.ofHash(hash))}`);
  });
  expect(run.spec.terminate).toBe(true);
  expect(run.status.message).toMatch(/^Metric "errors-vs-stable" assessed Inconclusive due to judge undecided after \d+ intervals: the run was terminated before a verdict/);
  const result = metricResult(run, 'errors-vs-stable')!;
  expect(result.phase).toBe('Inconclusive');
  expect(result.judge.state.verdict).toBeUndefined();
  expect(result.judge.state.intervals).toBeGreaterThan(0);
  const shown = await getRollout();
  console.log(`get rollout after promotion:\n${shown}`);
  expect(shown).toMatch(/errors-vs-stable +Metric +\S+ Inconclusive +undecided after \d+ intervals? \(run terminated\): /);
  expect((await stack.view.rollout()).status?.phase).toBe('Healthy');
  stableHash = hash;
});
