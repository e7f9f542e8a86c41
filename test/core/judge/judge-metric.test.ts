import { metricResultSchema, metricSchema, type MetricInput, type MetricResult } from '../../../src/api/analysis.js';
import { assessMetricPhase, emptyMetricResult } from '../../../src/core/analysis-assess.js';
import type { IntervalCounts } from '../../../src/core/judge/interval-counts.js';
import {
  buildMetricJudgeConfig,
  computeIntervalFromReadings,
  recordJudgeInterval,
  type CountReadings,
} from '../../../src/core/judge/judge-metric.js';
import type { JudgeConfig } from '../../../src/core/judge/judge-config.js';

const T = { startedAt: '2030-01-01T00:00:00.000Z', finishedAt: '2030-01-01T00:00:01.000Z' };

function judgedMetric(judge: Record<string, unknown> = {}, extra: Partial<MetricInput> = {}) {
  return metricSchema.parse({
    name: 'errors',
    interval: '1s',
    provider: { prometheus: {} },
    judge: {
      counts: { canaryRequests: 'a', canaryErrors: 'b', baselineRequests: 'c', baselineErrors: 'd', counters: 'increase' },
      ...judge,
    },
    ...extra,
  });
}

function configOf(metric: ReturnType<typeof judgedMetric>): JudgeConfig {
  const config = buildMetricJudgeConfig(metric);
  if (!config.ok) throw new Error(config.problems.join('; '));
  return config.config;
}

const bad: IntervalCounts = { canaryRequests: 1000, canaryErrors: 10, baselineRequests: 1000, baselineErrors: 2 };
const good: IntervalCounts = { canaryRequests: 1000, canaryErrors: 2, baselineRequests: 1000, baselineErrors: 2 };

/** Feeds intervals one by one, assessing the metric after each like the reconciler; stops when it completes. */
function run(metric: ReturnType<typeof judgedMetric>, intervals: IntervalCounts[], start: MetricResult = emptyMetricResult('errors', false)) {
  const config = configOf(metric);
  let result = start;
  const phases: string[] = [];
  for (const counts of intervals) {
    result = recordJudgeInterval(result, config, { counts }, T);
    const assessed = assessMetricPhase(metric, result, false);
    result = { ...result, phase: assessed.phase, message: assessed.message ?? result.message };
    phases.push(assessed.phase);
    if (assessed.phase !== 'Running') break;
  }
  return { result, phases };
}

