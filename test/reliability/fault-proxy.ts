/**
 * A fault-injecting reverse proxy between the controller and the API server: plain HTTP on
 * 127.0.0.1 (the controller gets a kubeconfig pointing at it), forwarded over HTTPS with the admin
 * client certificate of the test kubeconfig. A share of writes is answered with 409 or 500, or is
 * forwarded and then has its response lost (the connection is reset, as a client timeout would
 * end it); watch streams are cut after a random time.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';

export type FaultKind = 'conflict' | 'internal' | 'lostResponse' | 'watchCut';

export interface FaultProxyOptions {
  kc: k8s.KubeConfig;
  random: () => number;
  /** Share of writes that get a fault (0..1). */
  writeFaultRate: number;
  /** Watch streams are cut after a random time below this. */
  maxWatchMs: number;
}

export interface FaultProxy {
  readonly url: string;
  readonly faults: Record<FaultKind, number>;
  readonly forwarded: () => number;
  /** Errors of requests to the API server (not the injected faults), counted by code and message. */
  readonly upstreamErrors: () => Record<string, number>;
  /** Writes a kubeconfig for the proxy to `path` (no credentials: the proxy adds them). */
  writeKubeconfig(path: string): void;
  close(): Promise<void>;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function statusBody(code: number, reason: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `injected by the fault proxy: ${reason}`, reason, code });
}

interface Forwarding {
  target: URL;
  agent: Agent;
}

function forward(fwd: Forwarding, req: IncomingMessage, onResponse: (upstream: IncomingMessage) => void): ReturnType<typeof httpsRequest> {
  const headers = { ...req.headers, host: fwd.target.host };
  const options: RequestOptions = { hostname: fwd.target.hostname, port: fwd.target.port, path: req.url, method: req.method, headers, agent: fwd.agent };
  const upstream = httpsRequest(options, onResponse);
  req.pipe(upstream);
  return upstream;
}

function isWatch(req: IncomingMessage): boolean {
  return /[?&]watch=(true|1)\b/.test(req.url ?? '');
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const httpsOptions: RequestOptions = {};
  await options.kc.applyToHTTPSOptions(httpsOptions);
  const fwd: Forwarding = {
    target: new URL(options.kc.getCurrentCluster()?.server ?? ''),
    agent: new Agent({ ca: httpsOptions.ca, cert: httpsOptions.cert, key: httpsOptions.key, keepAlive: true }),
  };
  const faults: Record<FaultKind, number> = { conflict: 0, internal: 0, lostResponse: 0, watchCut: 0 };
  let forwarded = 0;
  const upstreamErrors: Record<string, number> = {};
  const noteError = (kind: string) => (error: NodeJS.ErrnoException) => {
    const key = `${kind}: ${error.code ?? ''} ${error.message}`;
    upstreamErrors[key] = (upstreamErrors[key] ?? 0) + 1;
  };

  const pass = (req: IncomingMessage, res: ServerResponse): void => {
    forwarded += 1;
    const upstream = forward(fwd, req, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      // Pass the headers on at once, as the API server sent them: Node would hold them back until
      // the first body byte, and a quiet watch then cut would reach the client as a connection
      // closed before any response (a failed start, retried with growing backoff), not as a watch
      // that ended.
      res.flushHeaders();
      up.pipe(res);
    });
    upstream.on('error', (error) => {
      if (!res.destroyed) noteError(isWatch(req) ? 'watch' : 'request')(error);
      res.destroy();
    });
    res.on('close', () => upstream.destroy());
  };

  const watch = (req: IncomingMessage, res: ServerResponse): void => {
    pass(req, res);
    const timer = setTimeout(() => {
      faults.watchCut += 1;
      res.destroy();
    }, 500 + Math.floor(options.random() * options.maxWatchMs));
    res.on('close', () => clearTimeout(timer));
  };

  const faultyWrite = (req: IncomingMessage, res: ServerResponse): void => {
    const pick = options.random();
    if (pick < 1 / 3) {
      faults.conflict += 1;
      req.resume();
      res.writeHead(409, { 'Content-Type': 'application/json' }).end(statusBody(409, 'Conflict'));
    } else if (pick < 2 / 3) {
      faults.internal += 1;
      req.resume();
      res.writeHead(500, { 'Content-Type': 'application/json' }).end(statusBody(500, 'InternalError'));
    } else {
      faults.lostResponse += 1;
      forwarded += 1;
      const upstream = forward(fwd, req, (up) => {
        up.resume();
        res.destroy();
      });
      upstream.on('error', () => res.destroy());
    }
  };

  const server: Server = createServer((req, res) => {
    if (isWatch(req)) watch(req, res);
    else if (WRITE_METHODS.has(req.method ?? '') && options.random() < options.writeFaultRate) faultyWrite(req, res);
    else pass(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    faults,
    forwarded: () => forwarded,
    upstreamErrors: () => ({ ...upstreamErrors }),
    writeKubeconfig(path: string) {
      writeFileSync(path, JSON.stringify({
        apiVersion: 'v1', kind: 'Config', 'current-context': 'proxy',
        clusters: [{ name: 'proxy', cluster: { server: url, 'insecure-skip-tls-verify': true } }], // client-node refuses plain http otherwise
        users: [{ name: 'proxy', user: {} }],
        contexts: [{ name: 'proxy', context: { cluster: 'proxy', user: 'proxy' } }],
      }));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fwd.agent.destroy();
    },
  };
}
