import { createWindowStats, nearestRank, type WindowObservation } from '../../../src/sandbox/edge-proxy/window-stats.js';

const obs = (atMs: number, statusCode = 200, durationMs = 10, clusterName = 'demo_canary_80'): WindowObservation => ({ clusterName, statusCode, durationMs, atMs });

describe('nearestRank', () => {
  test.each([
    [[5], 0.99, 5],
    [[1, 2, 3, 4], 0.5, 2],
    [[1, 2, 3, 4], 0.99, 4],
    [Array.from({ length: 100 }, (_, i) => i + 1), 0.99, 99],
    [Array.from({ length: 200 }, (_, i) => i + 1), 0.99, 198],
  ])('%#: nearest rank of q=%s', (sorted, q, expected) => {
    expect(nearestRank(sorted, q)).toBe(expected);
  });
});

describe('createWindowStats', () => {
  test.each<[string, WindowObservation[], { seconds: number; nowMs: number }, object]>([
    ['no requests', [], { seconds: 10, nowMs: 100_000 }, { requests: 0 }],
    ['all 2xx', [obs(95_000), obs(96_000, 201), obs(97_000, 404)], { seconds: 10, nowMs: 100_000 }, { requests: 3, successRate: 1 }],
    ['5xx fail, 4xx do not', [obs(95_000, 500), obs(96_000, 503), obs(97_000, 200), obs(98_000, 404)], { seconds: 10, nowMs: 100_000 }, { requests: 4, successRate: 0.5 }],
    ['older than the window are left out', [obs(80_000, 500), obs(89_999, 500), obs(90_000), obs(99_000)], { seconds: 10, nowMs: 100_000 }, { requests: 2, successRate: 1 }],
    ['another cluster is not counted', [obs(99_000, 500, 10, 'demo_stable_80'), obs(99_500)], { seconds: 10, nowMs: 100_000 }, { requests: 1, successRate: 1 }],
    ['p99 of request time', Array.from({ length: 100 }, (_, i) => obs(91_000 + i, 200, i + 1)), { seconds: 10, nowMs: 100_000 }, { requests: 100, p99Ms: 99 }],
    ['p99 is the slowest below 100 requests', [obs(99_000, 200, 12), obs(99_100, 200, 700), obs(99_200, 200, 30)], { seconds: 10, nowMs: 100_000 }, { requests: 3, p99Ms: 700 }],
    ['recorded out of order', [obs(99_000), obs(85_000, 500), obs(95_000, 500)], { seconds: 10, nowMs: 100_000 }, { requests: 2, successRate: 0.5 }],
    ['a window longer than the retention reads 60 s', [obs(30_000), obs(50_000), obs(99_000)], { seconds: 600, nowMs: 100_000 }, { requests: 2 }],
  ])('%s', (_name, observations, query, expected) => {
    const stats = createWindowStats();
    for (const o of observations) stats.record(o);
    expect(stats.summarize({ clusterName: 'demo_canary_80', ...query })).toEqual(expect.objectContaining(expected));
  });

  test('keeps nothing older than 60 s: memory stays bounded under steady traffic', () => {
    const stats = createWindowStats();
    for (let ms = 0; ms < 600_000; ms += 10) stats.record(obs(ms, 200, 1, ms % 20 === 0 ? 'a' : 'b'));
    expect(stats.size()).toBeLessThanOrEqual(6001);
    expect(stats.size()).toBeGreaterThanOrEqual(5999);
    expect(stats.summarize({ clusterName: 'a', seconds: 60, nowMs: 600_000 }).requests).toBe(3000);
    expect(stats.summarize({ clusterName: 'a', seconds: 1, nowMs: 1_000_000 })).toEqual({ requests: 0 });
    expect(stats.size()).toBe(0);
  });
});
