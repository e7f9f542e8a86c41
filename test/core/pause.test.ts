import { computePauseDurationMs, computePauseRemainingMs } from '../../src/core/pause.js';

const NOW = Date.parse('2025-01-01T00:01:00Z');

describe('computePauseDurationMs', () => {
  test.each([
    { name: 'no duration is indefinite', pause: {}, expected: undefined },
    { name: 'an integer is seconds', pause: { duration: 30 }, expected: 30_000 },
    { name: 'an integer string is seconds', pause: { duration: '45' }, expected: 45_000 },
    { name: 'a Go duration', pause: { duration: '1m30s' }, expected: 90_000 },
    { name: 'an invalid duration waits for promote', pause: { duration: '5x' }, expected: undefined },
  ])('$name', ({ pause, expected }) => {
    expect(computePauseDurationMs(pause)).toBe(expected);
  });
});

describe('computePauseRemainingMs', () => {
  test.each([
    { name: 'time left', start: '2025-01-01T00:00:40Z', duration: 30_000, expected: 10_000 },
    { name: 'over', start: '2025-01-01T00:00:00Z', duration: 30_000, expected: -30_000 },
    { name: 'an unparsable start time ends the pause', start: 'garbage', duration: 30_000, expected: 0 },
  ])('$name', ({ start, duration, expected }) => {
    expect(computePauseRemainingMs(start, duration, NOW)).toBe(expected);
  });
});
