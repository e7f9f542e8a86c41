import { computeBackoffMs } from '../../src/runtime/backoff.js';

describe('computeBackoffMs', () => {
  test.each([
    [0, 100],
    [1, 200],
    [2, 400],
    [9, 51_200],
    [10, 60_000],
    [2_000, 60_000],
  ])('attempt %i -> %i ms (base 100, cap 60 s)', (attempt, expected) => {
    expect(computeBackoffMs({ baseMs: 100, maxMs: 60_000 }, attempt)).toBe(expected);
  });
});
