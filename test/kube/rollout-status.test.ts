import { buildRolloutStatusPatch } from '../../src/kube/rollout-status.js';

const base = { namespace: 'ns', name: 'demo' };

describe('buildRolloutStatusPatch', () => {
  test('no patch when nothing changed (an idle rollout writes nothing)', () => {
    const live = { phase: 'Healthy', observedGeneration: 3, stableRS: 'abc' };
    expect(buildRolloutStatusPatch({ ...base, liveStatus: live, desiredStatus: { phase: 'Healthy', stableRS: 'abc' }, observedGeneration: 3 })).toBeUndefined();
  });

  test('only changed fields, observedGeneration and the resourceVersion precondition', () => {
    const live = { phase: 'Paused', observedGeneration: 3, currentStepIndex: 1, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: 't' }] };
    const desired = { phase: 'Progressing', currentStepIndex: 2 };
    expect(buildRolloutStatusPatch({ ...base, liveStatus: live, desiredStatus: desired, observedGeneration: 4, resourceVersion: '77' })).toEqual({
      metadata: { resourceVersion: '77' },
      status: { phase: 'Progressing', currentStepIndex: 2, observedGeneration: 4, pauseConditions: null },
    });
  });

  test('first status write carries everything', () => {
    expect(buildRolloutStatusPatch({ ...base, liveStatus: undefined, desiredStatus: { phase: 'Progressing' }, observedGeneration: 1 })).toEqual({
      status: { phase: 'Progressing', observedGeneration: 1 },
    });
  });
});
