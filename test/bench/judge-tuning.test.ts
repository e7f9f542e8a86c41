import { relativeRule, thresholdRule, type Rule } from '../../bench/judge/rules.js';
import { simulateRelease } from '../../bench/judge/scenario.js';
import { AbortCounter, DetectionMatrix, ScoreSum } from '../../bench/judge/tuned-comparison.js';
import { buildCriteria, buildGrid, evaluateGrid, intervalFails, MAX_FAILURE_LIMIT } from '../../bench/judge/tuned-rules.js';
import { compareSpeed, eligibleRules, meetsSpeedTarget, profileFromDetections, selectTunedRule, speedProfile, type SpeedProfile } from '../../bench/judge/tuning.js';
import type { ArmCounts } from '../../src/core/judge/rate-ratio.js';
import { createSeededRandom } from '../../src/sandbox/kubelet/random.js';

const profile = (detectionRate: number, median: number, p90: number, releases = 10_000): SpeedProfile => ({
  releases,
  detected: Math.round(detectionRate * releases),
  detectionRate,
  median,
  p90,
});

/** Canary requests seen up to the interval where the rule aborts (Infinity: never). */
function requestsToAbort(rule: Rule, release: readonly ArmCounts[]): number {
  const run = rule.start();
  let requests = 0;
  for (let i = 0; i < release.length; i += 1) {
    requests += release[i]!.canaryRequests;
    if (run.observe(release[i]!, i + 1) === 'fail') return requests;
  }
  return Infinity;
}

test('speedProfile counts undetected releases as Infinity in the quantiles', () => {
  expect(speedProfile([300, Infinity, 100, Infinity, 200])).toEqual({ releases: 5, detected: 3, detectionRate: 0.6, median: 300, p90: Infinity });
  expect(speedProfile([Infinity, Infinity])).toMatchObject({ detected: 0, detectionRate: 0, median: Infinity, p90: Infinity });
  expect(profileFromDetections([50, 10], 4)).toEqual(speedProfile([10, 50, Infinity, Infinity]));
});

test('compareSpeed: as fast, faster and slower', () => {
  const rule = profile(0.9, 1000, 5000);
  expect(compareSpeed(profile(0.9, 1000, 5000), rule)).toEqual({ verdict: 'as fast', shortfalls: [] });
  // A few percent fewer requests is not clearly faster; 10% fewer is.
  expect(compareSpeed(profile(0.9, 960, 4900), rule).verdict).toBe('as fast');
  expect(compareSpeed(profile(0.9, 900, 5000), rule).verdict).toBe('faster');
  // Detecting more often than two standard errors allow is faster, less often is slower.
  expect(compareSpeed(profile(0.95, 1000, 5000), rule).verdict).toBe('faster');
  expect(compareSpeed(profile(0.85, 800, 4000), rule)).toEqual({ verdict: 'slower', shortfalls: ['detects less often'] });
  // Within sampling error (two standard errors of 10,000 releases each: about 0.8 pp) is not less often.
  expect(compareSpeed(profile(0.895, 1000, 5000), rule).verdict).toBe('as fast');
  expect(compareSpeed(profile(0.9, 1100, 6000), rule)).toEqual({ verdict: 'slower', shortfalls: ['higher median', 'higher p90'] });
});

test('compareSpeed treats never-detected quantiles as equal and a finite one as faster', () => {
  expect(compareSpeed(profile(0.05, Infinity, Infinity), profile(0.05, Infinity, Infinity)).verdict).toBe('as fast');
  expect(compareSpeed(profile(0.2, Infinity, Infinity), profile(0.05, Infinity, Infinity)).verdict).toBe('faster');
  expect(compareSpeed(profile(0.95, 2000, 8000), profile(0.85, 1500, Infinity))).toEqual({ verdict: 'slower', shortfalls: ['higher median'] });
  expect(compareSpeed(profile(0.95, 1500, 8000), profile(0.85, 1500, Infinity)).verdict).toBe('faster');
});

test('meetsSpeedTarget: faster at up to 10 requests/s, at least as fast above', () => {
  expect(meetsSpeedTarget('faster', 1)).toBe(true);
  expect(meetsSpeedTarget('as fast', 10)).toBe(false);
  expect(meetsSpeedTarget('as fast', 100)).toBe(true);
  expect(meetsSpeedTarget('slower', 1000)).toBe(false);
});

