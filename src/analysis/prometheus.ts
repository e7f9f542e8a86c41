// Prometheus metric provider: an instant query at `now` (SPEC §4). Scalar -> double,
// vector -> list of doubles, no data -> a named message; errors say what happened.
import axios from 'axios';
import type { Metric, PrometheusProvider } from '../api/analysis.js';
import { redact, resolveHeaders, secretValues, substituteArgs, type ResolvedArg } from './args.js';
import { describeNetworkError, snippet } from './http-error.js';
import { NO_DATA_MESSAGE, type MeasureResult, type MetricProvider } from './metric-provider.js';

export interface PrometheusProviderOptions {
  /** Used when a metric sets no `address` (the controller's --prometheus-address flag). */
  defaultAddress?: string;
  now: () => Date;
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
): ResolvedRequest | { error: string } {
  const addressText = spec.address ?? defaultAddress;
  if (addressText === undefined || addressText === '') {
    return { error: 'no Prometheus address: set provider.prometheus.address or the controller default' };
  }
  const address = substituteArgs(addressText, args);
  if (!address.ok) return { error: `address: ${address.message}` };
  const query = substituteArgs(spec.query, args);
  if (!query.ok) return { error: `query: ${query.message}` };
  const headers = resolveHeaders(spec.headers, args);
  if (!headers.ok) return { error: headers.message };
  return {
    address: address.text.replace(/\/+$/, ''),
    query: query.text,
    redactedQuery: query.redacted,
    headers: headers.headers,
    sensitive: [...secretValues(args), ...headers.sensitive],
    timeoutMs: spec.timeout * 1000,
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

async function query(request: ResolvedRequest, now: Date): Promise<MeasureResult> {
  const url = `${request.address}/api/v1/query`;
  try {
    const response = await axios.get<string>(url, {
      params: { query: request.query, time: (now.getTime() / 1000).toFixed(3) },
      headers: request.headers,
      timeout: request.timeoutMs,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
    });
    const raw = typeof response.data === 'string' ? response.data : String(response.data);
    const decoded = decodeResponse(response.status, raw, String(response.headers['content-type'] ?? ''));
    return 'value' in decoded ? { ...decoded, raw: snippet(raw, 2000) } : decoded;
  } catch (error) {
    return { error: describeNetworkError(error, { target: `Prometheus at ${request.address}`, timeoutMs: request.timeoutMs }) };
  }
}

function redactResult(result: MeasureResult, sensitive: readonly string[], resolvedQuery: string): MeasureResult {
  if ('error' in result) return { error: redact(result.error, sensitive), resolvedQuery };
  if ('noData' in result) return { ...result, resolvedQuery };
  const raw = result.raw === undefined ? undefined : redact(result.raw, sensitive);
  return { ...result, raw, resolvedQuery };
}

export function createPrometheusProvider(options: PrometheusProviderOptions): MetricProvider {
  return {
    type: 'prometheus',
    async measure(metric: Metric, args: readonly ResolvedArg[]): Promise<MeasureResult> {
      const spec = metric.provider.prometheus;
      if (spec === undefined) return { error: `metric "${metric.name}" has no prometheus provider` };
      const request = resolveRequest(spec, args, options.defaultAddress);
      if ('error' in request) return { error: redact(request.error, secretValues(args)) };
      const result = await query(request, options.now());
      return redactResult(result, request.sensitive, redact(request.redactedQuery, request.sensitive));
    },
  };
}
