import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { ListeningServer } from './probe-server.js';

export interface MetricsServerOptions {
  /** Interface to bind (e.g. `127.0.0.1`); empty means every interface. */
  host: string;
  /** Port to bind; 0 picks a free one. */
  port: number;
  registry: Registry;
}

function sendText(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

async function sendMetrics(res: ServerResponse, registry: Registry): Promise<void> {
  try {
    const body = await registry.metrics();
    sendText(res, 200, body, registry.contentType);
  } catch (error) {
    sendText(res, 500, `metrics collection failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

function route(options: MetricsServerOptions, req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'method not allowed\n');
    return;
  }
  switch (path) {
    case '/metrics':
      void sendMetrics(res, options.registry);
      return;
    default:
      sendText(res, 404, 'not found\n');
  }
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host === '' ? undefined : host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Serves /metrics (probes have their own server: probe-server.ts); resolves once listening. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<ListeningServer> {
  const server = createServer((req, res) => route(options, req, res));
  const address = await listen(server, options.host, options.port);
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
