import type { MetricResult } from '../../src/api/analysis.js';
import { emptyMetricResult } from '../../src/core/analysis-assess.js';
import {
  assessRunEnd,
  assessWindowOutcome,
  computeBacktestExitCode,
  findNewMeasurements,
  type BacktestOutcome,
} from '../../src/core/backtest-verdict.js';

const result = (name: string, fields: Partial<MetricResult>): MetricResult => ({ ...emptyMetricResult(name, false), ...fields });

test.each<[BacktestOutcome[], number]>([
  [['passed'], 0],
  [['passed', 'passed'], 0],
  [['passed', 'inconclusive'], 3],
  [['inconclusive', 'failed'], 1],
  [['failed', 'noData'], 2],
  [['badInput'], 2],
  [[], 2],
])('exit code of %j is %i', (outcomes, code) => {
  expect(computeBacktestExitCode(outcomes)).toBe(code);
});

test('findNewMeasurements: what one reconcile added, an Error counting like any measurement', () => {
  const ok = { phase: 'Successful' as const, value: '1' };
  const error = { phase: 'Error' as const, message: 'query returned no data' };
  const before = [result('a', { count: 1, measurements: [ok] }), result('b', {})];
  const after = [result('a', { count: 1, error: 1, measurements: [ok, error] }), result('b', {})];
  expect(findNewMeasurements(before, after)).toEqual([{ metric: 'a', measurement: error }]);
  expect(findNewMeasurements(after, after)).toEqual([]);
  expect(findNewMeasurements([], [result('c', { count: 1, measurements: [ok] })])).toEqual([{ metric: 'c', measurement: ok }]);
});

describe('assessRunEnd', () => {
  const base = { noDataMetrics: [] as string[], metricResults: [] as MetricResult[], measurementCount: 3 };
  test.each<[string, BacktestOutcome]>([
    ['Failed', 'failed'],
    ['Inconclusive', 'inconclusive'],
    ['Successful', 'passed'],
    ['Running', 'passed'],
  ])('a run ending %s is %s', (phase, outcome) => {
    expect(assessRunEnd({ ...base, phase: phase as 'Failed' })).toBe(outcome);
  });

  test('Error from no data is missing history; from anything else, a failure; before any measurement, bad input', () => {
    const erred = [result('m', { phase: 'Error' })];
    expect(assessRunEnd({ ...base, phase: 'Error', metricResults: erred, noDataMetrics: ['m'] })).toBe('noData');
    expect(assessRunEnd({ ...base, phase: 'Error', metricResults: erred, noDataMetrics: [] })).toBe('failed');
    expect(assessRunEnd({ ...base, phase: 'Error', metricResults: erred, measurementCount: 0 })).toBe('badInput');
  });
});

test.each<[BacktestOutcome[], string[], BacktestOutcome]>([
  [['passed', 'passed'], [], 'passed'],
  [['passed', 'inconclusive', 'passed'], [], 'inconclusive'],
  [['inconclusive', 'failed'], [], 'failed'],
  [['passed'], ['m'], 'noData'],
  [['failed'], ['m'], 'failed'],
  [[], [], 'noData'],
  [['badInput'], [], 'badInput'],
])('a window of runs %j without data for %j is %s', (runs, withoutData, outcome) => {
  expect(assessWindowOutcome(runs, withoutData)).toBe(outcome);
});
