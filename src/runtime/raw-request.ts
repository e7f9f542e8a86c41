/**
 * One HTTP request to the API server of a kubeconfig, as raw JSON: client-node's KubeConfig
 * supplies the server, TLS and credentials (certificates, tokens, exec and auth plugins), node's
 * http/https sends it. The informers' lists and the CLI use it instead of client-node's generated
 * API classes, whose ~1,000 model modules cost a CLI verb most of its start-up.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type * as k8s from '@kubernetes/client-node';
import { sharedAgent } from '../kube/shared-agent.js';

export interface RawRequest {
  kubeConfig: k8s.KubeConfig;
  method: 'GET' | 'PATCH' | 'POST' | 'PUT' | 'DELETE';
  /** e.g. `/apis/apps/v1/namespaces/shop/replicasets`. */
  path: string;
  query?: Record<string, string | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Content-Type of the body (default application/json). */
  contentType?: string;
  /** Gives up after this long without an answer (default 60 s). */
  timeoutMs?: number;
  /** Called with the answer's size before it is parsed (the controller's heap guard). */
  beforeParse?: (bytes: number) => void;
}

export interface RawAnswer {
  /** HTTP status code. */
  code: number;
  /** The parsed JSON, or the text when it is not JSON. */
  body: unknown;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

async function prepare(request: RawRequest): Promise<{ url: URL; options: https.RequestOptions; payload?: string }> {
  const cluster = request.kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const url = new URL(cluster.server.replace(/\/+$/, '') + request.path);
  for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
  const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (payload !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
  const options: https.RequestOptions = { method: request.method, headers };
  await request.kubeConfig.applyToHTTPSOptions(options);
  // client-node made a new agent (a new TLS connection) for this request alone.
  if (options.agent instanceof http.Agent) options.agent = sharedAgent(options.agent);
  return { url, options, payload };
}

/** Sends the request; resolves with any HTTP answer, rejects on network failures and timeouts. */
export async function sendRawRequest(request: RawRequest): Promise<RawAnswer> {
  const { url, options, payload } = await prepare(request);
  const timeoutMs = request.timeoutMs ?? 60_000;
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        request.beforeParse?.(raw.length);
        resolve({ code: res.statusCode ?? 0, body: parseBody(raw.toString('utf8')) });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${request.method} ${url.pathname} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
