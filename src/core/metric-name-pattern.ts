/**
 * Which metrics a dryRun or measurementRetention entry covers (pure): its metricName is the
 * metric's name, or an RE2 expression matching the whole name (`.*`, `error-.*`); see
 * compileMetricNamePattern. An invalid pattern covers nothing (the schema refuses it).
 */
import { compileMetricNamePattern, MAX_MEASUREMENT_RETENTION, MEASUREMENT_HISTORY_LIMIT } from '../api/analysis.js';

export function coversMetric(pattern: string, metricName: string): boolean {
  return pattern === metricName || compileMetricNamePattern(pattern)?.test(metricName) === true;
}

/** How many measurements a metric keeps: the first covering measurementRetention entry, else 10. */
export function retentionLimitOf(metricName: string, retention: readonly { metricName: string; limit: number }[]): number {
  const entry = retention.find((r) => coversMetric(r.metricName, metricName));
  return Math.min(entry?.limit ?? MEASUREMENT_HISTORY_LIMIT, MAX_MEASUREMENT_RETENTION);
}
