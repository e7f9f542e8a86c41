// Prometheus metric provider: an instant query at `now` (SPEC §4). Scalar -> double,
// vector -> list of doubles, no data -> a named message; errors say what happened. The request is
// bounded (bounded-http.ts): one deadline, a size cap, no redirects, the egress policy. Args enter
// the query by the rules of promql-args.ts (escaped inside string literals).
import type { Metric, PrometheusProvider } from '../api/analysis.js';
import { redact, resolveHeaders, secretValues, substituteArgs, type ResolvedArg } from './args.js';
import { boundedTimeoutMs, DEFAULT_MAX_RESPONSE_BYTES, sendBounded } from './bounded-http.js';
import { createEgressPolicy, type EgressPolicy } from './egress-policy.js';
import type { DnsLookupAll } from './egress-lookup.js';
import { snippet } from './http-error.js';
import {
  NO_DATA_MESSAGE,
  type LabeledSample,
  type MeasureContext,
  type MeasureResult,
  type MetricProvider,
  type ProviderLimits,
  type SampleResult,
} from './metric-provider.js';
import { substitutePromqlArgs } from './promql-args.js';

export interface PrometheusProviderOptions extends ProviderLimits {
  /** Used when a metric sets no `address` (the controller's --prometheus-address flag). */
  defaultAddress?: string;
  now: () => Date;
  /**
   * Where requests may go. Without one, only the built-in denials apply (link-local, cloud
   * metadata): for tools and tests; the controller always passes one.
   */
  egress?: EgressPolicy;
  /** Name resolution (default: the system resolver); tests replace it. */
  resolve?: DnsLookupAll;
}

interface ResolvedRequest {
  address: string;
  query: string;
  redactedQuery: string;
  headers: Record<string, string>;
  sensitive: string[];
  timeoutMs: number;
}

function resolveRequest(
  spec: PrometheusProvider,
  args: readonly ResolvedArg[],
  defaultAddress: string | undefined,
  queryText: string | undefined = spec.query,
): ResolvedRequest | { error: string } {
  const addressText = spec.address ?? defaultAddress;
  if (addressText === undefined || addressText === '') {
    return { error: 'no Prometheus address: set provider.prometheus.address or the controller default' };
  }
  const address = substituteArgs(addressText, args);
  if (!address.ok) return { error: `address: ${address.message}` };
  if (queryText === undefined) return { error: 'provider.prometheus.query is not set' };
  const query = substitutePromqlArgs(queryText, args);
  if (!query.ok) return { error: `query: ${query.message}` };
  const headers = resolveHeaders(spec.headers, args);
  if (!headers.ok) return { error: headers.message };
  return {
    address: address.text.replace(/\/+$/, ''),
    query: query.text,
    redactedQuery: query.redacted,
    headers: headers.headers,
    sensitive: [...secretValues(args), ...headers.sensitive],
    timeoutMs: boundedTimeoutMs(spec.timeout),
  };
}

interface PrometheusBody {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

function toNumber(sample: unknown): number {
  const pair = sample as [unknown, unknown] | undefined;
  return Number(pair?.[1]);
}

function decodeVector(result: unknown): MeasureResult {
  const samples = Array.isArray(result) ? result : [];
  const values = samples.map((s) => toNumber((s as { value?: unknown }).value));
  if (values.length === 0 || values.every(Number.isNaN)) return { noData: true, message: NO_DATA_MESSAGE };
  return { value: values };
}

function decodeScalar(result: unknown): MeasureResult {
  const value = toNumber(result);
  return Number.isNaN(value) ? { noData: true, message: NO_DATA_MESSAGE } : { value };
}

function decodeData(data: NonNullable<PrometheusBody['data']>): MeasureResult {
  switch (data.resultType) {
    case 'vector':
      return decodeVector(data.result);
    case 'scalar':
      return decodeScalar(data.result);
    case 'string':
      return { value: String((data.result as unknown[] | undefined)?.[1] ?? '') };
    case 'matrix':
      return { error: 'query returned a range vector (matrix); use an instant query' };
    default:
      return { error: `Prometheus returned an unknown resultType "${String(data.resultType)}"` };
  }
}

function parseBody(text: string): PrometheusBody | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? (parsed as PrometheusBody) : undefined;
  } catch {
    return undefined;
  }
}

function describeErrorBody(status: number, text: string, body: PrometheusBody | undefined): string {
  const detail = [body?.errorType, body?.error].filter(Boolean).join(': ');
  return `Prometheus returned HTTP ${status}: ${detail || snippet(text)}`;
}

function decodeResponse(status: number, text: string, contentType: string): MeasureResult {
  const body = parseBody(text);
  const httpOk = status >= 200 && status < 300;
  if (!httpOk || body?.status === 'error') return { error: describeErrorBody(status, text, body) };
  if (body === undefined) {
    return { error: `Prometheus response is not JSON (HTTP ${status}, content-type "${contentType}"): ${snippet(text)}` };
  }
  return decodeData(body.data ?? {});
}