test('selectTunedRule picks the smallest score within the budget', () => {
  const falseAborts = [0.2, 0.01, 0.005, 0, 0.011];
  const scores = [10, 50, 40, 40, 1];
  expect(eligibleRules(falseAborts, 0.01)).toEqual([1, 2, 3]);
  expect(selectTunedRule(falseAborts, scores, 0.01)).toBe(2); // 2 and 3 tie: the first
  expect(selectTunedRule(falseAborts, scores, 0)).toBe(3);
  expect(selectTunedRule([0.5, 0.4], [1, 2], 0.01)).toBeUndefined();
});

test('the grid layout: criterion × failureLimit 0..5, names as the fixed rules', () => {
  const criteria = buildCriteria();
  const grid = buildGrid(criteria);
  expect(grid).toHaveLength(criteria.length * (MAX_FAILURE_LIMIT + 1));
  expect(grid[7]).toMatchObject({ kind: criteria[1]!.kind, level: criteria[1]!.level, failureLimit: 1 });
  expect(grid.find((r) => r.kind === 'success' && r.level === 0.99 && r.minRequests === 1 && r.failureLimit === 3)?.name).toBe(thresholdRule(0.99, 3).name);
  expect(grid.some((r) => r.name === 'success ≥ 99.5%, ≥ 30 req/interval, failureLimit 0')).toBe(true);
  expect(grid.some((r) => r.name === 'canary ≤ stable + 0.2 pp, ≥ 100 req/interval, failureLimit 5')).toBe(true);
});

test('intervalFails: too few canary requests is no measurement', () => {
  const counts = { canaryRequests: 20, canaryErrors: 2, baselineRequests: 100, baselineErrors: 1 };
  expect(intervalFails({ kind: 'success', level: 0.95, minRequests: 10 }, counts)).toBe(true);
  expect(intervalFails({ kind: 'success', level: 0.95, minRequests: 30 }, counts)).toBe(false);
  expect(intervalFails({ kind: 'relative', level: 0.05, minRequests: 1 }, counts)).toBe(true);
  expect(intervalFails({ kind: 'relative', level: 0.1, minRequests: 1 }, counts)).toBe(false);
  expect(intervalFails({ kind: 'relative', level: 0, minRequests: 1 }, { ...counts, baselineRequests: 0, baselineErrors: 0 })).toBe(false);
});

test('evaluateGrid aborts where the one-rule-at-a-time rules of rules.ts abort', () => {
  const criteria = buildCriteria();
  const grid = buildGrid(criteria);
  const out = new Float64Array(grid.length);
  const failures = new Int32Array(criteria.length);
  const random = createSeededRandom(7);
  const cells = [
    { trafficPerSecond: 10, canaryShare: 0.3, baseErrorRate: 0.01 },
    { trafficPerSecond: 100, canaryShare: 0.05, baseErrorRate: 0.001 },
  ];
  for (const cell of cells) {
    for (let r = 0; r < 20; r += 1) {
      const release = simulateRelease(random, cell, 2);
      const total = evaluateGrid(criteria, release, out, failures);
      expect(total).toBe(release.reduce((s, c) => s + c.canaryRequests, 0));
      grid.forEach((rule, k) => {
        if (rule.minRequests !== 1) return;
        const reference = rule.kind === 'success' ? thresholdRule(rule.level, rule.failureLimit) : relativeRule(rule.level, rule.failureLimit);
        expect([rule.name, out[k]]).toEqual([rule.name, requestsToAbort(reference, release)]);
      });
    }
  }
});

test('the accumulators: false aborts, capped mean requests and per-rule columns', () => {
  const counter = new AbortCounter(2);
  const scores = new ScoreSum(2);
  const matrix = new DetectionMatrix(2, 3);
  const releases: [number[], number][] = [
    [[100, Infinity], 500],
    [[Infinity, Infinity], 400],
    [[300, 50], 600],
  ];
  for (const [values, total] of releases) {
    const row = Float64Array.from(values);
    counter.sink(row, total);
    scores.sink(row, total);
    matrix.sink(row, total);
  }
  expect([...counter.rates()]).toEqual([2 / 3, 1 / 3]);
  expect([...scores.scores()]).toEqual([(100 + 400 + 300) / 3, (500 + 400 + 50) / 3]);
  expect([...matrix.column(1)]).toEqual([Infinity, Infinity, 50]);
});
