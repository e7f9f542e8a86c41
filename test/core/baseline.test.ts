import { baselineReplicaSetName, computeBaselineHash, planBaseline, type BaselineInput } from '../../src/core/baseline.js';
import { computePodTemplateHash } from '../../src/core/pod-template-hash.js';
import type { ReplicaSetView } from '../../src/core/snapshot.js';

const STABLE = 'stablehash1';
const HASH = computeBaselineHash(STABLE);
const NAME = `demo-${HASH}`;

function rs(podTemplateHash: string, specReplicas: number, availableReplicas = specReplicas): ReplicaSetView {
  return { name: `demo-${podTemplateHash}`, podTemplateHash, revision: 1, specReplicas, readyReplicas: availableReplicas, availableReplicas, ownedByRollout: true };
}

function input(extra: Partial<BaselineInput> = {}): BaselineInput {
  return {
    rolloutName: 'demo',
    stableHash: STABLE,
    inSteps: true,
    canaryReplicas: 2,
    canaryWeightPercent: 20,
    baselines: [],
    service: { name: 'demo-baseline', selectorHash: HASH, endpointHashes: [HASH] },
    observedWeightPercent: 0,
    ...extra,
  };
}

describe('computeBaselineHash', () => {
  test('is deterministic, differs per stable hash and from the stable hash itself', () => {
    expect(computeBaselineHash(STABLE)).toBe(HASH);
    expect(computeBaselineHash('other')).not.toBe(HASH);
    expect(HASH).not.toBe(STABLE);
    expect(HASH).toMatch(/^[a-z0-9]{10}$/);
    expect(baselineReplicaSetName('demo', STABLE)).toBe(NAME);
  });

  test('never equals a template hash of the stable hash text', () => {
    expect(HASH).not.toBe(computePodTemplateHash(STABLE));
  });
});

describe('planBaseline in the steps', () => {
  test('creates the baseline at the canary size, weight 0 until its pods are available', () => {
    const decision = planBaseline(input({ service: { name: 'demo-baseline' } }));
    expect(decision).toEqual({ hash: HASH, name: NAME, create: { name: NAME, replicas: 2 }, scale: [], delete: [], weightPercent: 0 });
  });

  test('no baseline pods while the canary has none', () => {
    const decision = planBaseline(input({ canaryReplicas: 0, canaryWeightPercent: 0 }));
    expect(decision.create).toBeUndefined();
    expect(decision.weightPercent).toBe(0);
  });

  test.each([
    { name: 'follows the canary size up', canaryReplicas: 3, baseline: rs(HASH, 2), scale: [{ name: NAME, replicas: 3 }] },
    { name: 'follows the canary size down', canaryReplicas: 1, baseline: rs(HASH, 2), scale: [{ name: NAME, replicas: 1 }] },
    { name: 'nothing to do at the canary size', canaryReplicas: 2, baseline: rs(HASH, 2), scale: [] },
  ])('$name', ({ canaryReplicas, baseline, scale }) => {
    const decision = planBaseline(input({ canaryReplicas, baselines: [baseline] }));
    expect(decision.scale).toEqual(scale);
    expect(decision.create).toBeUndefined();
    expect(decision.delete).toEqual([]);
  });

  test.each([
    { name: 'the canary weight once its pods are available behind its Service', baseline: rs(HASH, 2), observed: 0, canary: 20, expected: 20 },
    { name: 'the canary weight as it rises', baseline: rs(HASH, 4), observed: 20, canary: 40, expected: 40 },
    { name: 'held at what it has while its pods for the next weight start', baseline: rs(HASH, 4, 2), observed: 20, canary: 40, expected: 20 },
    { name: 'never above the canary weight', baseline: rs(HASH, 4, 2), observed: 40, canary: 20, expected: 20 },
    { name: '0 without available pods', baseline: rs(HASH, 2, 0), observed: 20, canary: 20, expected: 0 },
  ])('weight: $name', ({ baseline, observed, canary, expected }) => {
    const canaryReplicas = baseline.specReplicas;
    const decision = planBaseline(input({ baselines: [baseline], observedWeightPercent: observed, canaryWeightPercent: canary, canaryReplicas }));
    expect(decision.weightPercent).toBe(expected);
  });

  test('the Service moves to the baseline once it has available pods, and the weight waits for it', () => {
    const before = planBaseline(input({ baselines: [rs(HASH, 2, 0)], service: { name: 'demo-baseline', selectorHash: 'old', endpointHashes: ['old'] } }));
    expect(before.serviceHash).toBe('old');
    expect(before.weightPercent).toBe(0);
    const moving = planBaseline(input({ baselines: [rs(HASH, 2)], service: { name: 'demo-baseline', selectorHash: 'old', endpointHashes: ['old'] } }));
    expect(moving.serviceHash).toBe(HASH);
    expect(moving.weightPercent).toBe(0);
    const caughtUp = planBaseline(input({ baselines: [rs(HASH, 2)], service: { name: 'demo-baseline', selectorHash: HASH, endpointHashes: [HASH] } }));
    expect(caughtUp.weightPercent).toBe(20);
  });

  test('without the Service in the snapshot no selector is planned', () => {
    expect(planBaseline(input({ service: undefined, baselines: [rs(HASH, 2)] })).serviceHash).toBeUndefined();
  });
});

describe('planBaseline out of the steps (promotion, promote --full, abort, at rest)', () => {
  test('weight 0 first; the pods stay while the router still sends the baseline traffic', () => {
    const decision = planBaseline(input({ inSteps: false, baselines: [rs(HASH, 2)], observedWeightPercent: 20 }));
    expect(decision.weightPercent).toBe(0);
    expect(decision.scale).toEqual([]);
    expect(decision.delete).toEqual([]);
  });

  test('scaled to 0 once its weight is 0', () => {
    const decision = planBaseline(input({ inSteps: false, baselines: [rs(HASH, 2)], observedWeightPercent: 0 }));
    expect(decision.scale).toEqual([{ name: NAME, replicas: 0 }]);
    expect(decision.delete).toEqual([]);
  });

  test('deleted once it has no pods', () => {
    const decision = planBaseline(input({ inSteps: false, baselines: [rs(HASH, 0)] }));
    expect(decision.scale).toEqual([]);
    expect(decision.delete).toEqual([NAME]);
  });

  test('waits for its pods to be gone before deleting it', () => {
    const decision = planBaseline(input({ inSteps: false, baselines: [rs(HASH, 0, 1)] }));
    expect(decision.delete).toEqual([]);
  });

  test('never created out of the steps', () => {
    const decision = planBaseline(input({ inSteps: false }));
    expect(decision.create).toBeUndefined();
    expect(decision.weightPercent).toBe(0);
  });
});

describe('planBaseline with a baseline of an earlier stable revision', () => {
  test('the old one goes to 0 and is deleted; the new stable revision gets a fresh one', () => {
    const old = rs(computeBaselineHash('olderstable'), 2);
    const idle = rs(computeBaselineHash('oldeststable'), 0);
    const decision = planBaseline(input({ baselines: [old, idle] }));
    expect(decision.create).toEqual({ name: NAME, replicas: 2 });
    expect(decision.scale).toEqual([{ name: old.name, replicas: 0 }]);
    expect(decision.delete).toEqual([idle.name]);
  });
});