function decodeLabels(metric: unknown): Record<string, string> {
  const labels: Record<string, string> = {};
  if (metric === null || typeof metric !== 'object') return labels;
  for (const [key, value] of Object.entries(metric as Record<string, unknown>)) {
    if (key !== '__name__' && typeof value === 'string') labels[key] = value;
  }
  return labels;
}

/** Every series of an instant vector with its labels; a scalar is one series without labels. */
function decodeSamples(data: NonNullable<PrometheusBody['data']>): { samples: LabeledSample[] } | { error: string } {
  if (data.resultType === 'scalar') return { samples: [{ labels: {}, value: toNumber(data.result) }] };
  if (data.resultType !== 'vector') return { error: `a judge count query must return an instant vector, got "${String(data.resultType)}"` };
  const series = Array.isArray(data.result) ? (data.result as { metric?: unknown; value?: unknown }[]) : [];
  return { samples: series.map((s) => ({ labels: decodeLabels(s.metric), value: toNumber(s.value) })) };
}

interface QueryContext {
  now: Date;
  egress: EgressPolicy;
  namespace: string;
  maxResponseBytes: number;
  resolve?: DnsLookupAll;
}

function send(request: ResolvedRequest, context: QueryContext) {
  const params = new URLSearchParams({ query: request.query, time: (context.now.getTime() / 1000).toFixed(3) });
  return sendBounded({
    method: 'GET',
    url: `${request.address}/api/v1/query?${params.toString()}`,
    headers: request.headers,
    timeoutMs: request.timeoutMs,
    maxResponseBytes: context.maxResponseBytes,
    egress: { policy: context.egress, namespace: context.namespace, resolve: context.resolve },
    target: `Prometheus at ${request.address}`,
  });
}

async function query(request: ResolvedRequest, context: QueryContext): Promise<MeasureResult> {
  const response = await send(request, context);
  if ('error' in response) return response;
  const decoded = decodeResponse(response.status, response.text, response.contentType);
  return 'value' in decoded ? { ...decoded, raw: snippet(response.text, 2000) } : decoded;
}

function redactResult(result: MeasureResult, sensitive: readonly string[], resolvedQuery: string): MeasureResult {
  if ('error' in result) return { error: redact(result.error, sensitive), resolvedQuery };
  if ('noData' in result) return { ...result, resolvedQuery };
  const raw = result.raw === undefined ? undefined : redact(result.raw, sensitive);
  return { ...result, raw, resolvedQuery };
}

async function querySamples(request: ResolvedRequest, context: QueryContext): Promise<{ samples: LabeledSample[] } | { error: string }> {
  const response = await send(request, context);
  if ('error' in response) return response;
  const body = parseBody(response.text);
  const httpOk = response.status >= 200 && response.status < 300;
  if (!httpOk || body?.status === 'error') return { error: describeErrorBody(response.status, response.text, body) };
  if (body === undefined) return { error: `Prometheus response is not JSON (HTTP ${response.status}): ${snippet(response.text)}` };
  return decodeSamples(body.data ?? {});
}

export function createPrometheusProvider(options: PrometheusProviderOptions): MetricProvider {
  const egress = options.egress ?? createEgressPolicy({ unmatched: 'allow' });
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const contextOf = (context: MeasureContext | undefined): QueryContext => ({
    now: options.now(),
    egress,
    namespace: context?.namespace ?? 'default',
    maxResponseBytes,
    resolve: options.resolve,
  });
  return {
    type: 'prometheus',
    async sample(metric: Metric, queryText: string, args: readonly ResolvedArg[], context?: MeasureContext): Promise<SampleResult> {
      const spec = metric.provider.prometheus;
      if (spec === undefined) return { error: `metric "${metric.name}" has no prometheus provider` };
      const request = resolveRequest(spec, args, options.defaultAddress, queryText);
      if ('error' in request) return { error: redact(request.error, secretValues(args)) };
      const resolvedQuery = redact(request.redactedQuery, request.sensitive);
      const result = await querySamples(request, contextOf(context));
      return 'error' in result ? { error: redact(result.error, request.sensitive), resolvedQuery } : { samples: result.samples, resolvedQuery };
    },
    async measure(metric: Metric, args: readonly ResolvedArg[], context?: MeasureContext): Promise<MeasureResult> {
      const spec = metric.provider.prometheus;
      if (spec === undefined) return { error: `metric "${metric.name}" has no prometheus provider` };
      const request = resolveRequest(spec, args, options.defaultAddress);
      if ('error' in request) return { error: redact(request.error, secretValues(args)) };
      const result = await query(request, contextOf(context));
      return redactResult(result, request.sensitive, redact(request.redactedQuery, request.sensitive));
    },
  };
}
