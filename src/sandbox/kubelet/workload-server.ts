import http from 'node:http';
import type { Behaviour } from './behaviour.js';
import type { RandomSource } from './random.js';
import type { WorkloadMetrics } from './workload-metrics.js';
import { buildResponseBody, decideResponse, type WorkloadIdentity } from './workload-response.js';

export interface WorkloadServerOptions {
  identity: WorkloadIdentity;
  port: number;
  behaviour: Behaviour;
  random: RandomSource;
  /** Shared by every port of one container. */
  metrics: WorkloadMetrics;
}

export interface WorkloadServer {
  readonly url: string;
  /** Refuses new connections and drops open ones at once. */
  stop(): Promise<void>;
}

interface ServerState {
  options: WorkloadServerOptions;
  timers: Set<NodeJS.Timeout>;
}

function serveMetrics(state: ServerState, res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  res.end(state.options.metrics.render());
}

function serveRequest(state: ServerState, res: http.ServerResponse): void {
  const { behaviour, random, identity, metrics } = state.options;
  const startedAt = process.hrtime.bigint();
  const plan = decideResponse(behaviour, random);
  const timer = setTimeout(() => {
    state.timers.delete(timer);
    if (res.destroyed) return;
    const body = JSON.stringify(buildResponseBody(identity, behaviour, plan.statusCode));
    res.writeHead(plan.statusCode, { 'content-type': 'application/json', 'x-sim-pod': identity.pod });
    res.end(`${body}\n`);
    metrics.observe(plan.statusCode, Number(process.hrtime.bigint() - startedAt) / 1e9);
  }, plan.delayMs);
  state.timers.add(timer);
}

function handle(state: ServerState, req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/metrics') {
    serveMetrics(state, res);
    return;
  }
  // Drain any request body so keep-alive connections stay usable.
  req.resume();
  serveRequest(state, res);
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ port, host }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Serves one container port on the pod's loopback IP; port 0 picks a free port (tests). */
export async function startWorkloadServer(options: WorkloadServerOptions): Promise<WorkloadServer> {
  const state: ServerState = { options, timers: new Set() };
  const server = http.createServer((req, res) => handle(state, req, res));
  server.keepAliveTimeout = 5_000;
  const port = await listen(server, options.port, options.identity.ip);
  return {
    url: `http://${options.identity.ip}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const timer of state.timers) clearTimeout(timer);
        state.timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
