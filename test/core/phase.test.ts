import { computePhase, type PhaseInput } from '../../src/core/phase.js';

const healthy: PhaseInput = {
  specProblems: [], aborted: false, progressDeadlineExceeded: false, specPaused: false, pauseReasons: [],
  desiredReplicas: 10, updatedReplicas: 10, updatedAvailableReplicas: 10, stableHash: 'a', currentHash: 'a',
};

describe('computePhase (first matching SPEC rule)', () => {
  test.each([
    { name: 'healthy', input: healthy, expected: { phase: 'Healthy' } },
    { name: 'InvalidSpec wins over everything', input: { ...healthy, specProblems: ['x'], aborted: true }, expected: { phase: 'Degraded', message: 'InvalidSpec: x' } },
    { name: 'aborted is Degraded', input: { ...healthy, aborted: true, abortMessage: 'run failed', specPaused: true }, expected: { phase: 'Degraded', message: 'RolloutAborted: run failed' } },
    { name: 'progress deadline is Degraded', input: { ...healthy, progressDeadlineExceeded: true }, expected: { phase: 'Degraded' } },
    { name: 'spec.paused before pause conditions', input: { ...healthy, specPaused: true, pauseReasons: ['CanaryPauseStep'] }, expected: { phase: 'Paused', message: 'manually paused' } },
    { name: 'pause condition', input: { ...healthy, pauseReasons: ['CanaryPauseStep'], stableHash: 'b' }, expected: { phase: 'Paused', message: 'CanaryPauseStep' } },
    { name: 'updated below desired', input: { ...healthy, updatedReplicas: 3 }, expected: { phase: 'Progressing', message: 'more replicas need to be updated' } },
    { name: 'updated not yet available', input: { ...healthy, updatedAvailableReplicas: 9 }, expected: { phase: 'Progressing', message: 'updated replicas are still becoming available' } },
    { name: 'steps not complete', input: { ...healthy, stableHash: 'b' }, expected: { phase: 'Progressing', message: 'waiting for all steps to complete' } },
  ])('$name', ({ input, expected }) => {
    expect(computePhase(input)).toMatchObject(expected);
  });
});
