import { slopePerHour, trendOf, windowMean, type Sample } from '../../bench/lib/series.js';

const HOUR = 3_600_000;
const line = (slope: number, count: number, stepMs: number, offset = 100): Sample[] =>
  Array.from({ length: count }, (_, i) => ({ atMs: i * stepMs, value: offset + (slope * i * stepMs) / HOUR }));

test('slopePerHour is the least-squares slope per hour', () => {
  expect(slopePerHour(line(12, 61, 60_000))).toBeCloseTo(12, 6);
  expect(slopePerHour(line(0, 10, 5_000))).toBeCloseTo(0, 9);
  expect(slopePerHour([{ atMs: 0, value: 1 }, { atMs: 0, value: 3 }])).toBeNaN();
  expect(slopePerHour([{ atMs: 0, value: 1 }])).toBeNaN();
  // A saw-tooth (9 MB, every 5 min) around a flat level over an hour has no slope to speak of.
  const saw = Array.from({ length: 120 }, (_, i) => ({ atMs: i * 30_000, value: 100 + (i % 10) }));
  expect(Math.abs(slopePerHour(saw))).toBeLessThan(2);
});

test('windowMean averages the samples inside [from, to)', () => {
  const samples = [{ atMs: 0, value: 1 }, { atMs: 10, value: 3 }, { atMs: 20, value: 8 }];
  expect(windowMean(samples, 0, 20)).toBe(2);
  expect(windowMean(samples, 20, 21)).toBe(8);
  expect(windowMean(samples, 30, 40)).toBeNaN();
});

test('trendOf: first, last, max, tenth means and the second-half slope of a warm-up that levels off', () => {
  // Rises 10 MB in the first half hour, flat afterwards.
  const samples = Array.from({ length: 61 }, (_, i) => ({ atMs: i * 60_000, value: 100 + Math.min(i, 30) / 3 }));
  const trend = trendOf(samples);
  expect(trend).toMatchObject({ first: 100, last: 110, max: 110, durationMs: HOUR, samples: 61 });
  expect(trend.secondHalfSlopePerHour).toBe(0);
  expect(trend.slopePerHour).toBeGreaterThan(0);
  expect(trend.firstTenthMean).toBeCloseTo(101, 0);
  expect(trend.lastTenthMean).toBe(110);
  expect(() => trendOf([])).toThrow('no samples');
});
