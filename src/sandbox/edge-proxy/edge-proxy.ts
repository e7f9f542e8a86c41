/**
 * The sandbox's edge proxy: routes HTTP requests by Ambassador/Emissary Mappings (grouping,
 * weights, rewrite) to the ready endpoints of their Services, and exports Envoy-style metrics
 * (/metrics), the same observations over a sliding window as JSON (/stats/window) and each
 * cluster's cumulative requests and 5xx as JSON (/stats/counters).
 */
import type * as k8s from '@kubernetes/client-node';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type Logger } from '../../telemetry/logger.js';
import { readEdgeMapping, type EdgeMapping } from './edge-mapping.js';
import type { Endpoint } from './endpoint-resolve.js';
import { COUNTERS_PATH, buildClusterCounters, type RegistryMetricJson } from './counters-endpoint.js';
import { createEnvoyMetrics, type EnvoyMetrics } from './envoy-metrics.js';
import { forwardRequest, mirrorRequest } from './forward-request.js';
import { readHostSelector } from './host-selector.js';
import { createKubeRoutingSource } from './kube-routing-source.js';
import type { RoutingSource } from './routing-source.js';
import {
  buildRoutingTable,
  emptyRoutingTable,
  selectRoute,
  type RouteEntry,
  type RoutingProblem,
  type RoutingTable,
  type SelectedRoute,
} from './routing-table.js';
import { serviceTargetKey, type ServiceTarget } from './service-ref.js';
import { WINDOW_STATS_PATH, windowReply } from './window-endpoint.js';
import { createWindowStats, type WindowStats } from './window-stats.js';

export interface EdgeProxyOptions {
  /** Watch this cluster (ignored when `source` is given). */
  kubeConfig?: k8s.KubeConfig;
  /** Where Mappings and endpoints come from; default: the cluster of `kubeConfig`. */
  source?: RoutingSource;
  /** Listen address of the proxy and of its metrics server (default 127.0.0.1). */
  host?: string;
  /** Proxy port; 0 (default) picks a free one. */
  port?: number;
  /** Port of /metrics, /ready, /routes, /stats/window and /stats/counters; 0 (default) picks a free one. */
  metricsPort?: number;
  /** Uniform in [0, 1): picks the Mapping of a group (inject a seeded one in tests). */
  random?: () => number;
  logger?: Logger;
  /** Namespace Emissary would run in: unqualified services elsewhere get `.namespace` (default `emissary`). */
  ambassadorNamespace?: string;
  /** Only Mappings for this ambassador_id are used (default `default`). */
  ambassadorId?: string;
  /** Milliseconds on a monotonic clock, for /stats/window (default performance.now). */
  now?: () => number;
}

export interface EdgeProxy {
  host: string;
  port: number;
  metricsPort: number;
  url: string;
  metricsUrl: string;
  /** Base URL of the admin port (/metrics, /ready, /routes, /stats/window, /stats/counters). */
  adminUrl: string;
  metrics: EnvoyMetrics;
  /** The routing currently applied. */
  routingTable(): RoutingTable;
  stop(): Promise<void>;
}

interface ProxyState {
  options: Required<Pick<EdgeProxyOptions, 'ambassadorNamespace' | 'ambassadorId'>>;
  source: RoutingSource;
  random: () => number;
  logger: Logger;
  metrics: EnvoyMetrics;
  window: WindowStats;
  now: () => number;
  table: RoutingTable;
  roundRobin: Map<string, number>;
  reported: Map<string, string>;
  synced: boolean;
}

function reportOnce(state: ProxyState, key: string, message: string, log: () => void): void {
  if (state.reported.get(key) === message) return;
  state.reported.set(key, message);
  log();
}

function readMappings(state: ProxyState, seen: Set<string>): EdgeMapping[] {
  const mappings: EdgeMapping[] = [];
  for (const raw of state.source.listMappings()) {
    const result = readEdgeMapping(raw);
    if (result.ok) {
      mappings.push(result.mapping);
      continue;
    }
    seen.add(`mapping:${result.key}`);
    reportOnce(state, `mapping:${result.key}`, result.error, () =>
      state.logger.error('invalid Mapping ignored', { mapping: result.key, error: result.error }));
  }
  return mappings;
}

