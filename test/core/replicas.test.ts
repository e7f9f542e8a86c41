import { approximateWeightedSplit, computeReplicaCounts, resolveFenceposts, type ReplicaInput } from '../../src/core/replicas.js';

type BasicCase = {
  name: string;
  replicas: number;
  weight: number;
  surge: number | string;
  unavailable: number | string;
  stable: [number, number];
  canary: [number, number];
  older?: [number, number];
  promoteFull?: boolean;
  expected: { canary: number; stable: number };
};

function basicInput(c: BasicCase): ReplicaInput {
  return {
    replicas: c.replicas,
    weightPercent: c.weight,
    maxSurge: c.surge,
    maxUnavailable: c.unavailable,
    trafficRouted: false,
    stable: { specReplicas: c.stable[0], availableReplicas: c.stable[1] },
    canary: { specReplicas: c.canary[0], availableReplicas: c.canary[1] },
    others: c.older ? [{ specReplicas: c.older[0], availableReplicas: c.older[1] }] : [],
    promoteFull: c.promoteFull,
  };
}

// Expected values are the ones in Argo Rollouts' own basic-canary table (utils/replicaset/canary_test.go).
const argoBasicCases: BasicCase[] = [
  { name: 'spec below available: extra available pods are not counted for scale-down', replicas: 10, weight: 100, surge: 3, unavailable: 0, stable: [7, 8], canary: [6, 3], expected: { canary: 6, stable: 7 } },
  { name: 'maxSurge as an integer bounds canary scale-up', replicas: 10, weight: 20, surge: 2, unavailable: 0, stable: [10, 10], canary: [0, 0], expected: { canary: 2, stable: 10 } },
  { name: 'maxSurge as a percentage bounds canary scale-up', replicas: 10, weight: 20, surge: '20%', unavailable: 0, stable: [10, 10], canary: [0, 0], expected: { canary: 2, stable: 10 } },
  { name: 'extra stable replicas are scaled down once the canary is available', replicas: 10, weight: 20, surge: '20%', unavailable: 0, stable: [10, 10], canary: [2, 2], expected: { canary: 2, stable: 8 } },
  { name: 'never surge past maxSurge', replicas: 10, weight: 30, surge: 2, unavailable: 0, stable: [10, 10], canary: [0, 0], expected: { canary: 2, stable: 10 } },
  { name: 'maxUnavailable as an integer bounds stable scale-down', replicas: 10, weight: 20, surge: 0, unavailable: 2, stable: [10, 10], canary: [0, 0], expected: { canary: 0, stable: 8 } },
  { name: 'maxUnavailable as a percentage bounds stable scale-down', replicas: 10, weight: 20, surge: 0, unavailable: '20%', stable: [10, 10], canary: [0, 0], expected: { canary: 0, stable: 8 } },
  { name: 'never go below maxUnavailable', replicas: 10, weight: 30, surge: 0, unavailable: 2, stable: [10, 10], canary: [0, 0], expected: { canary: 0, stable: 8 } },
  { name: 'maxSurge and maxUnavailable together', replicas: 10, weight: 50, surge: 2, unavailable: 1, stable: [10, 10], canary: [0, 0], expected: { canary: 2, stable: 9 } },
  { name: 'weight 0 scales the canary to zero', replicas: 10, weight: 0, surge: 1, unavailable: 1, stable: [10, 10], canary: [1, 1], expected: { canary: 0, stable: 10 } },
  { name: 'weight 100 scales the stable to zero', replicas: 10, weight: 100, surge: 1, unavailable: 1, stable: [1, 1], canary: [10, 10], expected: { canary: 10, stable: 0 } },
  { name: 'a non-zero weight never leaves the canary at zero', replicas: 1, weight: 20, surge: 1, unavailable: 0, stable: [1, 1], canary: [0, 0], expected: { canary: 1, stable: 1 } },
  { name: 'a weight below 100 never leaves the stable at zero', replicas: 1, weight: 90, surge: 1, unavailable: 0, stable: [1, 1], canary: [0, 0], expected: { canary: 1, stable: 1 } },
  { name: 'stable scales up before the canary', replicas: 10, weight: 30, surge: 1, unavailable: 0, stable: [1, 1], canary: [0, 0], older: [3, 3], expected: { canary: 1, stable: 7 } },
  { name: 'canary and stable scale down together within maxUnavailable', replicas: 10, weight: 30, surge: 0, unavailable: 3, stable: [8, 5], canary: [4, 4], expected: { canary: 3, stable: 7 } },
  { name: 'scale-down counts only available pods', replicas: 10, weight: 100, surge: 1, unavailable: 0, stable: [10, 2], canary: [10, 8], expected: { canary: 9, stable: 2 } },
  { name: 'older ReplicaSets drain before canary or stable scale down', replicas: 10, weight: 30, surge: 0, unavailable: 1, stable: [8, 6], canary: [4, 2], older: [3, 3], expected: { canary: 4, stable: 8 } },
  { name: 'an uneven weight does not round past maxSurge', replicas: 10, weight: 5, surge: 0, unavailable: 1, stable: [10, 10], canary: [0, 0], expected: { canary: 0, stable: 9 } },
  { name: 'an uneven weight does not round past maxSurge (next reconcile)', replicas: 10, weight: 5, surge: 0, unavailable: 1, stable: [9, 9], canary: [0, 0], expected: { canary: 1, stable: 9 } },
  { name: 'percentages both resolving to 0 mean maxUnavailable 1', replicas: 10, weight: 10, surge: '0%', unavailable: '0%', stable: [10, 10], canary: [0, 0], expected: { canary: 0, stable: 9 } },
  { name: 'maxSurge honoured on scale-up while the stable is unavailable', replicas: 4, weight: 100, surge: 1, unavailable: 0, stable: [4, 1], canary: [0, 0], expected: { canary: 1, stable: 4 } },
  { name: 'scale down to maxUnavailable without exceeding maxSurge', replicas: 3, weight: 99, surge: 0, unavailable: 2, stable: [3, 3], canary: [0, 0], expected: { canary: 0, stable: 1 } },
  { name: 'scale down to maxUnavailable without exceeding maxSurge (next reconcile)', replicas: 3, weight: 99, surge: 0, unavailable: 2, stable: [1, 1], canary: [0, 0], expected: { canary: 2, stable: 1 } },
  { name: 'maxUnavailable honoured on stable scale-down while the stable is unavailable', replicas: 4, weight: 100, surge: 1, unavailable: 0, stable: [4, 1], canary: [1, 1], expected: { canary: 1, stable: 3 } },
  { name: 'reducing weight surges the stable before the canary goes down', replicas: 4, weight: 0, surge: 1, unavailable: 0, stable: [0, 0], canary: [4, 4], expected: { canary: 4, stable: 1 } },
  { name: 'reducing weight waits for the surged stable to be available', replicas: 4, weight: 0, surge: 1, unavailable: 0, stable: [1, 0], canary: [4, 4], expected: { canary: 4, stable: 1 } },
  { name: 'reducing weight removes one canary per available stable pod', replicas: 4, weight: 0, surge: 1, unavailable: 0, stable: [1, 1], canary: [4, 4], expected: { canary: 3, stable: 1 } },
  { name: 'promoteFull ignores the weight', replicas: 4, weight: 1, surge: 4, unavailable: 4, stable: [4, 4], canary: [0, 0], promoteFull: true, expected: { canary: 4, stable: 0 } },
  { name: 'promoteFull still honours maxSurge and maxUnavailable', replicas: 4, weight: 1, surge: 3, unavailable: 0, stable: [4, 4], canary: [0, 0], promoteFull: true, expected: { canary: 3, stable: 4 } },
];

