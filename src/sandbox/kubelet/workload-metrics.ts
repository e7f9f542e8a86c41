/** Upper bounds (seconds) of the request-duration histogram, as prom-client's defaults. */
export const durationBucketsSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/**
 * Hand-written Prometheus counters for one simulated container (shared by its ports), so pods never
 * share a registry and a restart starts from zero as a real process would.
 */
export interface WorkloadMetrics {
  observe(statusCode: number, durationSeconds: number): void;
  /** The Prometheus text exposition (version 0.0.4). */
  render(): string;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)));
}

export function createWorkloadMetrics(): WorkloadMetrics {
  const byCode = new Map<number, number>();
  const bucketCounts = durationBucketsSeconds.map(() => 0);
  let count = 0;
  let sum = 0;
  return {
    observe(statusCode, durationSeconds) {
      byCode.set(statusCode, (byCode.get(statusCode) ?? 0) + 1);
      durationBucketsSeconds.forEach((le, i) => {
        if (durationSeconds <= le) bucketCounts[i] = (bucketCounts[i] ?? 0) + 1;
      });
      count += 1;
      sum += durationSeconds;
    },
    render() {
      const lines = [
        '# HELP sim_http_requests_total HTTP requests answered by the simulated workload.',
        '# TYPE sim_http_requests_total counter',
        ...[...byCode.entries()]
          .sort(([a], [b]) => a - b)
          .map(([code, n]) => `sim_http_requests_total{code="${code}"} ${n}`),
        '# HELP sim_http_request_duration_seconds Time to answer an HTTP request.',
        '# TYPE sim_http_request_duration_seconds histogram',
        ...durationBucketsSeconds.map(
          (le, i) => `sim_http_request_duration_seconds_bucket{le="${le}"} ${bucketCounts[i] ?? 0}`,
        ),
        `sim_http_request_duration_seconds_bucket{le="+Inf"} ${count}`,
        `sim_http_request_duration_seconds_sum ${formatNumber(sum)}`,
        `sim_http_request_duration_seconds_count ${count}`,
      ];
      return `${lines.join('\n')}\n`;
    },
  };
}
