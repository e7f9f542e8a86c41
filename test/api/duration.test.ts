import { formatDurationMs, parseDuration } from '../../src/api/duration.js';

describe('parseDuration', () => {
  test.each([
    ['an integer is seconds', 30, 30_000],
    ['zero', 0, 0],
    ['an integer string is seconds', '30', 30_000],
    ['seconds with unit', '30s', 30_000],
    ['minutes', '1m', 60_000],
    ['hours and minutes', '1h30m', 5_400_000],
    ['milliseconds', '500ms', 500],
    ['fractional hours', '1.5h', 5_400_000],
    ['microseconds round to ms', '1500us', 2],
    ['surrounding spaces', ' 10s ', 10_000],
  ])('%s: %p -> %d ms', (_rule, input, ms) => {
    expect(parseDuration(input)).toEqual({ ok: true, ms });
  });

  test.each([
    ['unknown unit', '5x', '"5x" is not a duration'],
    ['negative number', -1, '-1 is not a duration'],
    ['fraction of a second as number', 1.5, '1.5 is not a duration'],
    ['empty string', '', 'an empty string is not a duration'],
    ['unit before number', 's30', '"s30" is not a duration'],
    ['object', { seconds: 3 }, 'got an object'],
    ['boolean', true, 'got boolean'],
  ])('%s: %p is rejected with a clear message', (_rule, input, fragment) => {
    const result = parseDuration(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain(fragment);
      expect(result.message).toMatch(/\.$/);
    }
  });

  test.each([30, '30'])('requireUnit rejects bare %p', (input) => {
    const result = parseDuration(input, { requireUnit: true });
    expect(result).toEqual({ ok: false, message: expect.stringContaining('has no unit') });
  });

  test('requireUnit accepts a unit', () => {
    expect(parseDuration('1m', { requireUnit: true })).toEqual({ ok: true, ms: 60_000 });
  });
});

describe('formatDurationMs', () => {
  test.each([
    [0, '0s'],
    [500, '500ms'],
    [30_000, '30s'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
  });
});
