import { computeArmIncrease, type CounterSample } from '../../../src/core/judge/counter-increase.js';

const s = (series: string, value: number): CounterSample => ({ series, value });
const fromZero = { countNewSeriesFromZero: true };

describe('computeArmIncrease', () => {
  test.each([
    ['counters went up', [s('a', 10), s('b', 5)], [s('a', 14), s('b', 6)], { value: 5, resets: 0, newSeries: 0, vanished: 0 }],
    ['pod b restarted: its new value counts, not a negative increase', [s('a', 10), s('b', 500)], [s('a', 14), s('b', 3)], { value: 7, resets: 1, newSeries: 0, vanished: 0 }],
    ['a new canary pod\'s error series appears at its first error: it counts from 0', [s('a', 10)], [s('a', 10), s('c', 2)], { value: 2, resets: 0, newSeries: 1, vanished: 0 }],
    ['a series that vanished contributes nothing and is reported', [s('a', 10), s('b', 5)], [s('a', 12)], { value: 2, resets: 0, newSeries: 0, vanished: 1 }],
    ['no series at all', [], [], { value: 0, resets: 0, newSeries: 0, vanished: 0 }],
    ['real-valued counters (increase() extrapolation)', [s('a', 1.5)], [s('a', 4)], { value: 2.5, resets: 0, newSeries: 0, vanished: 0 }],
  ])('%s', (_name, previous, current, expected) => {
    expect(computeArmIncrease(previous, current, fromZero)).toEqual({ kind: 'increase', ...expected });
  });

  // On the sum (3000 -> 2004) the reset rule would count 2004 events; per series it is 1 + 2 + 1.
  test('one pod of three restarting adds its own new value, not the sum of the others', () => {
    const previous = [s('a', 1000), s('b', 1000), s('c', 1000)];
    const current = [s('a', 1001), s('b', 1002), s('c', 1)];
    expect(computeArmIncrease(previous, current, fromZero)).toMatchObject({ value: 4, resets: 1 });
  });

  test('a series that may predate the previous scrape is not counted when asked', () => {
    expect(computeArmIncrease([], [s('a', 40)], { countNewSeriesFromZero: false })).toEqual({ kind: 'increase', value: 0, resets: 0, newSeries: 1, vanished: 0 });
  });

  test.each([
    [[s('a', Number.NaN)]],
    [[s('a', -1)]],
    [[s('a', Number.POSITIVE_INFINITY)]],
  ])('an impossible counter value is invalid, not an increase (%j)', (current) => {
    expect(computeArmIncrease([s('a', 1)], current, fromZero)).toMatchObject({ kind: 'invalid', series: 'a' });
  });
});
