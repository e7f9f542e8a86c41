/// <reference lib="dom" />
/** Small SVG charts: canary weight over time, and a metric's measurements against its threshold. */
import { buildPolyline, buildScale, buildStepPoints, type ChartBox } from '../chart-geometry.js';
import type { MetricSeries } from '../view-model.js';
import type { WeightPoint } from '../weight-history.js';
import { formatNumber } from '../../core/measured-value.js';
import { h, svg } from './dom.js';

const BOX: ChartBox = { width: 480, height: 140, padding: 24 };

export function renderWeightChart(points: readonly WeightPoint[], nowMs: number): Element {
  if (points.length === 0) return h('p', { class: 'empty' }, 'No weight recorded yet.');
  const data = buildStepPoints(points.map((p) => ({ x: p.timeMs, y: p.weightPercent })), nowMs);
  const scale = buildScale(data, BOX, { minY: 0, maxY: 100 });
  const grid = [0, 50, 100].map((y) => svg('line', { x1: BOX.padding, x2: BOX.width - BOX.padding, y1: scale.toY(y), y2: scale.toY(y), class: 'grid' }));
  const labels = [0, 50, 100].map((y) => svg('text', { x: 0, y: scale.toY(y) + 4, class: 'axis' }, `${y}`));
  return svg('svg', { viewBox: `0 0 ${BOX.width} ${BOX.height}`, class: 'chart', 'data-testid': 'weight-chart', role: 'img' },
    svg('title', {}, 'canary weight over time (%)'),
    ...grid, ...labels,
    svg('polyline', { points: buildPolyline(data, scale), class: 'weight-line' }),
  );
}

export function renderMetricChart(series: MetricSeries): Element {
  const numeric = series.points.filter((p): p is { timeMs: number; value: number; phase: string } => p.value !== null);
  const caption = h('figcaption', {}, `${series.run} · ${series.metric}${series.condition ? ` · ${series.condition}` : ''}`);
  if (numeric.length === 0) return h('figure', { class: 'metric' }, caption, h('p', { class: 'empty' }, 'No numeric measurements yet.'));
  const data = numeric.map((p) => ({ x: p.timeMs, y: p.value }));
  const scale = buildScale(data, BOX, { extraY: series.threshold === undefined ? [] : [series.threshold] });
  const threshold = series.threshold === undefined ? null
    : svg('g', {},
      svg('line', { x1: BOX.padding, x2: BOX.width - BOX.padding, y1: scale.toY(series.threshold), y2: scale.toY(series.threshold), class: 'threshold' }),
      svg('text', { x: BOX.width - BOX.padding, y: scale.toY(series.threshold) - 3, class: 'axis', 'text-anchor': 'end' }, `${series.threshold}`));
  const values = numeric.map((p) => p.value);
  const extremes = [Math.min(...values), Math.max(...values)].map((v) => svg('text', { x: 0, y: scale.toY(v) + 4, class: 'axis' }, formatNumber(v)));
  const dots = numeric.map((p) => svg('circle', { cx: scale.toX(p.timeMs), cy: scale.toY(p.value), r: 4, class: `measurement m-${p.phase}` },
    svg('title', {}, `${formatNumber(p.value)} (${p.phase})`)));
  const chart = svg('svg', { viewBox: `0 0 ${BOX.width} ${BOX.height}`, class: 'chart', role: 'img' },
    threshold, ...extremes, svg('polyline', { points: buildPolyline(data, scale), class: 'metric-line' }), ...dots);
  return h('figure', { class: 'metric', 'data-testid': 'metric-chart' }, caption, chart);
}
