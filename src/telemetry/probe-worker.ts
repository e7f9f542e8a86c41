// The probe server's thread: answers /healthz and /readyz from the last state the controller's
// main thread posted, so a busy main event loop never delays a kubelet probe. A main thread that
// has posted nothing for `stallLimitMs` is reported unhealthy: its event loop is stuck.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

export interface ProbeWorkerSettings {
  host: string;
  port: number;
  stallLimitMs: number;
}

/** Main thread → worker: the controller's state now, or stop. */
export type ProbeStateMessage =
  /** `readyReason`: why not ready, or a detail of the ready state (may be empty). */
  | { kind: 'state'; healthy: boolean; healthReason: string; ready: boolean; readyReason: string }
  | { kind: 'stop' };

/** Worker → main thread. */
export type ProbeWorkerMessage =
  | { kind: 'listening'; address: string; family: string; port: number }
  | { kind: 'failed'; message: string }
  | { kind: 'stopped' };

const settings = workerData as ProbeWorkerSettings;
const port = parentPort;
let state: Extract<ProbeStateMessage, { kind: 'state' }> = {
  kind: 'state', healthy: true, healthReason: '', ready: false, readyReason: 'starting',
};
let lastPostAt = Date.now();

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

function health(): [number, string] {
  const silentMs = Date.now() - lastPostAt;
  if (silentMs > settings.stallLimitMs) return [503, `event loop stalled: no heartbeat for ${Math.round(silentMs / 1000)}s\n`];
  return state.healthy ? [200, 'ok\n'] : [503, `${state.healthReason}\n`];
}

function route(req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/healthz') return send(res, ...health());
  if (path === '/readyz') {
    const [status, body] = health();
    if (status !== 200) return send(res, status, body);
    if (!state.ready) return send(res, 503, `${state.readyReason}\n`);
    return send(res, 200, state.readyReason === '' ? 'ok\n' : `ok: ${state.readyReason}\n`);
  }
  send(res, 404, 'not found\n');
}

const server = createServer(route);
server.once('error', (error) => port?.postMessage({ kind: 'failed', message: error.message } satisfies ProbeWorkerMessage));
server.listen(settings.port, settings.host === '' ? undefined : settings.host, () => {
  const address = server.address() as AddressInfo;
  port?.postMessage({ kind: 'listening', address: address.address, family: address.family, port: address.port } satisfies ProbeWorkerMessage);
});
port?.on('message', (message: ProbeStateMessage) => {
  if (message.kind === 'state') {
    state = message;
    lastPostAt = Date.now();
    return;
  }
  server.close(() => {
    port.postMessage({ kind: 'stopped' } satisfies ProbeWorkerMessage);
    port.close();
  });
  server.closeAllConnections();
});