describe('judged metric assessment', () => {
  test('a canary 5x worse fails the metric exactly when the abort evidence reaches 1/alpha', () => {
    const metric = judgedMetric({ alpha: 0.01 });
    const { result, phases } = run(metric, Array.from({ length: 20 }, () => bad));
    expect(result.phase).toBe('Failed');
    expect(phases.slice(0, -1).every((p) => p === 'Running')).toBe(true);
    const judged = result.measurements.map((m) => m.judge!);
    const last = judged.at(-1)!;
    expect(last.abortEvidence).toBeGreaterThanOrEqual(100);
    expect(last.abortThreshold).toBe(100);
    for (const earlier of judged.slice(0, -1)) expect(earlier.abortEvidence).toBeLessThan(100);
    expect(result.measurements.at(-1)!.phase).toBe('Failed');
    expect(last).toMatchObject({ interval: 'judged', canaryRequests: 1000, canaryErrors: 10, baselineRequests: 1000, baselineErrors: 2, observedRatio: '5.0' });
    expect(result.message).toMatch(/^judge: canary worse than stable \(evidence \d+ ≥ 100\)$/);
    expect(result.measurements.at(-1)!.message).toMatch(/errors 5\.0× stable, evidence \d+ of 100 to abort/);
  });

  test('a canary no worse than stable is promoted early (Successful) after minPromoteIntervals, with badRatio', () => {
    const metric = judgedMetric({ badRatio: 2, minPromoteIntervals: 5 }, { count: 200 });
    const { result, phases } = run(metric, Array.from({ length: 200 }, () => good));
    expect(result.phase).toBe('Successful');
    expect(phases.length).toBeGreaterThanOrEqual(5);
    const last = result.measurements.at(-1)!.judge!;
    expect(last.promoteEvidence).toBeGreaterThanOrEqual(20);
    expect(result.message).toContain('promoted early');
  });

  test('without badRatio a good canary never promotes: undecided at count is Inconclusive (the Rollout pauses)', () => {
    const metric = judgedMetric({}, { count: 8 });
    const { result, phases } = run(metric, Array.from({ length: 50 }, () => good));
    expect(phases).toEqual([...Array.from({ length: 7 }, () => 'Running'), 'Inconclusive']);
    expect(result.message).toBe('judge: inconclusive after 8 intervals: not enough evidence either way; pauses for a person');
    expect(result.measurements.at(-1)!.phase).toBe('Inconclusive');
  });

  test('inconclusive: fail fails the run instead of pausing; never Successful', () => {
    const metric = judgedMetric({ inconclusive: 'fail' }, { count: 3 });
    const { result } = run(metric, [{}, {}, {}]);
    expect(result.phase).toBe('Failed');
    expect(result.message).toContain('every interval had a missing count; fails the run');
  });

  test('missing and invalid counts add no evidence, say why, and cannot promote', () => {
    const metric = judgedMetric({ badRatio: 2, minPromoteIntervals: 0, minEvents: 0 }, { count: 3 });
    const { result } = run(metric, [
      { canaryRequests: 100, baselineRequests: 100, baselineErrors: 1 },
      { canaryRequests: 100, canaryErrors: 200, baselineRequests: 100, baselineErrors: 1 },
      { canaryRequests: Number.NaN, canaryErrors: 0, baselineRequests: 100, baselineErrors: 1 },
    ]);
    const messages = result.measurements.map((m) => m.message);
    expect(messages[0]).toContain('no series for canaryErrors (a missing count is never read as 0)');
    expect(messages[1]).toContain('canaryErrors (200) is above canaryRequests');
    expect(messages[2]).toContain('canaryRequests is NaN, not a count');
    expect(result.measurements.map((m) => m.phase)).toEqual(['Inconclusive', 'Inconclusive', 'Inconclusive']);
    expect(result.phase).toBe('Inconclusive');
    expect(result.judge!.state).toMatchObject({ missingIntervals: 1, invalidIntervals: 2, judgedIntervals: 0 });
  });

  test('query errors still end the metric by consecutiveErrorLimit', () => {
    const metric = judgedMetric({}, { consecutiveErrorLimit: 1 });
    const result: MetricResult = { ...emptyMetricResult('errors', false), consecutiveError: 2, error: 2, measurements: [{ phase: 'Error', message: 'boom' }] };
    expect(assessMetricPhase(metric, result, false)).toEqual({ phase: 'Error', message: 'consecutiveErrors (2) > consecutiveErrorLimit (1): boom' });
    expect(assessMetricPhase(metric, { ...result, consecutiveError: 1 }, false).phase).toBe('Running');
  });

  test('failureLimit and count-based completion do not apply to a judged metric', () => {
    const metric = judgedMetric({}, { count: 100 });
    const { result } = run(metric, [good, good]);
    expect(result.phase).toBe('Running');
    expect(assessMetricPhase(metric, { ...result, failed: 5 }, false).phase).toBe('Running');
  });
});

