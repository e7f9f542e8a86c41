// Which status differences only mirror replica counts (held back mid-step) and which are decisions.
import type { RolloutStatus } from '../../src/api/rollout.js';
import { classifyStatusChange } from '../../src/core/status-change.js';

const progressing = (message: string, updated = '2026-01-01T00:00:00Z') => ({
  type: 'Progressing' as const, status: 'True' as const, reason: 'ReplicaSetUpdated', message,
  lastUpdateTime: updated, lastTransitionTime: '2026-01-01T00:00:00Z',
});
const available = { type: 'Available' as const, status: 'True' as const, reason: 'MinimumReplicasAvailable', message: 'ok', lastUpdateTime: 't', lastTransitionTime: 't' };

function midStep(overrides: Partial<RolloutStatus> = {}): RolloutStatus {
  return {
    phase: 'Progressing', currentPodHash: 'abc', stableRS: 'old', currentStepIndex: 1, observedGeneration: 2,
    replicas: 5, updatedReplicas: 1, readyReplicas: 4, availableReplicas: 4,
    canary: { weights: { canary: { weight: 0, podTemplateHash: 'abc' }, stable: { weight: 100, podTemplateHash: 'old' } } },
    conditions: [progressing('step 1/4, canary 0/1 available'), available],
    ...overrides,
  } as RolloutStatus;
}

test('equal statuses, whatever the key order, need no write', () => {
  const live = midStep();
  const reordered = Object.fromEntries(Object.entries(midStep()).reverse()) as RolloutStatus;
  expect(classifyStatusChange(live, reordered)).toBe('none');
});

test('replica counts and the Progressing messages that follow from them are counts only', () => {
  const desired = midStep({
    readyReplicas: 5, availableReplicas: 5, message: 'updated replicas are still becoming available',
    conditions: [progressing('step 1/4, canary 1/1 available', '2026-01-01T00:00:09Z'), available],
  });
  expect(classifyStatusChange(midStep(), desired)).toBe('countsOnly');
});

test.each<[string, Partial<RolloutStatus>]>([
  ['the step index', { currentStepIndex: 2, availableReplicas: 5 }],
  ['the canary weight', { canary: { weights: { canary: { weight: 20, podTemplateHash: 'abc' }, stable: { weight: 80, podTemplateHash: 'old' } } } }],
  ['the phase', { phase: 'Paused', availableReplicas: 5 }],
  ['the observed generation', { observedGeneration: 3, availableReplicas: 5 }],
  ['a pause condition', { pauseConditions: [{ reason: 'CanaryPauseStep', startTime: 't' }] }],
  ['another condition', { conditions: [progressing('step 1/4, canary 0/1 available'), { ...available, status: 'False' }] }],
  ['the Progressing reason', { conditions: [{ ...progressing('x'), reason: 'RolloutPaused' }, available] }],
])('a change of %s is a decision', (_name, overrides) => {
  expect(classifyStatusChange(midStep(), midStep(overrides))).toBe('decision');
});

test('outside Progressing, count changes are written at once', () => {
  expect(classifyStatusChange(midStep({ phase: 'Healthy' }), midStep({ phase: 'Healthy', availableReplicas: 5 }))).toBe('decision');
  expect(classifyStatusChange(midStep({ phase: 'Degraded' }), midStep({ phase: 'Degraded', availableReplicas: 3 }))).toBe('decision');
});

test('no observed status yet is a decision', () => {
  expect(classifyStatusChange(undefined, midStep())).toBe('decision');
});
