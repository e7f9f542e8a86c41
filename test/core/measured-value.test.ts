import { formatMeasuredValue, formatNumber, formatWithUnit, inferValueUnit } from '../../src/core/measured-value.js';

describe('formatNumber', () => {
  test.each([
    { value: 0.9166666666666666, expected: '0.917' },
    { value: 19.599999999999973, expected: '19.6' },
    { value: 0.95, expected: '0.95' },
    { value: 1, expected: '1' },
    { value: 0, expected: '0' },
    { value: 100, expected: '100' },
    { value: 1234.56, expected: '1235' },
    { value: 987654.3, expected: '987654' },
    { value: -0.12345, expected: '-0.123' },
    { value: 0.000123456, expected: '0.000123' },
    { value: 1.5e-7, expected: '1.5e-7' },
    { value: Number.NaN, expected: 'NaN' },
    { value: Number.POSITIVE_INFINITY, expected: '+Inf' },
    { value: Number.NEGATIVE_INFINITY, expected: '-Inf' },
  ])('$value reads $expected', ({ value, expected }) => {
    expect(formatNumber(value)).toBe(expected);
  });
});

describe('inferValueUnit', () => {
  test.each([
    { name: 'a latency histogram quantile in seconds', query: 'histogram_quantile(0.99, sum(rate(envoy_cluster_upstream_rq_time_seconds_bucket[1m])) by (le))', unit: 'seconds' },
    { name: 'a histogram in milliseconds', query: 'histogram_quantile(0.99, sum(rate(envoy_cluster_upstream_rq_time_ms_bucket[1m])) by (le))', unit: 'milliseconds' },
    { name: 'a ratio of two sums', query: 'sum(rate(requests_total{code!~"5.."}[1m])) / sum(rate(requests_total[1m]))', unit: 'ratio' },
    { name: 'a ratio written with parentheses', query: '(sum(rate(a_total[1m]))) / (sum(rate(b_total[1m])))', unit: 'ratio' },
    { name: 'a mean latency (sum over count) in seconds, not a ratio', query: 'sum(rate(rq_time_seconds_sum[1m])) / sum(rate(rq_time_seconds_count[1m]))', unit: 'seconds' },
    { name: 'a plain counter rate', query: 'sum(rate(requests_total[1m]))', unit: undefined },
    { name: 'a gauge in bytes', query: 'max(process_resident_memory_bytes)', unit: 'bytes' },
    { name: 'no query', query: undefined, unit: undefined },
  ])('$name', ({ query, unit }) => {
    expect(inferValueUnit(query)).toBe(unit);
  });
});

describe('formatWithUnit', () => {
  test.each([
    { value: 0.2449999, unit: 'seconds' as const, expected: '245 ms' },
    { value: 1.23456, unit: 'seconds' as const, expected: '1.23 s' },
    { value: 0, unit: 'seconds' as const, expected: '0 s' },
    { value: 19.599999999999973, unit: 'milliseconds' as const, expected: '19.6 ms' },
    { value: 2500, unit: 'milliseconds' as const, expected: '2.5 s' },
    { value: 0.9166666666666666, unit: 'ratio' as const, expected: '0.917 (91.7%)' },
    { value: 2.5, unit: 'ratio' as const, expected: '2.5' },
    { value: 3 * 1024 * 1024, unit: 'bytes' as const, expected: '3 MiB' },
    { value: 19.599999999999973, unit: undefined, expected: '19.6' },
  ])('$value $unit reads $expected', ({ value, unit, expected }) => {
    expect(formatWithUnit(value, unit)).toBe(expected);
  });
});

describe('formatMeasuredValue', () => {
  test.each([
    { name: 'a one-element vector', text: '[0.9166666666666666]', unit: undefined, expected: '0.917' },
    { name: 'a scalar', text: '19.599999999999973', unit: undefined, expected: '19.6' },
    { name: 'a vector of several', text: '[0.1234,5.6789]', unit: undefined, expected: '[0.123, 5.68]' },
    { name: 'a latency vector', text: '[0.0195]', unit: 'seconds' as const, expected: '19.5 ms' },
    { name: 'NaN as Prometheus writes it', text: '"NaN"', unit: undefined, expected: 'NaN' },
    { name: 'a web JSON object unchanged', text: '{"ok":true}', unit: undefined, expected: '{"ok":true}' },
    { name: 'text that is not JSON unchanged', text: 'not json', unit: undefined, expected: 'not json' },
    { name: 'an empty vector unchanged', text: '[]', unit: undefined, expected: '[]' },
  ])('$name', ({ text, unit, expected }) => {
    expect(formatMeasuredValue(text, unit)).toBe(expected);
  });
});
