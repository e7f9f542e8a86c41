// dryRun and measurementRetention entries name metrics by name or by an RE2 expression matching the
// whole name (src/core/metric-name-pattern.ts); RE2 keeps a hostile pattern linear.
import { coversMetric, retentionLimitOf } from '../../src/core/metric-name-pattern.js';

test.each([
  ['error-rate', 'error-rate', true],
  ['error-.*', 'error-rate', true],
  ['.*', 'anything', true],
  ['error', 'error-rate', false],
  ['rate', 'error-rate', false],
  ['(unclosed', 'x', false],
  ['(?P<n>a)b', 'ab', true],
])('%j covers %j: %s', (pattern, name, expected) => {
  expect(coversMetric(pattern, name)).toBe(expected);
});

test('a catastrophic-backtracking pattern answers at once (RE2, linear)', () => {
  const name = `${'a'.repeat(40)}!`;
  expect(coversMetric('(a+)+$', name)).toBe(false);
});

test('retention: the first covering entry wins, 10 without one, never above 100', () => {
  const retention = [{ metricName: 'latency', limit: 50 }, { metricName: '.*', limit: 20 }];
  expect(retentionLimitOf('latency', retention)).toBe(50);
  expect(retentionLimitOf('errors', retention)).toBe(20);
  expect(retentionLimitOf('errors', [])).toBe(10);
  expect(retentionLimitOf('x', [{ metricName: 'x', limit: 1000 }])).toBe(100);
});
