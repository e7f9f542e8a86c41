/**
 * `GET /stats/window?cluster=<envoy_cluster_name>&seconds=10&minRequests=10` on the edge proxy's
 * admin port: the cluster's requests, success rate and p99 (ms) over the last `seconds`, as JSON,
 * for the web metric provider (the demo's analysis when Prometheus is not installed). Too few
 * requests is HTTP 503 with an `error` naming the counts, so the measurement's Error says why
 * (the Prometheus templates give "no data" in the same case). Pure: request in, response out.
 */
import type { WindowStats } from './window-stats.js';

export const WINDOW_STATS_PATH = '/stats/window';
export const MAX_WINDOW_SECONDS = 60;

export interface WindowRequest {
  cluster: string;
  seconds: number;
  minRequests: number;
}

export interface WindowReply {
  status: number;
  body: Record<string, unknown>;
}

function readInteger(params: URLSearchParams, options: { name: string; fallback: number; min: number; max: number }): number | string {
  const text = params.get(options.name);
  if (text === null || text === '') return options.fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < options.min || value > options.max) {
    return `${options.name} must be an integer from ${options.min} to ${options.max}, got "${text}"`;
  }
  return value;
}

/** Reads the query string; a string is the reason it was refused. */
export function parseWindowRequest(params: URLSearchParams): WindowRequest | string {
  const cluster = params.get('cluster') ?? '';
  if (cluster === '') return 'cluster is required (an envoy_cluster_name, e.g. demo_canary_80; see /routes)';
  const seconds = readInteger(params, { name: 'seconds', fallback: 10, min: 1, max: MAX_WINDOW_SECONDS });
  if (typeof seconds === 'string') return seconds;
  const minRequests = readInteger(params, { name: 'minRequests', fallback: 1, min: 1, max: 1_000_000 });
  if (typeof minRequests === 'string') return minRequests;
  return { cluster, seconds, minRequests };
}

export function windowReply(stats: WindowStats, params: URLSearchParams, nowMs: number): WindowReply {
  const request = parseWindowRequest(params);
  if (typeof request === 'string') return { status: 400, body: { error: request } };
  const { cluster, seconds, minRequests } = request;
  const summary = stats.summarize({ clusterName: cluster, seconds, nowMs });
  if (summary.requests < minRequests) {
    return {
      status: 503,
      body: { error: `only ${summary.requests} requests to ${cluster} in the last ${seconds}s (need ${minRequests})`, cluster, windowSeconds: seconds, requests: summary.requests },
    };
  }
  return {
    status: 200,
    body: { cluster, windowSeconds: seconds, requests: summary.requests, successRate: summary.successRate, p99Ms: summary.p99Ms },
  };
}
