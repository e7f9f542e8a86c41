import { computeCanaryReplicas, computeDesiredWeight, computeRouterWeight } from '../../src/core/desired-weight.js';

const steps = [{ setWeight: 20 }, { pause: {} }, { setCanaryScale: { replicas: 5 } }, { setWeight: 60 }, { setCanaryScale: { matchTrafficWeight: true } }, { pause: {} }];
const at = (stepIndex: number, extra: { aborted?: boolean; promoteFull?: boolean } = {}) => ({ steps, stepIndex, aborted: extra.aborted ?? false, promoteFull: extra.promoteFull ?? false });

describe('computeDesiredWeight', () => {
  test.each([
    { name: 'latest setWeight at or before the step', p: at(1), expected: 20 },
    { name: 'a later setWeight replaces it', p: at(4), expected: 60 },
    { name: 'aborted means 0', p: at(3, { aborted: true }), expected: 0 },
    { name: 'past the last step means 100', p: at(6), expected: 100 },
    { name: 'promoteFull means 100', p: at(1, { promoteFull: true }), expected: 100 },
    { name: 'no steps means 100', p: { steps: [], stepIndex: 0, aborted: false, promoteFull: false }, expected: 100 },
    { name: 'before any setWeight means 0', p: { steps: [{ pause: {} }, { setWeight: 50 }], stepIndex: 0, aborted: false, promoteFull: false }, expected: 0 },
  ])('$name', ({ p, expected }) => {
    expect(computeDesiredWeight(p)).toBe(expected);
  });
});

describe('computeCanaryReplicas (traffic routing)', () => {
  test.each([
    { name: 'from the weight, rounded up', p: at(0), expected: 2 },
    { name: 'setCanaryScale.replicas overrides the weight', p: at(2), expected: 5 },
    { name: 'setCanaryScale stays in force for later setWeight steps', p: at(3), expected: 5 },
    { name: 'matchTrafficWeight returns to the weight', p: at(4), expected: 6 },
    { name: 'setCanaryScale.weight scales by percent', p: { steps: [{ setCanaryScale: { weight: 25 } }], stepIndex: 0, aborted: false, promoteFull: false }, expected: 3 },
    { name: 'aborted ignores setCanaryScale', p: at(2, { aborted: true }), expected: 0 },
    { name: 'past the last step: every replica', p: at(6), expected: 10 },
  ])('$name', ({ p, expected }) => {
    expect(computeCanaryReplicas(p, 10)).toBe(expected);
  });
});

describe('computeCanaryReplicas with minPodsPerReplicaSet (Argo)', () => {
  test('raises a canary that has pods to at least the minimum, never creates one, never lowers one', () => {
    expect(computeCanaryReplicas(at(0), 10, 3)).toBe(3);
    expect(computeCanaryReplicas(at(4), 10, 3)).toBe(6);
    expect(computeCanaryReplicas(at(2, { aborted: true }), 10, 3)).toBe(0);
    expect(computeCanaryReplicas({ steps: [{ setWeight: 0 }], stepIndex: 0, aborted: false, promoteFull: false }, 10, 3)).toBe(0);
    expect(computeCanaryReplicas(at(6), 10, 3)).toBe(10);
    expect(computeCanaryReplicas(at(0), 10)).toBe(2);
  });
});

describe('computeRouterWeight', () => {
  const base = { desiredWeight: 60, currentWeight: 30, canaryAvailable: 6, canaryNeeded: 6, canaryServiceOnCurrent: true };
  test.each([
    { name: 'desired once the pods for it are available', input: base, expected: 60 },
    { name: 'keeps the current weight while pods are starting', input: { ...base, canaryAvailable: 4 }, expected: 30 },
    { name: 'forced to 0 without available canary pods', input: { ...base, canaryAvailable: 0 }, expected: 0 },
    { name: 'forced to 0 while the canary Service selects another revision', input: { ...base, canaryServiceOnCurrent: false }, expected: 0 },
    { name: 'held while the canary endpoints still lag behind the selector', input: { ...base, canaryEndpointsOnCurrent: false }, expected: 30 },
    { name: 'held at 0 when nothing was routed yet and the endpoints lag', input: { ...base, currentWeight: 0, canaryEndpointsOnCurrent: false }, expected: 0 },
    { name: 'lowered at once even while the endpoints lag', input: { ...base, desiredWeight: 20, canaryEndpointsOnCurrent: false }, expected: 20 },
    { name: 'endpoints caught up: the desired weight', input: { ...base, canaryEndpointsOnCurrent: true }, expected: 60 },
    { name: 'lowering the weight happens at once', input: { ...base, desiredWeight: 20, currentWeight: 60, canaryAvailable: 1, canaryNeeded: 2 }, expected: 20 },
  ])('$name', ({ input, expected }) => {
    expect(computeRouterWeight(input)).toBe(expected);
  });
});
