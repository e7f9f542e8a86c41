/**
 * Issue 5, run history: complete AnalysisRuns of earlier revisions beyond
 * spec.analysis.successfulRunHistoryLimit / unsuccessfulRunHistoryLimit are deleted by the
 * controller, newest kept; the current revision's runs stay.
 */
import { jest } from '@jest/globals';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { applyDocs } from '../controller/rollout-fixtures.js';
import {
  analysisStep,
  analysisTemplate,
  deployStable,
  gaugeMetric,
  rolloutOnly,
  startAnalysisStack,
  waitForStatus,
  type AnalysisStack,
} from './analysis-e2e-fixtures.js';

jest.setTimeout(180_000);

const ns = useTestNamespace('analysis-history');
let stack: AnalysisStack;
const bounds = { successCondition: 'result[0] < 0.05', failureCondition: 'result[0] >= 0.05' };
const templates = [analysisTemplate('quick', [gaugeMetric({ count: 1, ...bounds })]), analysisTemplate('failing', [gaugeMetric({ count: 1, ...bounds })])];
const history = { successfulRunHistoryLimit: 1, unsuccessfulRunHistoryLimit: 1 };

beforeAll(async () => {
  stack = await startAnalysisStack(ns, { ok: 0.01, bad: 0.5 });
  await deployStable(stack, ns.name, templates, { image: 'example/app:r1', steps: [] });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

function revision(image: string, series: string) {
  return rolloutOnly({ image, steps: [{ setWeight: 50 }, analysisStep([series === 'ok' ? 'quick' : 'failing'], series)] }).map((doc) => ({
    ...doc,
    spec: { ...doc.spec, analysis: history },
  }));
}

/** Applies a new revision and waits until it ends in `phase` (Healthy: promoted; Degraded: aborted). */
async function release(image: string, series: string, phase: 'Healthy' | 'Degraded', seen: Set<string>): Promise<string> {
  await applyDocs(ns.name, revision(image, series));
  const status = await waitForStatus(
    stack.view,
    (s) => typeof s.currentPodHash === 'string' && !seen.has(s.currentPodHash) && s.phase === phase,
    `${image} ${phase}`,
    90_000,
  );
  return status.currentPodHash as string;
}

async function runNames(): Promise<string[]> {
  return (await stack.runs.list()).map((run) => run.metadata.name as string).sort();
}

test('only the newest successful and unsuccessful runs of earlier revisions are kept', async () => {
  const hashes: string[] = [];
  for (const [image, series, phase] of [
    ['example/app:r2', 'ok', 'Healthy'],
    ['example/app:r3', 'bad', 'Degraded'],
    ['example/app:r4', 'ok', 'Healthy'],
    ['example/app:r5', 'bad', 'Degraded'],
    ['example/app:r6', 'ok', 'Healthy'],
  ] as const) {
    hashes.push(await release(image, series, phase, new Set(hashes)));
  }
  const [r2, r3, r4, r5, r6] = hashes;
  // r6 (current) keeps its run; of earlier revisions only the newest Successful (r4) and the newest
  // unsuccessful (r5) remain; r2 and r3 were pruned.
  const expected = [`demo-${r4}-4-1`, `demo-${r5}-5-1`, `demo-${r6}-6-1`].sort();
  await waitFor(async () => {
    const names = await runNames();
    return JSON.stringify(names) === JSON.stringify(expected) ? names : undefined;
  }, { timeoutMs: 30_000, description: `runs pruned to ${expected.join(', ')} (r2 ${r2}, r3 ${r3})` });
  expect(await runNames()).toEqual(expected);
});
