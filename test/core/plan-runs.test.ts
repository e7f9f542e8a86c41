// When planCanary stops (terminates) a complete AnalysisRun of the current template: only once the
// persisted status has moved past it, so a reconcile on a stale Rollout cache never finds a decided
// step's slot empty and creates a fresh run for it (seen end to end in test/analysis-e2e).
import { rolloutSchema, type RolloutStatus } from '../../src/api/rollout.js';
import type { AnalysisPhase } from '../../src/api/analysis.js';
import { planCanary } from '../../src/core/plan-canary.js';
import { computePodTemplateHash, computeStepsHash } from '../../src/core/pod-template-hash.js';
import type { CanarySnapshot } from '../../src/core/snapshot.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const template = (image: string) => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } });
const steps = [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'rate' }] } }, { setWeight: 100 }];
const v1 = computePodTemplateHash(template('v1'));
const v2 = computePodTemplateHash(template('v2'));
const runName = `web-${v2}-2-1`;

interface RunState {
  phase: AnalysisPhase;
  terminated?: boolean;
}

function snapshot(prev: Partial<RolloutStatus>, run: RunState): CanarySnapshot {
  const rollout = rolloutSchema.parse({
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'default', generation: 2 },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: template('v2'),
      strategy: { canary: { steps, canaryService: 'web-canary', stableService: 'web-stable', trafficRouting: { ambassador: { mappings: ['web'] } } } },
    },
    status: { stableRS: v1, currentPodHash: v2, currentStepHash: computeStepsHash(steps), observedGeneration: 2, ...prev },
  });
  const rs = (hash: string, revision: number, replicas: number) => ({
    name: `web-${hash}`, podTemplateHash: hash, revision, specReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, ownedByRollout: true,
  });
  return {
    rollout,
    replicaSets: [rs(v1, 1, 2), rs(v2, 2, 1)],
    services: { stable: { name: 'web-stable', selectorHash: v1 }, canary: { name: 'web-canary', selectorHash: v2 } },
    traffic: { canaryRoute: { weightPercent: 50 } },
    analysisRuns: [{ name: runName, podTemplateHash: v2, stepIndex: 1, background: false, ...run }],
    specProblems: [],
  };
}

test.each<[string, Partial<RolloutStatus>, RunState, { terminate: boolean; create?: string; abort: boolean }]>([
  ['the reconcile that sees the Error aborts but keeps the run', { currentStepIndex: 1 }, { phase: 'Error' }, { terminate: false, abort: true }],
  ['a stale status (step 0) sees the Error: abort again, nothing created', { currentStepIndex: 0 }, { phase: 'Error' }, { terminate: false, abort: true }],
  ['the abort is persisted: the failed run is consumed', { currentStepIndex: 1, abort: true }, { phase: 'Failed' }, { terminate: true, abort: true }],
  ['a Successful run completes its step but stays until the status moved on', { currentStepIndex: 1 }, { phase: 'Successful' }, { terminate: false, abort: false }],
  ['the status moved past the step: the Successful run is consumed', { currentStepIndex: 2 }, { phase: 'Successful' }, { terminate: true, abort: false }],
  ['a consumed run at its step (after a retry): a fresh attempt', { currentStepIndex: 1 }, { phase: 'Failed', terminated: true }, { terminate: false, create: `${runName}.1`, abort: false }],
])('%s', (_title, prev, run, expected) => {
  const plan = planCanary(snapshot(prev, run), T0);
  const terminated = plan.actions.filter((a) => a.type === 'terminateAnalysisRun').map((a) => (a as { name: string }).name);
  const created = plan.actions.filter((a) => a.type === 'createAnalysisRun').map((a) => (a as { name: string }).name);
  expect(terminated).toEqual(expected.terminate ? [runName] : []);
  expect(created).toEqual(expected.create ? [expected.create] : []);
  expect(plan.status.abort === true).toBe(expected.abort);
});

// A run terminated while its judge was undecided ends Inconclusive ("judge undecided"), not
// Successful. A terminated run never decides again: the Rollout that moved past it (promote, or
// promotion ending a background run) is neither paused nor aborted by it.
test('a terminated Inconclusive run (an undecided judge cut off) neither pauses nor aborts the Rollout', () => {
  const plan = planCanary(snapshot({ currentStepIndex: 2 }, { phase: 'Inconclusive', terminated: true }), T0);
  expect(plan.status.abort === true).toBe(false);
  expect(plan.status.pauseConditions ?? []).toEqual([]);
  expect(plan.actions.filter((a) => a.type === 'createAnalysisRun' || a.type === 'terminateAnalysisRun')).toEqual([]);
});

test('an Inconclusive run that is not terminated (a judge undecided at count) pauses the Rollout', () => {
  const plan = planCanary(snapshot({ currentStepIndex: 1 }, { phase: 'Inconclusive' }), T0);
  expect(plan.status.abort === true).toBe(false);
  expect((plan.status.pauseConditions ?? []).map((c) => c.reason)).toEqual(['InconclusiveAnalysisRun']);
});
