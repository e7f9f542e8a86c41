import {
  addIntervalEvidence,
  buildAbortAlternatives,
  buildPromoteAlternatives,
  computeCanaryEventProbability,
  computeCanaryShare,
  computeIntervalLogLikelihoodRatio,
  computeMixtureLogEvidence,
  logSumExp,
  type ArmCounts,
} from '../../../src/core/judge/rate-ratio.js';

const counts = (canaryRequests: number, canaryErrors: number, baselineRequests: number, baselineErrors: number): ArmCounts => ({
  canaryRequests,
  canaryErrors,
  baselineRequests,
  baselineErrors,
});

describe('θ(π, r): the chance a bad event is the canary\'s', () => {
  test.each([
    [0.1, 1, 0.1],
    [0.5, 2, 2 / 3],
    [0.1, 10, 1 / 1.9],
    [0.2, 0.5, 0.1 / 0.9],
    [0.5, 1, 0.5],
  ])('θ(%p, %p) = %p', (share, ratio, expected) => {
    expect(computeCanaryEventProbability(share, ratio)).toBeCloseTo(expected, 12);
  });

  test('the observed share, not a configured weight; undefined when an arm had no requests', () => {
    expect(computeCanaryShare(counts(100, 0, 900, 0))).toBeCloseTo(0.1, 12);
    expect(computeCanaryShare(counts(0, 0, 900, 3))).toBeUndefined();
    expect(computeCanaryShare(counts(50, 1, 0, 0))).toBeUndefined();
  });
});

describe('ℓ(r; r0) of one interval, known answers', () => {
  test.each([
    // 3 of 3 events from a 10% canary at r = 10 vs r0 = 1: (θ/0.1)^3 = (1/0.19)^3 ≈ 145.8 (research anchor "about 146").
    ['3 canary events, 10% canary, r=10 vs 1', counts(100, 3, 900, 0), 10, 1, 3 * Math.log(1 / 0.19)],
    // π = 0.5, r = 2 vs 1, two canary events and one baseline event: (4/3)^2 · (2/3) = 32/27.
    ['2 canary + 1 baseline, 50/50, r=2 vs 1', counts(10, 2, 10, 1), 2, 1, Math.log(32 / 27)],
    // one baseline event only, π = 0.5, r = 3 vs 1: (1 − 3/4)/(1 − 1/2) = 1/2.
    ['1 baseline event, 50/50, r=3 vs 1', counts(10, 0, 10, 1), 3, 1, Math.log(0.5)],
    // π = 0.25 (100 vs 300), r = 2.2 vs 1.1: θ = 0.55/1.3, θ0 = 0.275/1.025; one canary event.
    ['1 canary event, 25% canary, r=2.2 vs 1.1', counts(100, 1, 300, 0), 2.2, 1.1, Math.log(0.55 / 1.3 / (0.275 / 1.025))],
  ])('%s', (_name, c, ratio, nullRatio, expected) => {
    expect(computeIntervalLogLikelihoodRatio(c, ratio, nullRatio)).toBeCloseTo(expected, 10);
  });

  test.each([
    ['no canary requests', counts(0, 0, 900, 5)],
    ['no baseline requests', counts(100, 4, 0, 0)],
    ['no bad events', counts(100, 0, 900, 0)],
  ])('an interval with %s says nothing (0)', (_name, c) => {
    expect(computeIntervalLogLikelihoodRatio(c, 5, 1.1)).toBe(0);
  });

  test('real-valued counts (Prometheus increase()) are accepted', () => {
    expect(computeIntervalLogLikelihoodRatio(counts(99.5, 2.5, 900.2, 0), 2, 1)).toBeGreaterThan(0);
  });
});

describe('monotonicity', () => {
  const ratios = buildAbortAlternatives(1.1);
  test.each(ratios)('at r = %p, more canary events (same total) give more evidence against r0 = 1.1', (ratio) => {
    const values = [0, 1, 2, 3, 4, 5, 6].map((c) => computeIntervalLogLikelihoodRatio(counts(100, c, 900, 6 - c), ratio, 1.1));
    for (let i = 1; i < values.length; i += 1) expect(values[i]!).toBeGreaterThan(values[i - 1]!);
  });

  test.each([0.05, 0.1, 0.3, 0.5])('at share %p, θ rises with the ratio', (share) => {
    const thetas = [0.5, 1, 1.1, 2, 5, 10].map((r) => computeCanaryEventProbability(share, r));
    for (let i = 1; i < thetas.length; i += 1) expect(thetas[i]!).toBeGreaterThan(thetas[i - 1]!);
  });

  test('more baseline events give more evidence for early promotion', () => {
    const alternatives = buildPromoteAlternatives(1.5);
    const evidence = [0, 5, 10, 20].map((b) => computeMixtureLogEvidence(addIntervalEvidence([0, 0, 0, 0], counts(100, 1, 900, b), alternatives, 1.5)));
    for (let i = 1; i < evidence.length; i += 1) expect(evidence[i]!).toBeGreaterThan(evidence[i - 1]!);
  });
});

describe('the mixture', () => {
  test('grids: abort r0·{1.25,1.5,2,3,5,10}, promote r_bad/{1.25,1.5,2,3}', () => {
    expect(buildAbortAlternatives(1.1).map((r) => Number(r.toFixed(4)))).toEqual([1.375, 1.65, 2.2, 3.3, 5.5, 11]);
    expect(buildPromoteAlternatives(1.5).map((r) => Number(r.toFixed(4)))).toEqual([1.2, 1, 0.75, 0.5]);
  });

  test('one canary event at 50/50 against r0 = 1: E = (1/6) Σ 2g/(g+1)', () => {
    const sums = addIntervalEvidence([0, 0, 0, 0, 0, 0], counts(10, 1, 10, 0), buildAbortAlternatives(1), 1);
    const expected = (10 / 9 + 6 / 5 + 4 / 3 + 3 / 2 + 5 / 3 + 20 / 11) / 6;
    expect(Math.exp(computeMixtureLogEvidence(sums))).toBeCloseTo(expected, 10);
  });

  test('no evidence yet is E = 1', () => {
    expect(computeMixtureLogEvidence([0, 0, 0])).toBeCloseTo(0, 12);
  });

  test.each([
    [[1000, 1000], 1000 + Math.log(2)],
    [[-1000, -1000, -1000], -1000 + Math.log(3)],
    [[0, Math.log(3)], Math.log(4)],
    [[], Number.NEGATIVE_INFINITY],
  ])('logSumExp(%j) without overflow', (values, expected) => {
    expect(logSumExp(values)).toBeCloseTo(expected, 10);
  });
});
