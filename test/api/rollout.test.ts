import { rolloutSchema } from '../../src/api/rollout.js';
import { rawRollout } from './rollout-fixture.js';

describe('rolloutSchema defaults (SPEC §1)', () => {
  const parsed = rolloutSchema.parse(rawRollout());

  test.each([
    ['replicas', parsed.spec.replicas, 1],
    ['minReadySeconds', parsed.spec.minReadySeconds, 0],
    ['revisionHistoryLimit', parsed.spec.revisionHistoryLimit, 10],
    ['progressDeadlineSeconds', parsed.spec.progressDeadlineSeconds, 600],
    ['progressDeadlineAbort', parsed.spec.progressDeadlineAbort, false],
    ['paused', parsed.spec.paused, false],
    ['maxSurge', parsed.spec.strategy.canary?.maxSurge, '25%'],
    ['maxUnavailable', parsed.spec.strategy.canary?.maxUnavailable, '25%'],
    ['scaleDownDelaySeconds', parsed.spec.strategy.canary?.scaleDownDelaySeconds, 30],
    ['abortScaleDownDelaySeconds', parsed.spec.strategy.canary?.abortScaleDownDelaySeconds, 30],
    ['dynamicStableScale', parsed.spec.strategy.canary?.dynamicStableScale, false],
  ])('%s defaults', (_field, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  test('explicit values win over defaults', () => {
    const raw = rawRollout();
    raw.spec.replicas = 10;
    const result = rolloutSchema.parse(raw);
    expect(result.spec.replicas).toBe(10);
  });

  test('unknown pod template fields are kept (the controller hashes the whole template)', () => {
    const raw = rawRollout();
    const template = raw.spec.template as { spec: Record<string, unknown> };
    template.spec.terminationGracePeriodSeconds = 5;
    (template.spec.containers as Record<string, unknown>[])[0]!.env = [{ name: 'A', value: '1' }];
    const result = rolloutSchema.parse(raw);
    expect(result.spec.template?.spec).toMatchObject({ terminationGracePeriodSeconds: 5 });
    expect(result.spec.template?.spec.containers[0]).toMatchObject({ env: [{ name: 'A', value: '1' }] });
  });

  test('unknown spec fields are rejected', () => {
    const raw = rawRollout();
    raw.spec.replicaz = 3;
    expect(rolloutSchema.safeParse(raw).success).toBe(false);
  });

  test('metadata keeps fields the API server adds', () => {
    const raw = rawRollout();
    raw.metadata = { name: 'demo', namespace: 'ns', uid: 'u1', generation: 2, creationTimestamp: '2024-01-01T00:00:00Z' };
    expect(rolloutSchema.parse(raw).metadata).toMatchObject({ generation: 2, creationTimestamp: '2024-01-01T00:00:00Z' });
  });

  test('a status written by the controller parses', () => {
    const raw = rawRollout();
    raw.status = {
      phase: 'Paused',
      currentStepIndex: 1,
      stableRS: 'abc',
      currentPodHash: 'def',
      pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2024-01-01T00:00:00Z' }],
      canary: { weights: { canary: { weight: 30, podTemplateHash: 'def' }, stable: { weight: 70, podTemplateHash: 'abc' } } },
      conditions: [{ type: 'Paused', status: 'True', reason: 'CanaryPauseStep' }],
    };
    expect(rolloutSchema.parse(raw).status?.canary?.weights?.canary.weight).toBe(30);
  });

  test('the argoproj.io apiVersion is accepted', () => {
    const raw = { ...rawRollout(), apiVersion: 'argoproj.io/v1alpha1' };
    expect(rolloutSchema.safeParse(raw).success).toBe(true);
  });
});
