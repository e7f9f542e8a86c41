// A run terminated while its judge is undecided (background analysis at promotion, a step skipped
// by promote, an abort) must not look Successful: the judged metric ends Inconclusive, "judge
// undecided after N intervals", and the judge's state keeps no verdict. A judge undecided at its
// `count` (the step analysis' maximum) is the judge's own inconclusive verdict, which pauses.
import { metricSchema, type MetricInput, type MetricResult } from '../../../src/api/analysis.js';
import { assessMetricPhase, assessRunPhase, emptyMetricResult } from '../../../src/core/analysis-assess.js';
import type { IntervalCounts } from '../../../src/core/judge/interval-counts.js';
import { buildMetricJudgeConfig, recordJudgeInterval } from '../../../src/core/judge/judge-metric.js';
import { isUndecidedJudge } from '../../../src/core/judge/judge-undecided.js';

const T = { startedAt: '2030-01-01T00:00:00.000Z', finishedAt: '2030-01-01T00:00:01.000Z' };
const counts = { canaryRequests: 'a', canaryErrors: 'b', baselineRequests: 'c', baselineErrors: 'd', counters: 'increase' };

function judgedMetric(judge: Record<string, unknown> = {}, extra: Partial<MetricInput> = {}) {
  return metricSchema.parse({ name: 'errors', interval: '1s', provider: { prometheus: {} }, judge: { counts, ...judge }, ...extra });
}

const calm: IntervalCounts = { canaryRequests: 1000, canaryErrors: 2, baselineRequests: 1000, baselineErrors: 2 };
const bad: IntervalCounts = { canaryRequests: 1000, canaryErrors: 20, baselineRequests: 1000, baselineErrors: 2 };

function measured(metric: ReturnType<typeof judgedMetric>, intervals: IntervalCounts[]): MetricResult {
  const config = buildMetricJudgeConfig(metric);
  if (!config.ok) throw new Error(config.problems.join('; '));
  let result = emptyMetricResult('errors', false);
  for (const c of intervals) {
    result = recordJudgeInterval(result, config.config, { counts: c }, T);
    const assessed = assessMetricPhase(metric, result, false);
    result = { ...result, phase: assessed.phase, message: assessed.message ?? result.message };
  }
  return result;
}

describe('a judged metric whose run is terminated', () => {
  test('undecided after judged intervals: Inconclusive, "judge undecided", no verdict stored', () => {
    const metric = judgedMetric();
    const result = measured(metric, [calm, calm, calm]);
    expect(result.phase).toBe('Running');
    const assessed = assessMetricPhase(metric, result, true);
    expect(assessed.phase).toBe('Inconclusive');
    expect(assessed.message).toMatch(/^judge undecided after 3 intervals: the run was terminated before a verdict \(errors 1\.0× stable, evidence \S+ of 100 to abort\); not a pass$/);
    expect(result.judge!.state.verdict).toBeUndefined();
    expect(isUndecidedJudge({ ...result, phase: assessed.phase })).toBe(true);
  });

  test('terminated before its first measurement: Inconclusive after 0 intervals (a threshold metric: Successful)', () => {
    const judged = assessMetricPhase(judgedMetric(), emptyMetricResult('errors', false), true);
    expect(judged).toEqual({ phase: 'Inconclusive', message: expect.stringMatching(/^judge undecided after 0 intervals: the run was terminated before a verdict/) as unknown });
    const threshold = metricSchema.parse({ name: 'rate', interval: '1s', successCondition: 'result > 0', provider: { prometheus: { query: 'q' } } });
    expect(assessMetricPhase(threshold, emptyMetricResult('rate', false), true).phase).toBe('Successful');
  });

  test('a verdict reached before the termination stands: Failed stays Failed', () => {
    const metric = judgedMetric();
    const result = measured(metric, Array.from({ length: 10 }, () => bad));
    expect(result.phase).toBe('Failed');
    expect(assessMetricPhase(metric, { ...result, phase: 'Running' }, true).phase).toBe('Failed');
    expect(isUndecidedJudge(result)).toBe(false);
  });

  test('an early promotion before the termination stands: Successful', () => {
    const metric = judgedMetric({ badRatio: 2, minPromoteIntervals: 3 });
    const result = measured(metric, Array.from({ length: 40 }, () => ({ canaryRequests: 1000, canaryErrors: 5, baselineRequests: 1000, baselineErrors: 5 })));
    expect(result.phase).toBe('Successful');
    expect(assessMetricPhase(metric, { ...result, phase: 'Running' }, true).phase).toBe('Successful');
  });

  test('inconclusive: fail still ends a terminated undecided judge Inconclusive (no evidence against the canary)', () => {
    const metric = judgedMetric({ inconclusive: 'fail' });
    expect(assessMetricPhase(metric, measured(metric, [calm]), true).phase).toBe('Inconclusive');
  });

  test('not terminated and undecided: still Running', () => {
    const metric = judgedMetric();
    expect(assessMetricPhase(metric, measured(metric, [calm, calm]), false).phase).toBe('Running');
  });
});

describe('versus a judge undecided at its count (a step analysis reaching its maximum)', () => {
  test('the judge\'s own inconclusive verdict: Inconclusive, "pauses for a person", the verdict stored', () => {
    const metric = judgedMetric({}, { count: 3 });
    const result = measured(metric, [calm, calm, calm]);
    expect(result.phase).toBe('Inconclusive');
    expect(result.message).toBe('judge: inconclusive after 3 intervals: not enough evidence either way; pauses for a person');
    expect(result.judge!.state.verdict).toMatchObject({ outcome: 'inconclusive', interval: 3 });
    expect(isUndecidedJudge(result)).toBe(false);
  });

  test('with inconclusive: fail the run fails instead', () => {
    const metric = judgedMetric({ inconclusive: 'fail' }, { count: 2 });
    expect(measured(metric, [calm, calm]).phase).toBe('Failed');
  });
});

describe('the run', () => {
  test('an undecided judged metric makes the run Inconclusive with the reason; as dry-run it does not decide', () => {
    const message = 'judge undecided after 3 intervals: the run was terminated before a verdict (...); not a pass';
    const run = assessRunPhase([{ name: 'errors', phase: 'Inconclusive', dryRun: false, message }, { name: 'rate', phase: 'Successful', dryRun: false }]);
    expect(run).toEqual({ phase: 'Inconclusive', message: `Metric "errors" assessed Inconclusive due to ${message}` });
    expect(assessRunPhase([{ name: 'errors', phase: 'Inconclusive', dryRun: true, message }]).phase).toBe('Successful');
  });
});
