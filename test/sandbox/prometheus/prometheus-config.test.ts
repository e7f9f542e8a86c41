import { renderPrometheusConfig } from '../../../src/sandbox/prometheus/prometheus-config.js';

describe('renderPrometheusConfig', () => {
  test.each([
    [{ targets: ['127.0.0.1:1'], intervalSeconds: 1, jobName: 'demo' }, "  - job_name: demo\n    static_configs:\n      - targets: ['127.0.0.1:1']"],
    [{ targets: ['a:1', 'b:2'], intervalSeconds: 5, jobName: 'test' }, "      - targets: ['a:1', 'b:2']"],
  ])('%j', (options, expected) => {
    const text = renderPrometheusConfig(options);
    expect(text).toContain(expected);
    expect(text).toContain(`scrape_interval: ${options.intervalSeconds}s`);
  });
});
