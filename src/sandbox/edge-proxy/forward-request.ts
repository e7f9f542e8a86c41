/**
 * Sends one downstream request to one upstream endpoint over plain HTTP and streams the answer
 * back. 502 when the upstream cannot be reached, 504 when it does not answer in time; a failure
 * after the response started cuts the downstream connection.
 */
import * as http from 'node:http';
import type { Endpoint } from './endpoint-resolve.js';

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authenticate', 'proxy-authorization',
]);

export interface ForwardOptions {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  endpoint: Endpoint;
  /** Path and query to send upstream. */
  upstreamUrl: string;
  /** 0 disables the timeout. */
  timeoutMs: number;
}

function forwardHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

function requestHeaders(options: ForwardOptions): http.OutgoingHttpHeaders {
  const { req, upstreamUrl } = options;
  const headers = forwardHeaders(req.headers);
  const remote = req.socket.remoteAddress ?? '';
  const previous = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = previous ? `${String(previous)}, ${remote}` : remote;
  headers['x-forwarded-proto'] = 'http';
  if (req.url !== undefined && req.url !== upstreamUrl) headers['x-envoy-original-path'] = req.url;
  return headers;
}

function sendLocalReply(res: http.ServerResponse, statusCode: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(statusCode, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Resolves with the status code the client got (or would have got). Never rejects. */
export function forwardRequest(options: ForwardOptions): Promise<number> {
  const { req, res, endpoint, upstreamUrl, timeoutMs } = options;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (statusCode: number, localText?: string): void => {
      if (settled) return;
      settled = true;
      if (localText !== undefined) sendLocalReply(res, statusCode, localText);
      resolve(statusCode);
    };
    const upstream = http.request({
      host: endpoint.host,
      port: endpoint.port,
      method: req.method,
      path: upstreamUrl,
      headers: requestHeaders(options),
      agent: false,
    });
    if (timeoutMs > 0) {
      upstream.setTimeout(timeoutMs, () => {
        finish(504, 'upstream request timeout');
        upstream.destroy();
      });
    }
    upstream.on('response', (answer) => {
      const statusCode = answer.statusCode ?? 502;
      res.writeHead(statusCode, forwardHeaders(answer.headers));
      answer.pipe(res);
      answer.on('end', () => finish(statusCode));
      answer.on('error', () => finish(statusCode, ''));
    });
    upstream.on('error', (err) => finish(502, `upstream connect error or disconnect/reset before headers: ${err.message}`));
    res.on('close', () => {
      if (!settled) upstream.destroy();
    });
    req.pipe(upstream);
  });
}

export interface MirrorOptions {
  req: http.IncomingMessage;
  endpoint: Endpoint;
  upstreamUrl: string;
  timeoutMs: number;
}

/**
 * Sends a copy of the downstream request to a shadow upstream, as Envoy's request mirroring does:
 * the body as it streams to the primary, the authority suffixed with `-shadow`, the answer read and
 * discarded. Resolves with the shadow's status (0 when it failed); never touches the client's response.
 */
export function mirrorRequest(options: MirrorOptions): Promise<number> {
  const { req, endpoint, upstreamUrl, timeoutMs } = options;
  const headers = forwardHeaders(req.headers);
  if (typeof req.headers.host === 'string') headers.host = `${req.headers.host}-shadow`;
  return new Promise((resolve) => {
    const copy = http.request({ host: endpoint.host, port: endpoint.port, method: req.method, path: upstreamUrl, headers, agent: false });
    if (timeoutMs > 0) copy.setTimeout(timeoutMs, () => copy.destroy());
    copy.on('response', (answer) => {
      answer.resume();
      answer.on('end', () => resolve(answer.statusCode ?? 0));
      answer.on('error', () => resolve(0));
    });
    copy.on('error', () => resolve(0));
    req.on('data', (chunk: Buffer) => copy.write(chunk));
    req.on('end', () => copy.end());
    if (req.readableEnded) copy.end();
  });
}