describe('computeReplicaCounts without traffic routing (Argo basic canary table)', () => {
  test.each(argoBasicCases)('$name', (c) => {
    expect(computeReplicaCounts(basicInput(c))).toEqual(c.expected);
  });
});

describe('computeReplicaCounts with traffic routing', () => {
  const base = { maxSurge: '25%', maxUnavailable: '25%', trafficRouted: true, stable: { specReplicas: 10, availableReplicas: 10 } };
  test.each([
    { name: 'canary is ceil(weight x replicas / 100), stable stays full', replicas: 10, weightPercent: 30, expected: { canary: 3, stable: 10 } },
    { name: 'uneven weights round the canary up', replicas: 10, weightPercent: 33, expected: { canary: 4, stable: 10 } },
    { name: 'weight 5 of 10 pods still gives one canary pod', replicas: 10, weightPercent: 5, expected: { canary: 1, stable: 10 } },
    { name: 'weight 100 scales the canary fully while the stable stays', replicas: 10, weightPercent: 100, expected: { canary: 10, stable: 10 } },
    { name: 'aborted means weight 0', replicas: 10, weightPercent: 60, aborted: true, expected: { canary: 0, stable: 10 } },
    { name: 'promoteFull means weight 100', replicas: 4, weightPercent: 20, promoteFull: true, expected: { canary: 4, stable: 4 } },
  ])('$name', ({ expected, ...input }) => {
    expect(computeReplicaCounts({ ...base, ...input })).toEqual(expected);
  });

  test('without a stable ReplicaSet the canary gets every replica', () => {
    expect(computeReplicaCounts({ replicas: 5, weightPercent: 20, maxSurge: 1, maxUnavailable: 0, trafficRouted: true })).toEqual({ canary: 5, stable: 5 });
  });
});

