import { buildPolyline, buildScale, buildStepPoints } from '../../src/dashboard/chart-geometry.js';

const box = { width: 120, height: 120, padding: 10 };

test('a scale maps the data range onto the box, y upwards', () => {
  const scale = buildScale([{ x: 0, y: 0 }, { x: 100, y: 50 }], box, { minY: 0, maxY: 100 });
  expect(scale.toX(0)).toBe(10);
  expect(scale.toX(100)).toBe(110);
  expect(scale.toY(0)).toBe(110);
  expect(scale.toY(100)).toBe(10);
  expect(buildPolyline([{ x: 50, y: 50 }], scale)).toBe('60,60');
});

test('the y range widens to include a threshold', () => {
  const scale = buildScale([{ x: 0, y: 0.98 }, { x: 1, y: 0.99 }], box, { extraY: [0.95] });
  expect(scale.toY(0.95)).toBe(110);
  expect(scale.toY(0.99)).toBe(10);
});

test('a single point sits in the middle', () => {
  const scale = buildScale([{ x: 5, y: 5 }], box, {});
  expect(scale.toX(5)).toBe(60);
});

test('weights hold until the next change and extend to now', () => {
  expect(buildStepPoints([{ x: 0, y: 0 }, { x: 10, y: 30 }], 25)).toEqual([
    { x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 30 }, { x: 25, y: 30 },
  ]);
  expect(buildStepPoints([], 5)).toEqual([]);
});
