/** The prometheus.yml of a sandbox Prometheus: one job scraping static loopback targets. */

export interface PrometheusConfigOptions {
  /** host:port scrape targets, e.g. ['127.0.0.1:40001']. */
  targets: string[];
  intervalSeconds: number;
  jobName: string;
}

export function renderPrometheusConfig(options: PrometheusConfigOptions): string {
  const list = options.targets.map((t) => `'${t}'`).join(', ');
  const interval = `${options.intervalSeconds}s`;
  return [
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${interval}`,
    `  evaluation_interval: ${interval}`,
    'scrape_configs:',
    `  - job_name: ${options.jobName}`,
    '    static_configs:',
    `      - targets: [${list}]`,
    '',
  ].join('\n');
}