function reportProblem(state: ProxyState, problem: RoutingProblem): void {
  reportOnce(state, `group:${problem.key}`, problem.message, () =>
    state.logger.error('Mapping group rejected', {
      mappings: problem.mappings,
      error: problem.message,
      routing: problem.keptPrevious ? 'kept last good routing' : 'no route for this group',
    }));
}

/** Rebuilds the routing table from the source's Mappings; logs each new problem once. */
function rebuildTable(state: ProxyState): void {
  const seen = new Set<string>();
  const mappings = readMappings(state, seen);
  const hosts = state.source.listHosts().flatMap((raw) => readHostSelector(raw) ?? []);
  const { table, problems } = buildRoutingTable({ mappings, hosts, previous: state.table, ...state.options });
  for (const problem of problems) {
    seen.add(`group:${problem.key}`);
    reportProblem(state, problem);
  }
  for (const key of [...state.reported.keys()]) if (!seen.has(key)) state.reported.delete(key);
  state.table = table;
}

function endpointsFor(state: ProxyState, target: ServiceTarget | undefined): Endpoint[] {
  if (!target) return [];
  if (target.kind === 'address') return [{ host: target.host, port: target.port }];
  return state.source.resolveEndpoints(target);
}

function pickEndpoint(state: ProxyState, target: ServiceTarget | undefined): Endpoint | undefined {
  const endpoints = endpointsFor(state, target);
  if (!target || endpoints.length === 0) return undefined;
  const key = serviceTargetKey(target);
  const next = state.roundRobin.get(key) ?? 0;
  state.roundRobin.set(key, next + 1);
  return endpoints[next % endpoints.length];
}

function routeRequest(state: ProxyState, req: http.IncomingMessage): SelectedRoute | undefined {
  const info = { method: req.method ?? 'GET', url: req.url ?? '/', host: req.headers.host ?? '', headers: req.headers };
  return selectRoute(state.table, info, state.random() * 100, () => state.random() * 100);
}

/** Copies the request to the group's shadow (answer discarded), counted on the shadow's cluster as Envoy counts mirrored requests. */
function startMirror(state: ProxyState, req: http.IncomingMessage, shadow: NonNullable<SelectedRoute['shadow']>): void {
  const endpoint = pickEndpoint(state, shadow.entry.target);
  if (!endpoint) return;
  const startedAt = performance.now();
  void mirrorRequest({ req, endpoint, upstreamUrl: shadow.upstreamUrl, timeoutMs: shadow.entry.mapping.timeoutMs }).then((statusCode) => {
    state.metrics.recordUpstream({ clusterName: shadow.entry.clusterName, statusCode: statusCode === 0 ? 503 : statusCode, durationMs: performance.now() - startedAt });
  });
}

