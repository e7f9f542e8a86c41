import { averageLogEvidence, chooseLatencyBoundaries, computeExceedances } from '../../../src/core/judge/latency-evidence.js';

const buckets = [
  { le: 0.05, count: 400 },
  { le: 0.1, count: 700 },
  { le: 0.25, count: 930 },
  { le: 0.5, count: 985 },
  { le: 1, count: 995 },
  { le: Number.POSITIVE_INFINITY, count: 1000 },
];

describe('averageLogEvidence', () => {
  test.each([
    [[Math.log(50), Math.log(150)], undefined, Math.log(100)],
    [[Math.log(200), 0, Math.log(0.5)], undefined, Math.log((200 + 1 + 0.5) / 3)],
    [[Math.log(10), Math.log(100)], [3, 1], Math.log((3 * 10 + 100) / 4)],
    [[], undefined, 0],
    [[1000, 1000], undefined, 1000],
  ])('log of the average of e-values %j (weights %j)', (logs, weights, expected) => {
    expect(averageLogEvidence(logs, weights)).toBeCloseTo(expected, 10);
  });

  test('one strong boundary among three is diluted by 3, not ignored', () => {
    expect(Math.exp(averageLogEvidence([Math.log(300), 0, 0]))).toBeCloseTo(302 / 3, 8);
  });
});

describe('chooseLatencyBoundaries', () => {
  test('the boundaries at or above the baseline p50, p90 and p99', () => {
    expect(chooseLatencyBoundaries(buckets)).toEqual([0.1, 0.25, 1]);
  });

  test('deduplicated when quantiles share a bucket', () => {
    expect(chooseLatencyBoundaries(buckets, [0.95, 0.96])).toEqual([0.5]);
  });

  test('a quantile beyond the last finite boundary has none; no traffic gives none', () => {
    expect(chooseLatencyBoundaries(buckets, [0.999])).toEqual([]);
    expect(chooseLatencyBoundaries(buckets.map((b) => ({ ...b, count: 0 })))).toEqual([]);
  });
});

describe('computeExceedances', () => {
  test.each([
    [1000, 0.25, 70],
    [1000, 1, 5],
    [1000, 0.3, undefined],
    [500, 0.25, undefined],
  ])('total %p, boundary %p: %p requests slower', (total, boundary, expected) => {
    expect(computeExceedances(total, buckets, boundary)).toBe(expected);
  });
});
