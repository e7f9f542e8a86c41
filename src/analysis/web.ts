// Web metric provider: GET/POST/PUT a URL, decode JSON, select a value with `jsonPath`. The request
// is bounded (bounded-http.ts): one deadline, a size cap, no redirects, the egress policy.
import type { Metric, WebProvider } from '../api/analysis.js';
import { redact, resolveHeaders, secretValues, substituteArgs, type ResolvedArg } from './args.js';
import { boundedTimeoutMs, DEFAULT_MAX_RESPONSE_BYTES, sendBounded } from './bounded-http.js';
import { createEgressPolicy, type EgressPolicy } from './egress-policy.js';
import type { DnsLookupAll } from './egress-lookup.js';
import { snippet } from './http-error.js';
import { selectJsonPath } from './json-path.js';
import type { DocumentResult, MeasureContext, MeasureResult, MetricProvider, ProviderLimits } from './metric-provider.js';

export interface WebProviderOptions extends ProviderLimits {
  /**
   * Where requests may go. Without one, only the built-in denials apply (link-local, cloud
   * metadata) and everything else is allowed: for tools and tests; the controller always passes one.
   */
  egress?: EgressPolicy;
  /** Name resolution (default: the system resolver); tests replace it. */
  resolve?: DnsLookupAll;
}

interface WebRequest {
  method: WebProvider['method'];
  url: string;
  redactedUrl: string;
  headers: Record<string, string>;
  body?: string;
  jsonPath?: string;
  sensitive: string[];
  timeoutMs: number;
}

function substituteOptional(text: string | undefined, args: readonly ResolvedArg[]) {
  return text === undefined ? undefined : substituteArgs(text, args);
}

function resolveRequest(spec: WebProvider, args: readonly ResolvedArg[]): WebRequest | { error: string } {
  const url = substituteArgs(spec.url, args);
  if (!url.ok) return { error: `url: ${url.message}` };
  const body = substituteOptional(spec.body, args);
  if (body !== undefined && !body.ok) return { error: `body: ${body.message}` };
  const jsonPath = substituteOptional(spec.jsonPath, args);
  if (jsonPath !== undefined && !jsonPath.ok) return { error: `jsonPath: ${jsonPath.message}` };
  const headers = resolveHeaders(spec.headers, args);
  if (!headers.ok) return { error: headers.message };
  return {
    method: spec.method,
    url: url.text,
    redactedUrl: url.redacted,
    headers: headers.headers,
    body: body?.text,
    jsonPath: jsonPath?.text,
    sensitive: [...secretValues(args), ...headers.sensitive],
    timeoutMs: boundedTimeoutMs(spec.timeoutSeconds),
  };
}

function decodeDocument(request: WebRequest, status: number, text: string): { document: unknown } | { error: string } {
  if (status < 200 || status >= 300) return { error: `${request.redactedUrl} returned HTTP ${status}: ${snippet(text)}` };
  try {
    return { document: JSON.parse(text) as unknown };
  } catch {
    return { error: `${request.redactedUrl} did not return JSON (HTTP ${status}): ${snippet(text)}` };
  }
}

function decode(request: WebRequest, status: number, text: string): MeasureResult {
  const decoded = decodeDocument(request, status, text);
  if ('error' in decoded) return decoded;
  if (request.jsonPath === undefined) return { value: decoded.document, raw: snippet(text, 2000) };
  const selected = selectJsonPath(decoded.document, request.jsonPath);
  return selected.ok ? { value: selected.value, raw: snippet(text, 2000) } : { error: selected.message };
}

const describeRequest = (request: WebRequest): string => `${request.method} ${redact(request.redactedUrl, request.sensitive)}`;

function redactResult(result: MeasureResult, request: WebRequest): MeasureResult {
  const resolvedQuery = describeRequest(request);
  if ('error' in result) return { error: redact(result.error, request.sensitive), resolvedQuery };
  if ('noData' in result) return { ...result, resolvedQuery };
  const raw = result.raw === undefined ? undefined : redact(result.raw, request.sensitive);
  return { ...result, raw, resolvedQuery };
}

export function createWebProvider(options: WebProviderOptions = {}): MetricProvider {
  const egress = options.egress ?? createEgressPolicy({ unmatched: 'allow' });
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const send = (request: WebRequest, context: MeasureContext | undefined) => sendBounded({
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: request.body,
    timeoutMs: request.timeoutMs,
    maxResponseBytes,
    egress: { policy: egress, namespace: context?.namespace ?? 'default', resolve: options.resolve },
    target: request.redactedUrl,
  });
  const prepare = (metric: Metric, args: readonly ResolvedArg[]): WebRequest | { error: string } => {
    const spec = metric.provider.web;
    if (spec === undefined) return { error: `metric "${metric.name}" has no web provider` };
    const request = resolveRequest(spec, args);
    return 'error' in request ? { error: redact(request.error, secretValues(args)) } : request;
  };
  return {
    type: 'web',
    async measure(metric: Metric, args: readonly ResolvedArg[], context?: MeasureContext): Promise<MeasureResult> {
      const request = prepare(metric, args);
      if ('error' in request) return request;
      const response = await send(request, context);
      const result = 'error' in response ? response : decode(request, response.status, response.text);
      return redactResult(result, request);
    },
    async fetchDocument(metric: Metric, args: readonly ResolvedArg[], context?: MeasureContext): Promise<DocumentResult> {
      const request = prepare(metric, args);
      if ('error' in request) return request;
      const response = await send(request, context);
      const decoded = 'error' in response ? response : decodeDocument(request, response.status, response.text);
      const resolvedQuery = describeRequest(request);
      return 'error' in decoded ? { error: redact(decoded.error, request.sensitive), resolvedQuery } : { document: decoded.document, resolvedQuery };
    },
  };
}
