// Web metric provider: GET/POST/PUT a URL, decode JSON, select a value with `jsonPath`.
import axios from 'axios';
import type { Metric, WebProvider } from '../api/analysis.js';
import { redact, resolveHeaders, secretValues, substituteArgs, type ResolvedArg } from './args.js';
import { describeNetworkError, snippet } from './http-error.js';
import { selectJsonPath } from './json-path.js';
import type { MeasureResult, MetricProvider } from './metric-provider.js';

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
    timeoutMs: spec.timeoutSeconds * 1000,
  };
}

function decode(request: WebRequest, status: number, text: string): MeasureResult {
  if (status < 200 || status >= 300) return { error: `${request.redactedUrl} returned HTTP ${status}: ${snippet(text)}` };
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { error: `${request.redactedUrl} did not return JSON (HTTP ${status}): ${snippet(text)}` };
  }
  if (request.jsonPath === undefined) return { value: document, raw: snippet(text, 2000) };
  const selected = selectJsonPath(document, request.jsonPath);
  return selected.ok ? { value: selected.value, raw: snippet(text, 2000) } : { error: selected.message };
}

async function send(request: WebRequest): Promise<MeasureResult> {
  try {
    const response = await axios.request<string>({
      method: request.method,
      url: request.url,
      headers: request.headers,
      data: request.body,
      timeout: request.timeoutMs,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxRedirects: 0,
    });
    return decode(request, response.status, typeof response.data === 'string' ? response.data : String(response.data));
  } catch (error) {
    return { error: describeNetworkError(error, { target: request.redactedUrl, timeoutMs: request.timeoutMs }) };
  }
}

function redactResult(result: MeasureResult, request: WebRequest): MeasureResult {
  const resolvedQuery = `${request.method} ${redact(request.redactedUrl, request.sensitive)}`;
  if ('error' in result) return { error: redact(result.error, request.sensitive), resolvedQuery };
  if ('noData' in result) return { ...result, resolvedQuery };
  const raw = result.raw === undefined ? undefined : redact(result.raw, request.sensitive);
  return { ...result, raw, resolvedQuery };
}

export function createWebProvider(): MetricProvider {
  return {
    type: 'web',
    async measure(metric: Metric, args: readonly ResolvedArg[]): Promise<MeasureResult> {
      const spec = metric.provider.web;
      if (spec === undefined) return { error: `metric "${metric.name}" has no web provider` };
      const request = resolveRequest(spec, args);
      if ('error' in request) return { error: redact(request.error, secretValues(args)) };
      return redactResult(await send(request), request);
    },
  };
}
