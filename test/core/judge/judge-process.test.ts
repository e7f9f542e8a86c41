import { buildJudgeConfig, type JudgeConfig } from '../../../src/core/judge/judge-config.js';
import type { IntervalCounts } from '../../../src/core/judge/interval-counts.js';
import {
  assessJudgeRun,
  buildInitialJudgeState,
  computeAbortLogEvidence,
  computePromoteLogEvidence,
  isSharedSpike,
  stepJudge,
} from '../../../src/core/judge/judge-process.js';
import type { ArmCounts } from '../../../src/core/judge/rate-ratio.js';

function config(overrides: Partial<JudgeConfig> = {}): JudgeConfig {
  const result = buildJudgeConfig(overrides);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.config;
}

const row = (canaryRequests: number, canaryErrors: number, baselineRequests: number, baselineErrors: number): IntervalCounts => ({
  canaryRequests,
  canaryErrors,
  baselineRequests,
  baselineErrors,
});
const repeat = (n: number, counts: IntervalCounts): IntervalCounts[] => Array.from({ length: n }, () => ({ ...counts }));

describe('configuration', () => {
  test('defaults: alpha 0.01, tolerance 1.1, no early promotion, inconclusive pauses', () => {
    expect(config()).toEqual({ alpha: 0.01, tolerance: 1.1, beta: 0.05, warmupIntervals: 0, minEvents: 5, minPromoteIntervals: 10, onInconclusive: 'pause' });
  });

  test.each([
    [{ alpha: 0 }, 'alpha must be between 0 and 1 (exclusive), got 0'],
    [{ alpha: 1 }, 'alpha must be between 0 and 1 (exclusive), got 1'],
    [{ alpha: Number.NaN }, 'alpha must be between 0 and 1 (exclusive), got NaN'],
    [{ beta: -0.1 }, 'beta must be between 0 and 1 (exclusive), got -0.1'],
    [{ tolerance: 0.9 }, 'tolerance must be a ratio of at least 1 (1.1 tolerates 10% more errors than stable), got 0.9'],
    [{ badRatio: 1.05 }, 'bad-ratio must be a number above tolerance (1.1), got 1.05'],
    [{ warmupIntervals: 1.5 }, 'warmup must be a whole number of intervals, got 1.5'],
    [{ minEvents: -1 }, 'minEvents must be a whole number, got -1'],
    [{ minPromoteIntervals: 2.5 }, 'minPromoteIntervals must be a whole number, got 2.5'],
    [{ maxIntervals: 0 }, 'maxIntervals must be a whole number of at least 1, got 0'],
  ] as [Partial<JudgeConfig>, string][])('%j is refused', (input, problem) => {
    expect(buildJudgeConfig(input)).toEqual({ ok: false, problems: [problem] });
  });
});

