import { metricSchema, type Measurement, type MetricInput, type MetricResult } from '../../src/api/analysis.js';
import {
  applyMeasurement,
  assessMeasurementPhase,
  assessMetricPhase,
  assessRunPhase,
  computeNextMeasurementAtMs,
  computeRequeueAfterMs,
  effectiveCount,
  emptyMetricResult,
  isDryRunMetric,
  type RunMetricPhase,
} from '../../src/core/analysis-assess.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

function metric(overrides: Partial<MetricInput> = {}) {
  return metricSchema.parse({ name: 'm', provider: { prometheus: { query: 'up' } }, ...overrides });
}

function measured(phases: Measurement['phase'][], base = emptyMetricResult('m', false)): MetricResult {
  return phases.reduce(
    (result, phase, i) => applyMeasurement(result, { phase, finishedAt: iso(i * 1000), message: `${phase} #${i}` }),
    base,
  );
}

describe('assessMeasurementPhase', () => {
  test.each([
    [{}, 'Successful'],
    [{ success: true }, 'Successful'],
    [{ success: false }, 'Failed'],
    [{ failure: true }, 'Failed'],
    [{ failure: false }, 'Successful'],
    [{ success: true, failure: true }, 'Failed'],
    [{ success: true, failure: false }, 'Successful'],
    [{ success: false, failure: false }, 'Inconclusive'],
    [{ success: false, failure: true }, 'Failed'],
  ] as const)('%j -> %s', (conditions, phase) => {
    expect(assessMeasurementPhase(conditions)).toBe(phase);
  });
});

describe('applyMeasurement', () => {
  test('counts phases; an Error does not use up count and resets on the next non-error', () => {
    const result = measured(['Successful', 'Error', 'Error', 'Failed', 'Inconclusive', 'Successful']);
    expect(result).toMatchObject({
      count: 4, successful: 2, failed: 1, inconclusive: 1, error: 2, consecutiveError: 0, consecutiveSuccess: 1,
      message: 'Successful #5',
    });
  });
  test('keeps at most the last 100 measurements (the run trims to the metric\'s retention)', () => {
    const result = measured(Array.from({ length: 103 }, () => 'Successful' as const));
    expect(result.measurements).toHaveLength(100);
    expect(result.measurements[0]?.message).toBe('Successful #3');
    expect(result.count).toBe(103);
  });
});

describe('effectiveCount', () => {
  test.each([
    [{}, 1],
    [{ count: 0 }, 1],
    [{ count: 3 }, 3],
    [{ interval: '1s' }, undefined],
    [{ interval: '1s', count: 0 }, undefined],
    [{ interval: '1s', count: 5 }, 5],
  ])('%j -> %s', (m, count) => {
    expect(effectiveCount(metric(m))).toBe(count);
  });
});

describe('assessMetricPhase', () => {
  test.each([
    ['no measurement yet', {}, [], false, 'Pending'],
    ['terminated before any measurement', {}, [], true, 'Successful'],
    ['single measurement succeeds', {}, ['Successful'], false, 'Successful'],
    ['single failure with failureLimit 0', {}, ['Failed'], false, 'Failed'],
    ['failure within failureLimit keeps running', { interval: '1s', count: 3, failureLimit: 1 }, ['Failed'], false, 'Running'],
    ['failures beyond failureLimit', { interval: '1s', count: 5, failureLimit: 1 }, ['Failed', 'Successful', 'Failed'], false, 'Failed'],
    ['failureLimit -1 never fails', { interval: '1s', count: 2, failureLimit: -1 }, ['Failed', 'Failed'], false, 'Successful'],
    ['inconclusive beyond limit', { interval: '1s', count: 3 }, ['Inconclusive'], false, 'Inconclusive'],
    ['errors up to the limit keep running', { interval: '1s', count: 3 }, ['Error', 'Error', 'Error', 'Error'], false, 'Running'],
    ['errors beyond consecutiveErrorLimit', { interval: '1s', count: 3 }, ['Error', 'Error', 'Error', 'Error', 'Error'], false, 'Error'],
    ['errors interrupted by success', { interval: '1s', count: 9, consecutiveErrorLimit: 1 }, ['Error', 'Successful', 'Error'], false, 'Running'],
    ['count reached', { interval: '1s', count: 2 }, ['Successful', 'Successful'], false, 'Successful'],
    ['errors do not reach count', { interval: '1s', count: 2 }, ['Successful', 'Error'], false, 'Running'],
    ['consecutiveSuccessLimit reached', { interval: '1s', consecutiveSuccessLimit: 2, failureLimit: 3 }, ['Failed', 'Successful', 'Successful'], false, 'Successful'],
    ['no count, interval: runs until terminated', { interval: '1s' }, ['Successful', 'Successful'], false, 'Running'],
    ['no count, interval, terminated', { interval: '1s' }, ['Successful'], true, 'Successful'],
    ['terminated but already failed', { interval: '1s', count: 5 }, ['Failed'], true, 'Failed'],
  ] as const)('%s', (_name, m, phases, terminating, phase) => {
    expect(assessMetricPhase(metric(m), measured([...phases]), terminating).phase).toBe(phase);
  });

  test('the failure message names the limit and the last measurement', () => {
    const assessment = assessMetricPhase(metric({ interval: '1s', consecutiveErrorLimit: 1 }), measured(['Error', 'Error']), false);
    expect(assessment).toEqual({ phase: 'Error', message: 'consecutiveErrors (2) > consecutiveErrorLimit (1): Error #1' });
  });
});