describe('restart: the judge resumes from status', () => {
  test('state round-tripped through JSON and the status schema gives the same verdict at the same interval', () => {
    const metric = judgedMetric();
    const intervals = [good, bad, good, bad, bad, bad, bad, bad, bad, bad, bad, bad];
    const straight = run(metric, intervals);
    let resumed = run(metric, intervals.slice(0, 3)).result;
    resumed = metricResultSchema.parse(JSON.parse(JSON.stringify(resumed)));
    const after = run(metric, intervals.slice(3), resumed);
    expect(after.result.phase).toBe('Failed');
    expect(after.result.judge!.state).toEqual(straight.result.judge!.state);
    expect(after.result.measurements.at(-1)!.judge).toEqual(straight.result.measurements.at(-1)!.judge);
  });

  test('a verdict in status stays the verdict (a restarted controller does not judge again)', () => {
    const metric = judgedMetric();
    const failed = run(metric, Array.from({ length: 20 }, () => bad)).result;
    const restored = metricResultSchema.parse(JSON.parse(JSON.stringify({ ...failed, phase: 'Running' })));
    expect(assessMetricPhase(metric, restored, false).phase).toBe('Failed');
  });
});

describe('counts from counter readings', () => {
  const series = (...values: number[]) => values.map((value, i) => ({ series: `pod-${i}`, value }));
  const reading = (cr: number[], ce: number[], br: number[], be: number[]): CountReadings => ({
    canaryRequests: series(...cr),
    canaryErrors: series(...ce),
    baselineRequests: series(...br),
    baselineErrors: series(...be),
  });

  test('cumulative: the first reading only stores; then increases per series, a reset counts from 0', () => {
    const first = computeIntervalFromReadings(reading([100], [1], [1000, 500], [5, 5]), undefined, 'cumulative');
    expect(first.counts).toBeUndefined();
    const second = computeIntervalFromReadings(reading([150], [3], [1100, 40], [6, 0]), first.readings, 'cumulative');
    expect(second.counts).toEqual({ canaryRequests: 50, canaryErrors: 2, baselineRequests: 100 + 40, baselineErrors: 1 });
  });

  test('cumulative: a count with no series is missing and keeps its previous reading', () => {
    const first = computeIntervalFromReadings(reading([100], [1], [1000], [5]), undefined, 'cumulative');
    const gap = computeIntervalFromReadings({ ...reading([110], [], [1010], [6]), canaryErrors: [] }, first.readings, 'cumulative');
    expect(gap.counts).toEqual({ canaryRequests: 10, baselineRequests: 10, baselineErrors: 1 });
    const back = computeIntervalFromReadings(reading([120], [4], [1020], [6]), gap.readings, 'cumulative');
    expect(back.counts).toEqual({ canaryRequests: 10, canaryErrors: 3, baselineRequests: 10, baselineErrors: 0 });
  });

  test('cumulative: a NaN counter is passed on so that the judge reports it', () => {
    const first = computeIntervalFromReadings(reading([100], [1], [1000], [5]), undefined, 'cumulative');
    const next = computeIntervalFromReadings(reading([Number.NaN], [1], [1000], [5]), first.readings, 'cumulative');
    expect(next.counts?.canaryRequests).toBeNaN();
  });

  test('increase: each query value summed over its series is the count; no series is missing', () => {
    const next = computeIntervalFromReadings({ ...reading([3, 4], [1], [10], [0]), baselineErrors: [] }, undefined, 'increase');
    expect(next.counts).toEqual({ canaryRequests: 7, canaryErrors: 1, baselineRequests: 10 });
  });

  test('a first cumulative reading is recorded as such, with the readings kept in status', () => {
    const metric = judgedMetric({ counts: { canaryRequests: 'a', canaryErrors: 'b', baselineRequests: 'c', baselineErrors: 'd' } });
    const first = computeIntervalFromReadings(reading([100], [1], [1000], [5]), undefined, 'cumulative');
    const result = recordJudgeInterval(emptyMetricResult('errors', false), configOf(metric), first, T);
    expect(result.measurements[0]).toMatchObject({ phase: 'Successful', judge: { interval: 'firstScrape' } });
    expect(result.measurements[0]!.message).toContain('first counter reading');
    expect(result.judge!.readings!.canaryRequests).toEqual([{ series: 'pod-0', value: 100 }]);
    expect(result.judge!.state.intervals).toBe(0);
  });
});
