/**
 * `GET /stats/counters` on the edge proxy's admin port: every upstream cluster's cumulative
 * counters since the proxy started, as JSON, for the judge's counts on the web provider:
 *
 *   {"clusters": {"demo_canary_80": {"requests": 1204, "errors": 31}, "demo_80": {...}}}
 *
 * `requests` counts every answered request (envoy_cluster_upstream_rq_total), `errors` the 5xx
 * among them (envoy_cluster_upstream_rq_xx{envoy_response_code_class="5"}), 0 until the first, so
 * "no error yet" reads as 0 and never as a missing count. A cluster appears with its first request.
 * Pure: the registry's JSON in, the body out.
 */
export const COUNTERS_PATH = '/stats/counters';

/** One metric of prom-client's `getMetricsAsJSON()`. */
export interface RegistryMetricJson {
  name: string;
  values: ReadonlyArray<{ value: number; labels: Readonly<Record<string, string | number>> }>;
}

export interface ClusterCounters {
  requests: number;
  errors: number;
}

const CLUSTER_LABEL = 'envoy_cluster_name';

function valuesOf(metrics: readonly RegistryMetricJson[], name: string): RegistryMetricJson['values'] {
  return metrics.find((m) => m.name === name)?.values ?? [];
}

export function buildClusterCounters(metrics: readonly RegistryMetricJson[]): { clusters: Record<string, ClusterCounters> } {
  const clusters: Record<string, ClusterCounters> = {};
  for (const v of valuesOf(metrics, 'envoy_cluster_upstream_rq_total')) {
    clusters[String(v.labels[CLUSTER_LABEL])] = { requests: v.value, errors: 0 };
  }
  for (const v of valuesOf(metrics, 'envoy_cluster_upstream_rq_xx')) {
    const entry = clusters[String(v.labels[CLUSTER_LABEL])];
    if (entry !== undefined && String(v.labels.envoy_response_code_class) === '5') entry.errors += v.value;
  }
  return { clusters };
}
