// One HTTP exchange of a metric provider, bounded: a single wall-clock deadline covering connect,
// headers and body (an AbortController plus a body read loop that checks it), a cap on the response
// size (counted after decompression), no redirects, no proxies from the environment, and every
// connection through the egress policy (egress-lookup.ts).
import type { Readable } from 'node:stream';
import axios from 'axios';
import { checkLiteralHost, createGuardedAgents, EGRESS_DENIED_CODE, type EgressContext } from './egress-lookup.js';
import { describeNetworkError } from './http-error.js';

export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
/** Upper bound of a provider timeout, whatever the template says (the CRD enforces it too). */
export const MAX_TIMEOUT_SECONDS = 60;

export interface BoundedRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxResponseBytes: number;
  egress: Omit<EgressContext, 'port'>;
  /** How messages name what was called (already redacted), e.g. `Prometheus at http://...`. */
  target: string;
}

export type BoundedResponse = { status: number; contentType: string; text: string } | { error: string };

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

function tooLarge(request: BoundedRequest): { error: string } {
  return { error: `response from ${request.target} is larger than the ${formatBytes(request.maxResponseBytes)} limit (--analysis-max-response-bytes); it was cut off` };
}

function timedOut(request: BoundedRequest, phase: 'headers' | 'body'): { error: string } {
  const seconds = request.timeoutMs / 1000;
  if (phase === 'headers') return { error: `${request.target} did not answer within ${seconds}s (timeout)` };
  return { error: `${request.target} did not finish its response within ${seconds}s (timeout: the limit covers connect, headers and body)` };
}

type BodyRead = { text: string } | { tooLarge: true } | { timedOut: true };

/** Reads the body until the cap or the deadline, whichever comes first. */
async function readBody(stream: Readable, maxBytes: number, signal: AbortSignal): Promise<BodyRead> {
  const chunks: Buffer[] = [];
  let size = 0;
  const onAbort = () => stream.destroy(new Error('deadline'));
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += buffer.length;
      if (size > maxBytes) {
        stream.destroy();
        return { tooLarge: true };
      }
      chunks.push(buffer);
    }
  } catch (error) {
    if (signal.aborted) return { timedOut: true };
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return { text: Buffer.concat(chunks).toString('utf8') };
}

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

function parseTarget(request: BoundedRequest): { url: URL; context: EgressContext } | { error: string } {
  if (!URL.canParse(request.url)) return { error: `${request.target} is not a valid URL` };
  const url = new URL(request.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: `${request.target}: only http and https URLs are supported` };
  const context = { ...request.egress, port: portOf(url) };
  const literal = checkLiteralHost(context, url.hostname);
  if (literal !== undefined && !literal.allowed) return { error: `connection to ${request.target} refused by the egress policy: ${literal.reason}` };
  return { url, context };
}

function describeFailure(request: BoundedRequest, error: unknown, signal: AbortSignal): { error: string } {
  if (signal.aborted) return timedOut(request, 'headers');
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = (error as { code?: unknown }).code;
  if (code === EGRESS_DENIED_CODE || cause?.code === EGRESS_DENIED_CODE) {
    const reason = cause?.code === EGRESS_DENIED_CODE ? String(cause.message) : (error as Error).message;
    return { error: `connection to ${request.target} refused by the egress policy: ${reason}` };
  }
  return { error: describeNetworkError(error, { target: request.target, timeoutMs: request.timeoutMs }) };
}

async function exchange(request: BoundedRequest, parsed: { url: URL; context: EgressContext }, signal: AbortSignal): Promise<BoundedResponse> {
  const agents = createGuardedAgents(parsed.context);
  try {
    const response = await axios.request<Readable>({
      method: request.method,
      url: parsed.url.href,
      headers: request.headers,
      data: request.body,
      responseType: 'stream',
      signal,
      maxRedirects: 0,
      proxy: false,
      validateStatus: () => true,
      ...agents,
    });
    const stream = response.data;
    const location = response.headers['location'];
    if (response.status >= 300 && response.status < 400) {
      stream.destroy();
      const to = typeof location === 'string' ? ` to ${location}` : '';
      return { error: `${request.target} answered HTTP ${response.status} (a redirect${to}); redirects are not followed: point the metric at the final URL` };
    }
    if (Number(response.headers['content-length'] ?? 0) > request.maxResponseBytes) {
      stream.destroy();
      return tooLarge(request);
    }
    const body = await readBody(stream, request.maxResponseBytes, signal);
    if ('tooLarge' in body) return tooLarge(request);
    if ('timedOut' in body) return timedOut(request, 'body');
    return { status: response.status, contentType: String(response.headers['content-type'] ?? ''), text: body.text };
  } finally {
    agents.httpAgent.destroy();
    agents.httpsAgent.destroy();
  }
}

/** Sends one request under the deadline, cap and egress policy; every failure is a message. */
export async function sendBounded(request: BoundedRequest): Promise<BoundedResponse> {
  const parsed = parseTarget(request);
  if ('error' in parsed) return parsed;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs);
  try {
    return await exchange(request, parsed, controller.signal);
  } catch (error) {
    return describeFailure(request, error, controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** A provider's timeout in ms, never above MAX_TIMEOUT_SECONDS. */
export function boundedTimeoutMs(seconds: number): number {
  return Math.min(Math.max(seconds, 0.001), MAX_TIMEOUT_SECONDS) * 1000;
}
