import { WeightHistory } from '../../src/dashboard/weight-history.js';

test('records a point only when the weight changes', () => {
  const history = new WeightHistory();
  expect(history.record('ns/a', 1, 0)).toBe(true);
  expect(history.record('ns/a', 2, 0)).toBe(false);
  expect(history.record('ns/a', 3, 30)).toBe(true);
  expect(history.get('ns/a')).toEqual([{ timeMs: 1, weightPercent: 0 }, { timeMs: 3, weightPercent: 30 }]);
  expect(history.get('ns/b')).toEqual([]);
});

test('keeps the newest points within its limit and forgets removed Rollouts', () => {
  const history = new WeightHistory(2);
  [10, 20, 30].forEach((w, i) => history.record('ns/a', i, w));
  expect(history.get('ns/a').map((p) => p.weightPercent)).toEqual([20, 30]);
  history.record('ns/b', 0, 5);
  history.retain(new Set(['ns/b']));
  expect(history.get('ns/a')).toEqual([]);
  expect(history.get('ns/b')).toHaveLength(1);
});