describe('assessRunPhase', () => {
  const m = (name: string, phase: RunMetricPhase['phase'], dryRun = false, message?: string): RunMetricPhase => ({ name, phase, dryRun, message });
  test.each([
    ['all successful', [m('a', 'Successful'), m('b', 'Successful')], 'Successful'],
    ['running beats successful', [m('a', 'Successful'), m('b', 'Running')], 'Running'],
    ['pending beats running', [m('a', 'Pending'), m('b', 'Running')], 'Pending'],
    ['inconclusive beats pending', [m('a', 'Pending'), m('b', 'Inconclusive')], 'Inconclusive'],
    ['error beats inconclusive', [m('a', 'Error'), m('b', 'Inconclusive')], 'Error'],
    ['failed beats everything', [m('a', 'Error'), m('b', 'Failed'), m('c', 'Running')], 'Failed'],
    ['a failing dry-run metric never decides', [m('a', 'Successful'), m('b', 'Failed', true)], 'Successful'],
    ['a running dry-run metric keeps the run running', [m('a', 'Successful'), m('b', 'Running', true)], 'Running'],
    ['dry-run errors with a real failure', [m('a', 'Failed'), m('b', 'Error', true)], 'Failed'],
  ])('%s', (_name, metrics, phase) => {
    expect(assessRunPhase(metrics).phase).toBe(phase);
  });

  test('the run message names the deciding metric', () => {
    expect(assessRunPhase([m('ok', 'Running'), m('error-rate', 'Failed', false, 'failed (1) > failureLimit (0)')])).toEqual({
      phase: 'Failed',
      message: 'Metric "error-rate" assessed Failed due to failed (1) > failureLimit (0)',
    });
  });
});

describe('computeNextMeasurementAtMs', () => {
  test.each([
    ['first measurement, no delay', {}, [], T0],
    ['first measurement after initialDelay', { initialDelay: '30s' }, [], T0 + 30_000],
    ['after a success: finish + interval', { interval: '1m', count: 3 }, [{ phase: 'Successful', finishedAt: iso(5000) }], T0 + 65_000],
    ['no interval: immediately after the finish', { count: 3 }, [{ phase: 'Successful', finishedAt: iso(5000) }], T0 + 5000],
    ['after an Error: finish + 10 s', { interval: '1m', count: 3 }, [{ phase: 'Error', finishedAt: iso(5000) }], T0 + 15_000],
    ['after an Error with resumeAt', { interval: '1m', count: 3 }, [{ phase: 'Error', finishedAt: iso(5000), resumeAt: iso(7000) }], T0 + 7000],
  ] as const)('%s', (_name, m, measurements, expected) => {
    const result = { ...emptyMetricResult('m', false), phase: 'Running' as const, measurements: [...measurements] };
    expect(computeNextMeasurementAtMs(metric(m), result, T0)).toBe(expected);
  });

  test('a completed metric is never due', () => {
    const result = { ...emptyMetricResult('m', false), phase: 'Successful' as const };
    expect(computeNextMeasurementAtMs(metric(), result, T0)).toBeUndefined();
  });
});

describe('computeRequeueAfterMs', () => {
  test.each([
    [[], undefined],
    [[undefined], undefined],
    [[T0 + 5000, T0 + 1000], 1000],
    [[T0 - 5000, undefined], 0],
  ])('%j -> %s', (due, expected) => {
    expect(computeRequeueAfterMs(due, T0)).toBe(expected);
  });
});

describe('isDryRunMetric', () => {
  test.each([
    ['latency', [{ metricName: 'latency' }], true],
    ['latency', [{ metricName: 'lat' }], false],
    ['latency', [{ metricName: '.*' }], true],
    ['latency', [{ metricName: 'lat.*' }], true],
    ['latency', [{ metricName: '(' }], false],
    ['latency', [], false],
  ])('%s in %j -> %s', (name, dryRun, expected) => {
    expect(isDryRunMetric(name, dryRun)).toBe(expected);
  });
});