describe('decisions', () => {
  // 10% canary, 1% base error rate: 9 stable errors per interval.
  test('a clear 5x regression fails within 3 intervals', () => {
    const { verdict } = assessJudgeRun(repeat(30, row(100, 5, 900, 9)), config());
    expect(verdict.outcome).toBe('fail');
    expect(verdict.interval).toBeLessThanOrEqual(3);
  });

  test('the same canary at the stable error rate does not fail in 30 intervals and ends inconclusive', () => {
    const { verdict, steps } = assessJudgeRun(repeat(30, row(100, 1, 900, 9)), config());
    expect(verdict).toEqual({ outcome: 'inconclusive', interval: 30, reason: 'notEnoughEvidence', action: 'pause' });
    expect(steps).toHaveLength(30);
    expect(Math.exp(computeAbortLogEvidence(steps.at(-1)!.state))).toBeLessThan(1);
  });

  test('a healthy canary passes early when badRatio is set, not before minPromoteIntervals', () => {
    const data = repeat(30, row(1000, 10, 9000, 90));
    const quick = assessJudgeRun(data, config({ badRatio: 1.5, minPromoteIntervals: 0 }));
    expect(quick.verdict.outcome).toBe('pass');
    expect(quick.verdict.interval).toBeLessThan(10);
    expect(computePromoteLogEvidence(quick.steps.at(-1)!.state)).toBeGreaterThanOrEqual(Math.log(20));
    expect(assessJudgeRun(data, config({ badRatio: 1.5 })).verdict).toEqual({ outcome: 'pass', interval: 10 });
  });

  test('without badRatio the healthy canary is never promoted (inconclusive at the end)', () => {
    expect(assessJudgeRun(repeat(30, row(1000, 10, 9000, 90)), config()).verdict.outcome).toBe('inconclusive');
  });

  test('a 2x canary is not promoted early with badRatio 1.5; it fails', () => {
    expect(assessJudgeRun(repeat(40, row(1000, 20, 9000, 90)), config({ badRatio: 1.5 })).verdict.outcome).toBe('fail');
  });

  test('a shared incident (both arms spike at the same rate) does not abort and lowers the evidence', () => {
    const before = repeat(5, row(100, 1, 900, 9));
    const spike = repeat(3, row(100, 40, 900, 360));
    const { verdict, steps } = assessJudgeRun([...before, ...spike, ...repeat(5, row(100, 1, 900, 9))], config());
    expect(verdict.outcome).toBe('inconclusive');
    const evidence = steps.map((s) => computeAbortLogEvidence(s.state));
    expect(evidence[7]!).toBeLessThan(evidence[4]!);
  });

  test('a shared incident cannot promote a canary early, however many events it brings', () => {
    const calm = repeat(3, row(1000, 2, 9000, 10));
    const incident = repeat(6, row(1000, 300, 9000, 2700));
    const { verdict, steps } = assessJudgeRun([...calm, ...incident], config({ badRatio: 1.5 }));
    expect(verdict.outcome).toBe('inconclusive');
    expect(steps.at(-1)!.state.spikeIntervals).toBe(6);
    expect(computePromoteLogEvidence(steps.at(-1)!.state)).toBeCloseTo(computePromoteLogEvidence(steps[2]!.state), 10);
  });

  test('the spike rule looks only at the total: a canary-only spike still aborts', () => {
    const { verdict, steps } = assessJudgeRun([...repeat(3, row(5000, 25, 5000, 25)), row(5000, 2000, 5000, 25)], config({ badRatio: 1.5 }));
    expect(verdict).toEqual({ outcome: 'fail', interval: 4 });
    expect(steps.at(-1)!.state.spikeIntervals).toBe(1);
  });

  test.each([
    ['a diurnal rise of 50% over a calm 12 events', row(1000, 2, 9000, 10), row(1000, 3, 9000, 15), false],
    ['7 events over a calm 1: 3x, but fewer than 10 extra', row(1000, 0, 9000, 1), row(1000, 1, 9000, 6), false],
    ['a tenfold incident over a calm 12 events', row(1000, 2, 9000, 10), row(1000, 20, 9000, 100), true],
  ])('isSharedSpike: %s -> %p', (_name, calm, counts, spike) => {
    const state = assessJudgeRun(repeat(6, calm), config()).steps.at(-1)!.state;
    expect(isSharedSpike(state, counts as ArmCounts)).toBe(spike);
  });

  test('a spike only in the canary aborts', () => {
    const { verdict } = assessJudgeRun([...repeat(5, row(100, 1, 900, 9)), ...repeat(3, row(100, 40, 900, 9))], config());
    expect(verdict).toEqual({ outcome: 'fail', interval: 6 });
  });

  test('shifting canary share (5% → 50%) at equal error rates does not abort', () => {
    const shares = [0.05, 0.1, 0.25, 0.5];
    const intervals = shares.flatMap((share) => repeat(10, row(10000 * share, 100 * share, 10000 * (1 - share), 100 * (1 - share))));
    expect(assessJudgeRun(intervals, config()).verdict.outcome).toBe('inconclusive');
  });

  test('minEvents holds the abort until enough events were seen', () => {
    // 4 canary events, none in stable, 10% canary: E ≈ 144 ≥ 100, but only 4 events.
    const data = [row(100, 4, 900, 0), row(100, 0, 900, 0), row(100, 1, 900, 0)];
    expect(assessJudgeRun(data, config({ minEvents: 0 })).verdict).toEqual({ outcome: 'fail', interval: 1 });
    expect(assessJudgeRun(data, config({ minEvents: 5 })).verdict).toEqual({ outcome: 'fail', interval: 3 });
  });

  test('maxIntervals ends an undecided run inconclusive, with the configured action', () => {
    const { verdict, steps } = assessJudgeRun(repeat(30, row(100, 1, 900, 9)), config({ maxIntervals: 12, onInconclusive: 'abort' }));
    expect(verdict).toEqual({ outcome: 'inconclusive', interval: 12, reason: 'notEnoughEvidence', action: 'abort' });
    expect(steps).toHaveLength(12);
  });

  test('after a verdict the state no longer changes', () => {
    const cfg = config({ minEvents: 0 });
    const decided = stepJudge(buildInitialJudgeState(cfg), row(100, 30, 900, 0), cfg);
    expect(decided.verdict?.outcome).toBe('fail');
    const after = stepJudge(decided.state, row(100, 0, 900, 500), cfg);
    expect(after.status).toBe('afterVerdict');
    expect(after.state).toBe(decided.state);
  });
});

