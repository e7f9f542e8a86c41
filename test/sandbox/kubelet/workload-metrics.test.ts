import { createWorkloadMetrics } from '../../../src/sandbox/kubelet/workload-metrics.js';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('createWorkloadMetrics', () => {
  test('counts requests by code and fills cumulative histogram buckets', () => {
    const metrics = createWorkloadMetrics();
    metrics.observe(200, 0.003);
    metrics.observe(200, 0.02);
    metrics.observe(500, 0.7);
    const text = metrics.render();
    expect(sample(text, 'sim_http_requests_total{code="200"}')).toBe(2);
    expect(sample(text, 'sim_http_requests_total{code="500"}')).toBe(1);
    expect(sample(text, 'sim_http_request_duration_seconds_bucket{le="0.005"}')).toBe(1);
    expect(sample(text, 'sim_http_request_duration_seconds_bucket{le="0.025"}')).toBe(2);
    expect(sample(text, 'sim_http_request_duration_seconds_bucket{le="0.5"}')).toBe(2);
    expect(sample(text, 'sim_http_request_duration_seconds_bucket{le="1"}')).toBe(3);
    expect(sample(text, 'sim_http_request_duration_seconds_bucket{le="+Inf"}')).toBe(3);
    expect(sample(text, 'sim_http_request_duration_seconds_count')).toBe(3);
    expect(sample(text, 'sim_http_request_duration_seconds_sum')).toBeCloseTo(0.723, 6);
  });

  test('declares the metric types and ends with a newline', () => {
    const text = createWorkloadMetrics().render();
    expect(text).toContain('# TYPE sim_http_requests_total counter');
    expect(text).toContain('# TYPE sim_http_request_duration_seconds histogram');
    expect(text.endsWith('\n')).toBe(true);
    expect(sample(text, 'sim_http_request_duration_seconds_count')).toBe(0);
  });

  test('two workloads keep separate counts', () => {
    const a = createWorkloadMetrics();
    const b = createWorkloadMetrics();
    a.observe(200, 0.001);
    expect(sample(b.render(), 'sim_http_requests_total{code="200"}')).toBeUndefined();
  });
});
