/**
 * Pure geometry for the dashboard's small SVG charts: points in data space to an SVG polyline in
 * a width × height box (y grows downwards), with the value range widened to include a threshold.
 */
export interface ChartBox {
  width: number;
  height: number;
  padding: number;
}

export interface DataPoint {
  x: number;
  y: number;
}

export interface Scale {
  toX(x: number): number;
  toY(y: number): number;
}

export function buildScale(points: readonly DataPoint[], box: ChartBox, range: { minY?: number; maxY?: number; extraY?: number[] }): Scale {
  const xs = points.map((p) => p.x);
  const ys = [...points.map((p) => p.y), ...(range.extraY ?? [])];
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const minY = range.minY ?? Math.min(...ys);
  const maxY = range.maxY ?? Math.max(...ys);
  const spanX = maxX - minX || 1;
  const spanY = maxY - minY || 1;
  const inner = { w: box.width - 2 * box.padding, h: box.height - 2 * box.padding };
  return {
    toX: (x) => box.padding + (points.length < 2 ? inner.w / 2 : ((x - minX) / spanX) * inner.w),
    toY: (y) => box.padding + inner.h - ((y - minY) / spanY) * inner.h,
  };
}

function round(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** `x,y x,y ...` for an SVG polyline. */
export function buildPolyline(points: readonly DataPoint[], scale: Scale): string {
  return points.map((p) => `${round(scale.toX(p.x))},${round(scale.toY(p.y))}`).join(' ');
}

/**
 * A step line for weights: the weight holds until the next change, and the last value extends to
 * `untilX` (now), so a weight set a minute ago shows as a flat line to the right edge.
 */
export function buildStepPoints(points: readonly DataPoint[], untilX: number): DataPoint[] {
  const stepped: DataPoint[] = [];
  points.forEach((p, i) => {
    const previous = points[i - 1];
    if (previous) stepped.push({ x: p.x, y: previous.y });
    stepped.push(p);
  });
  const last = points[points.length - 1];
  if (last && untilX > last.x) stepped.push({ x: untilX, y: last.y });
  return stepped;
}
