/**
 * Which metrics a dryRun or measurementRetention entry covers (pure): its metricName is the
 * metric's name, or an RE2 regular expression that must match the whole name (`.*`, `error-.*`).
 * RE2 runs in linear time, so a tenant's pattern cannot stall the controller; an invalid pattern
 * covers nothing (the schema refuses it: src/api/analysis.ts).
 */
import { RE2JS } from 're2js';
import { MAX_MEASUREMENT_RETENTION, MEASUREMENT_HISTORY_LIMIT, METRIC_NAME_PATTERN_MAX } from '../api/analysis.js';

export function coversMetric(pattern: string, metricName: string): boolean {
  if (pattern === metricName) return true;
  if (pattern.length > METRIC_NAME_PATTERN_MAX) return false;
  try {
    return RE2JS.compile(`^(?:${pattern})$`).test(metricName);
  } catch {
    return false;
  }
}

/** How many measurements a metric keeps: the first covering measurementRetention entry, else 10. */
export function retentionLimitOf(metricName: string, retention: readonly { metricName: string; limit: number }[]): number {
  const entry = retention.find((r) => coversMetric(r.metricName, metricName));
  return Math.min(entry?.limit ?? MEASUREMENT_HISTORY_LIMIT, MAX_MEASUREMENT_RETENTION);
}
