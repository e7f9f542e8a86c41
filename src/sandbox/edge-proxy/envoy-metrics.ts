/**
 * Envoy-style upstream statistics, named and labelled as Emissary >= 2 exports them on /metrics,
 * so the same PromQL works here and against a real Emissary:
 *   envoy_cluster_upstream_rq_total{envoy_cluster_name}
 *   envoy_cluster_upstream_rq_xx{envoy_cluster_name, envoy_response_code_class="2".."5"}
 *   envoy_cluster_upstream_rq{envoy_cluster_name, envoy_response_code}
 *   envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name, le} (+ _sum, _count; milliseconds)
 * Each proxy owns its registry (no global default registry).
 */
import { Counter, Histogram, Registry } from 'prom-client';

/** Envoy's default histogram buckets (milliseconds). */
export const ENVOY_TIME_BUCKETS_MS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
];

export interface UpstreamObservation {
  clusterName: string;
  statusCode: number;
  durationMs: number;
}

export interface EnvoyMetrics {
  registry: Registry;
  recordUpstream(observation: UpstreamObservation): void;
}

export function createEnvoyMetrics(): EnvoyMetrics {
  const registry = new Registry();
  const total = new Counter({
    name: 'envoy_cluster_upstream_rq_total',
    help: 'Total upstream requests of the cluster',
    labelNames: ['envoy_cluster_name'],
    registers: [registry],
  });
  const byClass = new Counter({
    name: 'envoy_cluster_upstream_rq_xx',
    help: 'Upstream requests by response code class',
    labelNames: ['envoy_cluster_name', 'envoy_response_code_class'],
    registers: [registry],
  });
  const byCode = new Counter({
    name: 'envoy_cluster_upstream_rq',
    help: 'Upstream requests by response code',
    labelNames: ['envoy_cluster_name', 'envoy_response_code'],
    registers: [registry],
  });
  const time = new Histogram({
    name: 'envoy_cluster_upstream_rq_time',
    help: 'Upstream request time in milliseconds',
    labelNames: ['envoy_cluster_name'],
    buckets: ENVOY_TIME_BUCKETS_MS,
    registers: [registry],
  });
  return {
    registry,
    recordUpstream({ clusterName, statusCode, durationMs }) {
      const labels = { envoy_cluster_name: clusterName };
      total.inc(labels);
      byClass.inc({ ...labels, envoy_response_code_class: String(Math.floor(statusCode / 100)) });
      byCode.inc({ ...labels, envoy_response_code: String(statusCode) });
      time.observe(labels, durationMs);
    },
  };
}