describe('warm-up, missing series and bad values', () => {
  test('warm-up intervals are seen but not judged', () => {
    const data = [row(100, 50, 900, 0), row(100, 50, 900, 0), row(100, 1, 900, 9)];
    const { steps, verdict } = assessJudgeRun(data, config({ warmupIntervals: 2 }));
    expect(steps.map((s) => s.status)).toEqual(['warmup', 'warmup', 'judged']);
    expect(verdict.outcome).toBe('inconclusive');
    expect(steps.at(-1)!.state).toMatchObject({ judgedIntervals: 1, canaryErrors: 1, baselineErrors: 9 });
  });

  test('a missing series adds no evidence and is counted', () => {
    const cfg = config();
    const first = stepJudge(buildInitialJudgeState(cfg), row(100, 3, 900, 9), cfg);
    const missing = stepJudge(first.state, { canaryRequests: 100, baselineRequests: 900, baselineErrors: 9 }, cfg);
    expect(missing.status).toBe('missing');
    expect(missing.assessment).toEqual({ kind: 'missing', fields: ['canaryErrors'] });
    expect(missing.state.abortLogLikelihoods).toEqual(first.state.abortLogLikelihoods);
    expect(missing.state).toMatchObject({ intervals: 2, judgedIntervals: 1, missingIntervals: 1 });
  });

  test('a canary error series that disappears while stable errors go on is never promoted', () => {
    const data = [row(1000, 10, 9000, 90), ...repeat(30, { canaryRequests: 1000, baselineRequests: 9000, baselineErrors: 90 })];
    const { verdict } = assessJudgeRun(data, config({ badRatio: 1.5 }));
    expect(verdict).toEqual({ outcome: 'inconclusive', interval: 31, reason: 'notEnoughEvidence', action: 'pause' });
  });

  test('a run that ends inside the warm-up: inconclusive, reason warmup', () => {
    expect(assessJudgeRun(repeat(3, row(100, 50, 900, 0)), config({ warmupIntervals: 5 })).verdict).toMatchObject({ outcome: 'inconclusive', reason: 'warmup' });
  });

  test('every interval missing: inconclusive, reason missingData', () => {
    expect(assessJudgeRun(repeat(4, {}), config()).verdict).toMatchObject({ outcome: 'inconclusive', reason: 'missingData' });
  });

  test.each([
    ['the canary', repeat(10, row(0, 0, 900, 9)), 'noCanaryTraffic'],
    ['the baseline', repeat(10, row(100, 1, 0, 0)), 'noBaselineTraffic'],
    ['both arms', repeat(10, row(0, 0, 0, 0)), 'noTraffic'],
  ])('zero traffic in %s for the whole run: inconclusive, never a pass', (_arm, data, reason) => {
    expect(assessJudgeRun(data, config({ badRatio: 1.5 })).verdict).toMatchObject({ outcome: 'inconclusive', reason });
  });

  test('no bad events at all: inconclusive, reason noBadEvents', () => {
    expect(assessJudgeRun(repeat(10, row(100, 0, 900, 0)), config({ badRatio: 1.5 })).verdict).toMatchObject({ outcome: 'inconclusive', reason: 'noBadEvents' });
  });

  test.each([
    [row(100, Number.NaN, 900, 9), 'invalid'],
    [row(100, -1, 900, 9), 'invalid'],
    [row(100, 101, 900, 9), 'invalid'],
  ])('%j adds no evidence (status %s)', (counts, status) => {
    const cfg = config();
    const step = stepJudge(buildInitialJudgeState(cfg), counts, cfg);
    expect(step.status).toBe(status);
    expect(step.state.abortLogLikelihoods.every((x) => x === 0)).toBe(true);
  });

  test('the state is plain JSON (it can live in a status field and resume after a restart)', () => {
    const cfg = config({ badRatio: 1.5 });
    const data = repeat(6, row(100, 2, 900, 9));
    const straight = assessJudgeRun(data, cfg).steps.at(-1)!.state;
    let state = buildInitialJudgeState(cfg);
    for (const counts of data) state = JSON.parse(JSON.stringify(stepJudge(state, counts, cfg).state));
    expect(state).toEqual(straight);
  });
});
