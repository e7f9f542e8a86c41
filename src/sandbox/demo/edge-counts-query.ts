/**
 * The judge's counts when the demo runs without Prometheus. The judge reads its four counts only
 * through Prometheus's instant-query API (`provider.prometheus`, `sample`), so with `--metrics
 * edge-proxy` the demo answers `GET /api/v1/query?query=SELECTOR` itself, from the edge proxy's
 * own Envoy-style counters, for exactly two derived counters per upstream cluster:
 *
 *   edge_proxy_upstream_requests_total{envoy_cluster_name}   every answered request
 *   edge_proxy_upstream_errors_total{envoy_cluster_name}     the 5xx among them (0 until the first)
 *
 * It understands a plain selector with `=` matchers and nothing else of PromQL: anything else is
 * HTTP 400 with Prometheus's error body, so a template that expects real PromQL fails loudly.
 * The error counter exists as soon as the cluster has requests (as `or (x * 0)` gives with a real
 * Prometheus), so "no error yet" reads as 0, never as a missing count.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export const REQUESTS_COUNTER = 'edge_proxy_upstream_requests_total';
export const ERRORS_COUNTER = 'edge_proxy_upstream_errors_total';
export const INSTANT_QUERY_PATH = '/api/v1/query';

const CLUSTER_LABEL = 'envoy_cluster_name';

/** One metric of prom-client's `getMetricsAsJSON()`. */
export interface MetricJson {
  name: string;
  values: ReadonlyArray<{ value: number; labels: Readonly<Record<string, string | number>> }>;
}

export interface CountSeries {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function valuesOf(metrics: readonly MetricJson[], name: string): MetricJson['values'] {
  return metrics.find((m) => m.name === name)?.values ?? [];
}

/** The two derived counters per cluster, from the edge proxy's registry (pure). */
export function buildCountSeries(metrics: readonly MetricJson[]): CountSeries[] {
  const errorsByCluster = new Map<string, number>();
  for (const v of valuesOf(metrics, 'envoy_cluster_upstream_rq_xx')) {
    if (String(v.labels.envoy_response_code_class) !== '5') continue;
    const cluster = String(v.labels[CLUSTER_LABEL]);
    errorsByCluster.set(cluster, (errorsByCluster.get(cluster) ?? 0) + v.value);
  }
  return valuesOf(metrics, 'envoy_cluster_upstream_rq_total').flatMap((v) => {
    const labels = { [CLUSTER_LABEL]: String(v.labels[CLUSTER_LABEL]) };
    const cluster = labels[CLUSTER_LABEL];
    return [
      { name: REQUESTS_COUNTER, labels, value: v.value },
      { name: ERRORS_COUNTER, labels: { ...labels }, value: errorsByCluster.get(cluster) ?? 0 },
    ];
  });
}

export interface Selector {
  name: string;
  matchers: Record<string, string>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\' };

/** A double-quoted string at the start of `text`: its value and the rest, or an error. */
function readQuoted(text: string): { value: string; rest: string } | string {
  if (!text.startsWith('"')) return 'a label value must be a double-quoted string';
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '"') return { value, rest: text.slice(i + 1) };
    if (c !== '\\') {
      value += c;
      continue;
    }
    const escaped = ESCAPES[text.charAt(i + 1)];
    if (escaped === undefined) return `unsupported escape \\${text.charAt(i + 1)}`;
    value += escaped;
    i += 1;
  }
  return 'unterminated label value';
}

/** One `label="value"` at the start of `text`, then the text after it. */
function readMatcher(text: string): { label: string; value: string; rest: string } | string {
  const label = LABEL.exec(text)?.[0];
  if (label === undefined) return `expected a label name at "${text.slice(0, 20)}"`;
  const afterLabel = text.slice(label.length).trimStart();
  if (!afterLabel.startsWith('=') || afterLabel.startsWith('=~')) return `only = matchers are understood (label "${label}")`;
  const quoted = readQuoted(afterLabel.slice(1).trimStart());
  return typeof quoted === 'string' ? quoted : { label, value: quoted.value, rest: quoted.rest.trimStart() };
}

function readMatchers(body: string): Record<string, string> | string {
  const matchers: Record<string, string> = {};
  let rest = body.trim();
  while (rest !== '') {
    const matcher = readMatcher(rest);
    if (typeof matcher === 'string') return matcher;
    matchers[matcher.label] = matcher.value;
    rest = matcher.rest;
    if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
    else if (rest !== '') return `expected , or } at "${rest.slice(0, 20)}"`;
  }
  return matchers;
}

/** `name` or `name{label="value", ...}` (pure); a string is why it is not understood. */
export function parseSelector(query: string): Selector | string {
  const text = query.trim();
  const name = NAME.exec(text)?.[0];
  if (name === undefined) return 'expected a metric name';
  const rest = text.slice(name.length).trim();
  if (rest === '') return { name, matchers: {} };
  if (!rest.startsWith('{') || !rest.endsWith('}')) return 'only a plain selector, name{label="value", ...}, is understood (no functions or operators)';
  const matchers = readMatchers(rest.slice(1, -1));
  return typeof matchers === 'string' ? matchers : { name, matchers };
}

export interface QueryReply {
  status: number;
  body: Record<string, unknown>;
}

function badData(error: string): QueryReply {
  return { status: 400, body: { status: 'error', errorType: 'bad_data', error } };
}

function matches(series: CountSeries, selector: Selector): boolean {
  return series.name === selector.name && Object.entries(selector.matchers).every(([label, value]) => series.labels[label] === value);
}

/** The answer to `/api/v1/query` with these parameters, as Prometheus would give it (pure). */
export function answerInstantQuery(series: readonly CountSeries[], params: URLSearchParams, nowSeconds: number): QueryReply {
  const query = params.get('query');
  if (query === null || query === '') return badData('query is required');
  const selector = parseSelector(query);
  if (typeof selector === 'string') return badData(`${selector}; this stand-in serves ${REQUESTS_COUNTER} and ${ERRORS_COUNTER} only`);
  const timeText = params.get('time');
  const time = timeText === null || !Number.isFinite(Number(timeText)) ? nowSeconds : Number(timeText);
  const result = series.filter((s) => matches(s, selector)).map((s) => ({ metric: { __name__: s.name, ...s.labels }, value: [time, String(s.value)] }));
  return { status: 200, body: { status: 'success', data: { resultType: 'vector', result } } };
}

export interface EdgeCountsQuery {
  /** Base URL, what a `provider.prometheus.address` points at. */
  address: string;
  stop(): Promise<void>;
}

async function reply(registry: Registry, req: http.IncomingMessage): Promise<QueryReply> {
  const url = new URL(req.url ?? '/', 'http://stand-in');
  if (req.method !== 'GET' || url.pathname !== INSTANT_QUERY_PATH) {
    return { status: 404, body: { status: 'error', errorType: 'not_found', error: `only GET ${INSTANT_QUERY_PATH} is served here` } };
  }
  const series = buildCountSeries(await registry.getMetricsAsJSON() as MetricJson[]);
  return answerInstantQuery(series, url.searchParams, Date.now() / 1000);
}

/** Serves the instant-query stand-in on a free loopback port over the edge proxy's registry. */
export async function startEdgeCountsQuery(options: { registry: Registry; host?: string }): Promise<EdgeCountsQuery> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((req, res) => {
    reply(options.registry, req).then(
      ({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'error', errorType: 'internal', error: String(error) }));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    address: `http://${host}:${port}`,
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