function localReply(res: http.ServerResponse, statusCode: number, text: string): void {
  res.writeHead(statusCode, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function handleRequest(state: ProxyState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const route = routeRequest(state, req);
  if (!route) {
    req.resume();
    localReply(res, 404, '');
    return;
  }
  const startedAt = performance.now();
  if (route.shadow) startMirror(state, req, route.shadow);
  const endpoint = pickEndpoint(state, route.entry.target);
  let statusCode = 503;
  if (endpoint) {
    statusCode = await forwardRequest({ req, res, endpoint, upstreamUrl: route.upstreamUrl, timeoutMs: route.entry.mapping.timeoutMs });
  } else {
    req.resume();
    localReply(res, 503, 'no healthy upstream');
  }
  const durationMs = performance.now() - startedAt;
  const observation = { clusterName: route.entry.clusterName, statusCode, durationMs };
  state.metrics.recordUpstream(observation);
  state.window.record({ ...observation, atMs: state.now() });
}

function describeEntry(e: RouteEntry): Record<string, unknown> {
  return { mapping: e.mapping.key, prefix: e.mapping.prefix, service: e.mapping.service, percent: e.percent, envoy_cluster_name: e.clusterName };
}

/** Each group's weighted entries, then its shadow (marked `shadow: true`, `percent` = the mirrored share). */
function describeTable(table: RoutingTable): unknown {
  return table.groups.map((group) => [
    ...group.entries.map(describeEntry),
    ...(group.shadow ? [{ ...describeEntry(group.shadow), shadow: true }] : []),
  ]);
}

function replyJson(res: http.ServerResponse, statusCode: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function handleAdmin(state: ProxyState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://admin');
  const path = url.pathname;
  if (path === WINDOW_STATS_PATH) {
    const reply = windowReply(state.window, url.searchParams, state.now());
    replyJson(res, reply.status, reply.body);
  } else if (path === COUNTERS_PATH) {
    replyJson(res, 200, buildClusterCounters(await state.metrics.registry.getMetricsAsJSON() as RegistryMetricJson[]));
  } else if (path === '/metrics') {
    const text = await state.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': state.metrics.registry.contentType });
    res.end(text);
  } else if (path === '/ready') {
    localReply(res, state.synced ? 200 : 503, state.synced ? 'ready\n' : 'not ready\n');
  } else if (path === '/routes') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`${JSON.stringify(describeTable(state.table), null, 2)}\n`);
  } else {
    localReply(res, 404, 'not found\n');
  }
}

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function createState(options: EdgeProxyOptions): ProxyState {
  const logger = options.logger ?? createLogger({ fields: { component: 'edge-proxy' } });
  let source = options.source;
  if (!source) {
    if (!options.kubeConfig) throw new Error('startEdgeProxy needs a kubeConfig or a source');
    source = createKubeRoutingSource({ kubeConfig: options.kubeConfig, logger });
  }
  return {
    options: { ambassadorNamespace: options.ambassadorNamespace ?? 'emissary', ambassadorId: options.ambassadorId ?? 'default' },
    source,
    random: options.random ?? Math.random,
    logger,
    metrics: createEnvoyMetrics(),
    window: createWindowStats(),
    now: options.now ?? (() => performance.now()),
    table: emptyRoutingTable,
    roundRobin: new Map(),
    reported: new Map(),
    synced: false,
  };
}

function onError(state: ProxyState, res: http.ServerResponse, err: unknown): void {
  state.logger.error('request failed', { error: err });
  if (!res.headersSent) localReply(res, 500, 'internal error');
  else res.destroy();
}

/** Starts the proxy and its metrics server; resolves once the initial Mappings are routed. */
export async function startEdgeProxy(options: EdgeProxyOptions): Promise<EdgeProxy> {
  const state = createState(options);
  const host = options.host ?? '127.0.0.1';
  const proxyServer = http.createServer((req, res) => {
    handleRequest(state, req, res).catch((err: unknown) => onError(state, res, err));
  });
  const adminServer = http.createServer((req, res) => {
    handleAdmin(state, req, res).catch((err: unknown) => onError(state, res, err));
  });
  const stop = async (): Promise<void> => {
    await Promise.all([close(proxyServer), close(adminServer), state.source.stop()]);
  };
  try {
    await state.source.start((change) => {
      if (change === 'mappings' || change === 'hosts') rebuildTable(state);
    });
    rebuildTable(state);
    state.synced = true;
    const port = await listen(proxyServer, host, options.port ?? 0);
    const metricsPort = await listen(adminServer, host, options.metricsPort ?? 0);
    state.logger.info('edge proxy listening', { host, port, metricsPort });
    return {
      host,
      port,
      metricsPort,
      url: `http://${host}:${port}`,
      metricsUrl: `http://${host}:${metricsPort}/metrics`,
      adminUrl: `http://${host}:${metricsPort}`,
      metrics: state.metrics,
      routingTable: () => state.table,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
