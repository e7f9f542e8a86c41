import { rolloutSchema, type Rollout } from '../../src/api/rollout.js';
import { computeIntentPatch } from '../../src/core/intent-patches.js';

function rollout(status: Rollout['status'], paused = false): Rollout {
  return rolloutSchema.parse({
    metadata: { name: 'web' },
    spec: {
      paused,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'v1' }] } },
      strategy: { canary: { steps: [{ setWeight: 10 }, { pause: {} }, { analysis: { templates: [{ templateName: 't' }] } }] } },
    },
    status,
  });
}
const pausedBy = (reason: 'CanaryPauseStep' | 'InconclusiveAnalysisRun') => [{ reason, startTime: '2025-01-01T00:00:00Z' }];

describe('computeIntentPatch', () => {
  test.each([
    { name: 'promote at a pause step moves to the next step, conditionally', verb: 'promote' as const, r: rollout({ currentStepIndex: 1, pauseConditions: pausedBy('CanaryPauseStep') }), expected: { target: 'status', conditional: true, body: { status: { pauseConditions: null, controllerPause: false, currentStepIndex: 2 } } } },
    { name: 'promote on an inconclusive step run moves past it', verb: 'promote' as const, r: rollout({ currentStepIndex: 2, pauseConditions: pausedBy('InconclusiveAnalysisRun'), canary: { currentStepAnalysisRunStatus: { name: 'r', status: 'Inconclusive' } } }), expected: { body: { status: { pauseConditions: null, controllerPause: false, currentStepIndex: 3 } } } },
    { name: 'promote on an inconclusive background run keeps the step', verb: 'promote' as const, r: rollout({ currentStepIndex: 0, pauseConditions: pausedBy('InconclusiveAnalysisRun') }), expected: { body: { status: { pauseConditions: null, controllerPause: false } } } },
    { name: 'promote past the last step only clears pauses', verb: 'promote' as const, r: rollout({ currentStepIndex: 3 }), expected: { body: { status: { pauseConditions: null, controllerPause: false } } } },
    { name: 'promote on a manually paused rollout unpauses the spec', verb: 'promote' as const, r: rollout({ currentStepIndex: 1 }, true), expected: { target: 'spec', body: { spec: { paused: false } } } },
    { name: 'promote --full', verb: 'promoteFull' as const, r: rollout({}), expected: { target: 'status', body: { status: { promoteFull: true, pauseConditions: null, controllerPause: false } } } },
    { name: 'abort', verb: 'abort' as const, r: rollout({}), expected: { target: 'status', body: { status: { abort: true } } } },
    { name: 'retry', verb: 'retry' as const, r: rollout({ abort: true }), expected: { target: 'status', body: { status: { abort: false } } } },
    { name: 'pause', verb: 'pause' as const, r: rollout({}), expected: { target: 'spec', body: { spec: { paused: true } } } },
  ])('$name', ({ verb, r, expected }) => {
    expect(computeIntentPatch(verb, r)).toMatchObject(expected);
  });
});
