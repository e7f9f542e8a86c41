// AnalysisRun history: complete runs of earlier revisions beyond 5 Successful / 5 unsuccessful
// (or the Rollout's spec.analysis limits) are deleted, newest kept; the current revision's runs and
// runs still Pending or Running are never pruned.
import { rolloutSchema } from '../../src/api/rollout.js';
import type { AnalysisPhase } from '../../src/api/analysis.js';
import { planCanary } from '../../src/core/plan-canary.js';
import { findPrunableRuns } from '../../src/core/plan-run-history.js';
import { computePodTemplateHash, computeStepsHash } from '../../src/core/pod-template-hash.js';
import type { AnalysisRunView, CanarySnapshot } from '../../src/core/snapshot.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const limits = { successful: 5, unsuccessful: 5 };

function run(name: string, phase: AnalysisPhase, minute: number, hash = 'old'): AnalysisRunView {
  return { name, podTemplateHash: hash, background: false, phase, createdAtMs: T0 + minute * 60_000 };
}

function runs(count: number, phase: AnalysisPhase, prefix: string): AnalysisRunView[] {
  return Array.from({ length: count }, (_, i) => run(`${prefix}-${i}`, phase, i));
}

test.each<[string, AnalysisRunView[], string[]]>([
  ['nothing to prune under the limits', [...runs(5, 'Successful', 's'), ...runs(5, 'Failed', 'f')], []],
  ['the oldest Successful runs beyond 5 go', runs(8, 'Successful', 's'), ['s-2', 's-1', 's-0']],
  ['Failed, Error and Inconclusive share the unsuccessful limit', [...runs(3, 'Failed', 'f'), run('e', 'Error', 10), run('i', 'Inconclusive', 11), run('x', 'Error', 12)], ['f-0']],
  ['Running and Pending runs are never pruned', [...runs(6, 'Successful', 's'), run('r', 'Running', -5), run('p', 'Pending', -6)], ['s-0']],
  ['runs of the current pod template are kept whatever their number', [...runs(6, 'Successful', 's'), run('cur-a', 'Successful', -10, 'current'), run('cur-b', 'Failed', -11, 'current')], ['s-0']],
  ['equal creation times: ordered by name, the lower name is older', [run('b', 'Successful', 0), run('a', 'Successful', 0)].concat(runs(4, 'Successful', 'z').map((r) => ({ ...r, createdAtMs: T0 }))), ['a']],
])('%s', (_title, views, expected) => {
  expect(findPrunableRuns(views, 'current', limits)).toEqual(expected);
});

test('a run terminated before it decided (Inconclusive) counts with the successful history, never pushing out a failure', () => {
  const terminated = { ...run('t', 'Inconclusive', 20), terminated: true };
  const failures = runs(5, 'Failed', 'f');
  expect(findPrunableRuns([terminated, ...failures], 'current', limits)).toEqual([]);
  expect(findPrunableRuns([terminated, ...failures], 'current', { successful: 0, unsuccessful: 5 })).toEqual(['t']);
  expect(findPrunableRuns([run('i', 'Inconclusive', 20), ...failures], 'current', limits)).toEqual(['f-0']);
});

test('limits of 0 prune every complete run of earlier revisions', () => {
  expect(findPrunableRuns([run('s', 'Successful', 1), run('f', 'Failed', 2)], 'current', { successful: 0, unsuccessful: 0 })).toEqual(['f', 's']);
});

describe('planCanary prunes run history with spec.analysis limits', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'v2' }] } };
  const hash = computePodTemplateHash(template);
  const steps = [{ setWeight: 100 }];

  function snapshot(analysis: object | undefined, views: AnalysisRunView[]): CanarySnapshot {
    const rollout = rolloutSchema.parse({
      apiVersion: 'kanary.dev/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'web', namespace: 'default', generation: 1 },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template,
        ...(analysis ? { analysis } : {}),
        strategy: { canary: { steps } },
      },
      status: { stableRS: hash, currentPodHash: hash, currentStepHash: computeStepsHash(steps), currentStepIndex: 1, observedGeneration: 1 },
    });
    const rs = { name: `web-${hash}`, podTemplateHash: hash, revision: 3, specReplicas: 1, readyReplicas: 1, availableReplicas: 1, ownedByRollout: true };
    return { rollout, replicaSets: [rs], services: {}, analysisRuns: views, specProblems: [] };
  }

  const deleted = (snap: CanarySnapshot) =>
    planCanary(snap, T0).actions.filter((a) => a.type === 'deleteAnalysisRun').map((a) => (a as { name: string }).name);

  test('defaults: 5 successful and 5 unsuccessful kept', () => {
    expect(deleted(snapshot(undefined, [...runs(6, 'Successful', 's'), ...runs(7, 'Failed', 'f')]))).toEqual(['f-1', 's-0', 'f-0']);
  });

  test('the Rollout\'s own limits', () => {
    const analysis = { successfulRunHistoryLimit: 1, unsuccessfulRunHistoryLimit: 2 };
    expect(deleted(snapshot(analysis, [...runs(2, 'Successful', 's'), ...runs(3, 'Error', 'e')]))).toEqual(['s-0', 'e-0']);
  });

  test('a negative limit is refused by the schema', () => {
    expect(() => snapshot({ successfulRunHistoryLimit: -1 }, [])).toThrow(/successfulRunHistoryLimit/);
  });
});