describe('computeReplicaCounts edge cases', () => {
  test('without a stable ReplicaSet the new ReplicaSet goes straight to replicas (Argo: new deployment)', () => {
    expect(computeReplicaCounts({ replicas: 10, weightPercent: 10, maxSurge: 0, maxUnavailable: 1, trafficRouted: false, canary: { specReplicas: 9, availableReplicas: 9 } })).toEqual({ canary: 10, stable: 0 });
  });
  test('no canary ReplicaSet yet: nothing to scale up', () => {
    expect(computeReplicaCounts({ replicas: 10, weightPercent: 10, maxSurge: 1, maxUnavailable: 0, trafficRouted: false, stable: { specReplicas: 10, availableReplicas: 10 } })).toEqual({ canary: 0, stable: 10 });
  });
});

describe('resolveFenceposts', () => {
  test.each([
    { name: 'percent surge rounds up', surge: '25%', unavailable: 0, replicas: 10, expected: { surge: 3, unavailable: 0 } },
    { name: 'percent unavailable rounds down', surge: 0, unavailable: '25%', replicas: 10, expected: { surge: 0, unavailable: 2 } },
    { name: 'both zero means maxUnavailable 1', surge: 0, unavailable: 0, replicas: 10, expected: { surge: 0, unavailable: 1 } },
    { name: 'maxUnavailable is capped at replicas', surge: 1, unavailable: 20, replicas: 3, expected: { surge: 1, unavailable: 3 } },
  ])('$name', ({ surge, unavailable, replicas, expected }) => {
    expect(resolveFenceposts(surge, unavailable, replicas)).toEqual(expected);
  });
});

// Expected values from Argo Rollouts' TestApproximateWeightedNewStableReplicaCounts.
describe('approximateWeightedSplit (closest split to the weight)', () => {
  test.each([
    [0, 50, 0, 0, 0], [1, 1, 0, 0, 1], [1, 49, 0, 0, 1], [1, 50, 0, 1, 0], [1, 1, 1, 1, 1], [1, 100, 1, 1, 0],
    [2, 1, 0, 1, 1], [2, 99, 0, 1, 1], [2, 1, 1, 1, 2], [2, 99, 1, 2, 1],
    [3, 10, 0, 1, 2], [3, 50, 0, 2, 1], [3, 10, 1, 1, 3], [3, 33, 1, 1, 2], [3, 49, 1, 2, 2],
    [10, 14, 0, 1, 9], [10, 15, 0, 2, 8], [10, 99, 0, 9, 1], [10, 1, 1, 1, 10], [10, 18, 1, 2, 9],
    [10, 20, 1, 2, 8], [10, 24, 1, 3, 8], [10, 99, 1, 10, 1], [10, 100, 1, 10, 0],
  ])('replicas %i weight %i surge %i -> canary %i stable %i', (replicas, weight, surge, canary, stable) => {
    expect(approximateWeightedSplit(replicas, weight, surge)).toEqual({ canary, stable });
  });
});
