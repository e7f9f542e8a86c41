/**
 * Measured traffic for the Emissary Mapping cluster tests: the sandbox edge proxy (which groups and
 * splits Mappings by Emissary's rules) watching one test namespace, requests shaped to match a base
 * Mapping (method, prefix, Host, headers, query parameters), answers counted by the demo app's
 * `version`, and the proxy's Envoy-style counters read by cluster name (stats_name).
 */
import * as http from 'node:http';
import type * as k8s from '@kubernetes/client-node';
import { startEdgeProxy, type EdgeProxy } from '../../src/sandbox/edge-proxy/edge-proxy.js';
import { createKubeRoutingSource } from '../../src/sandbox/edge-proxy/kube-routing-source.js';
import type { RoutingSource } from '../../src/sandbox/edge-proxy/routing-source.js';
import type { RouteGroup } from '../../src/sandbox/edge-proxy/routing-table.js';
import { createLogger } from '../../src/telemetry/logger.js';
import type { Obj } from './rollout-fixtures.js';

/**
 * Draws for the proxy's weighted pick: the golden-ratio (Weyl) sequence frac(i * 0.618...). Every
 * run of n consecutive draws is spread evenly over [0, 1): for n = 400 and the intervals the
 * proxy uses at weights 30 and 60, the count in the canary's interval is never more than 2 away
 * from n * weight (checked over 20,000 starting points), i.e. 0.5 percentage points. So a share
 * that misses the weight by more than 2 points is a routing fault, not chance. (With Math.random
 * the same 400 requests would have a standard deviation of 2.3 points at 30 % and 2.4 at 60 %.)
 */
export function evenDraws(): () => number {
  const step = (Math.sqrt(5) - 1) / 2;
  let x = 0;
  return () => {
    x = (x + step) % 1;
    return x;
  };
}

/**
 * The cluster's Mappings limited to one namespace. Every cell of the test matrix uses prefix
 * /demo/ and the previous cell's namespace may still be terminating: an Emissary would see both
 * (and a leftover base with a higher precedence would take the traffic), so the proxy here sees
 * only the namespace under test. Hosts, Services and EndpointSlices are not filtered.
 */
function namespaceOnly(inner: RoutingSource, namespace: string): RoutingSource {
  return {
    start: (onChange) => inner.start(onChange),
    stop: () => inner.stop(),
    listMappings: () => inner.listMappings().filter((m) => (m as Obj | null)?.metadata?.namespace === namespace),
    listHosts: () => inner.listHosts(),
    resolveEndpoints: (service) => inner.resolveEndpoints(service),
  };
}

export interface NamespaceEdge {
  proxy: EdgeProxy;
  /** The proxy's error lines (a rejected group, an invalid Mapping); its warnings, e.g. v2 not served on Emissary 4, are not problems. */
  problems: string[];
}

export async function startNamespaceEdge(kubeConfig: k8s.KubeConfig, namespace: string): Promise<NamespaceEdge> {
  const problems: string[] = [];
  const logger = createLogger({ level: 'error', sink: (line) => problems.push(line) });
  const source = namespaceOnly(createKubeRoutingSource({ kubeConfig, logger }), namespace);
  const proxy = await startEdgeProxy({ source, random: evenDraws(), logger });
  return { proxy, problems };
}

/** What a request needs to match a Mapping. */
export interface EdgeRequest {
  method: string;
  /** Path and query string. */
  path: string;
  headers: Record<string, string>;
}

/**
 * A request the Mapping `spec` (either version's field names) matches: its method, a path under its
 * prefix, its host or hostname as Host (a `*` glob filled in), its headers and query parameters
 * (a bare `true` meaning "present" gets a value).
 */
export function requestMatching(spec: Obj): EdgeRequest {
  const authority = typeof spec.hostname === 'string' && spec.hostname !== '' ? spec.hostname : spec.host;
  const host = typeof authority === 'string' && authority !== '' ? authority.replace('*', 'edge') : 'edge.kanary.test';
  const headers: Record<string, string> = { host };
  for (const [name, value] of Object.entries((spec.headers ?? {}) as Record<string, string | true>)) headers[name] = value === true ? 'yes' : value;
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries((spec.query_parameters ?? {}) as Record<string, string | true>)) query.set(name, value === true ? 'yes' : value);
  const search = query.toString();
  return { method: typeof spec.method === 'string' ? spec.method : 'GET', path: `${String(spec.prefix)}probe${search ? `?${search}` : ''}`, headers };
}

export interface Answer {
  status: number;
  version?: string;
}

export function send(proxy: EdgeProxy, request: EdgeRequest): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: proxy.host, port: proxy.port, method: request.method, path: request.path, headers: request.headers, agent: false, timeout: 10_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => { body += chunk; });
        res.on('end', () => {
          try {
            const version = (JSON.parse(body) as { version?: unknown }).version;
            resolve({ status: res.statusCode ?? 0, ...(typeof version === 'string' ? { version } : {}) });
          } catch {
            resolve({ status: res.statusCode ?? 0 });
          }
        });
        res.on('error', () => resolve({ status: 0 }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0 }));
    req.end();
  });
}

export interface Sample {
  requests: number;
  byStatus: Record<string, number>;
  byVersion: Record<string, number>;
}

/** `requests` requests one after the other (so the proxy's draws are consecutive). */
export async function sample(proxy: EdgeProxy, request: EdgeRequest, requests: number): Promise<Sample> {
  const result: Sample = { requests, byStatus: {}, byVersion: {} };
  for (let i = 0; i < requests; i += 1) {
    const answer = await send(proxy, request);
    result.byStatus[answer.status] = (result.byStatus[answer.status] ?? 0) + 1;
    const version = answer.version ?? 'none';
    result.byVersion[version] = (result.byVersion[version] ?? 0) + 1;
  }
  return result;
}

/** Percent of the sample answered by `version`. */
export function sharePercent(s: Sample, version: string): number {
  return ((s.byVersion[version] ?? 0) / s.requests) * 100;
}

/** The proxy's group holding `namespace/name`, if any. */
export function groupOf(proxy: EdgeProxy, key: string): RouteGroup | undefined {
  return proxy.routingTable().groups.find((g) => g.entries.some((e) => e.mapping.key === key));
}

/** envoy_cluster_upstream_rq_total of one envoy_cluster_name on the proxy's /metrics (0 when absent). */
export async function upstreamRequests(proxy: EdgeProxy, clusterName: string): Promise<number> {
  const text = await (await fetch(proxy.metricsUrl)).text();
  const escaped = clusterName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^envoy_cluster_upstream_rq_total\\{envoy_cluster_name="${escaped}"\\} (\\d+)$`, 'm').exec(text);
  return Number(match?.[1] ?? 0);
}

/** Emissary's name for a service's statistics without stats_name (`demo-canary:80` in `ns` → `demo_canary_ns_80`). */
export function serviceClusterName(service: string, namespace: string): string {
  const [name, port] = service.split(':');
  return `${name ?? ''}_${namespace}_${port ?? ''}`.replace(/[^0-9A-Za-z_]/g, '_');
}
