import { request } from 'node:https';
import type { TlsClient } from './readiness.js';

/** A minimal JSON request to the apiserver with client-certificate TLS, used before any client exists. */
export interface ApiRequest {
  server: string;
  tls: TlsClient;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: unknown;
}

export interface ApiAnswer {
  status: number;
  json: Record<string, unknown>;
}

export function apiRequest(req: ApiRequest, timeoutMs = 30_000): Promise<ApiAnswer> {
  const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const r = request(
      new URL(req.path, req.server),
      { method: req.method, headers, timeout: timeoutMs, ...req.tls },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
          } catch {
            resolve({ status: res.statusCode ?? 0, json: { message: text } });
          }
        });
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`${req.method} ${req.path}: timeout after ${timeoutMs} ms`)));
    r.on('error', reject);
    r.end(payload);
  });
}
