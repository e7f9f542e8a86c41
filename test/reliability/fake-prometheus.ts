/**
 * A fake Prometheus for the Prometheus-faults reliability test (issue 9, item 3): a loopback HTTP
 * server whose `/api/v1/query` answers according to the `mode="<mode>"` label in the query, so one
 * server serves every fault at once (one Rollout per mode). `closedPortAddress()` gives the address
 * of a port nothing listens on (Prometheus down).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAULT_MODES = ['slow', 'garbage', 'http500', 'empty', 'nan', 'nanScalar'] as const;
export type FaultMode = (typeof FAULT_MODES)[number] | 'ok';

export interface FakePrometheusOptions {
  /** How long `slow` waits before answering (longer than the metric's timeout). */
  slowMs: number;
  /** The value `ok` answers (a one-sample vector). */
  okValue?: number;
}

export interface FakePrometheus {
  address: string;
  /** Queries answered (or started, for `slow`) per mode; `unknown` when the query names none. */
  readonly requests: Record<string, number>;
  close(): Promise<void>;
}

type Body = { status: number; contentType: string; text: string };

function json(status: number, body: unknown): Body {
  return { status, contentType: 'application/json', text: JSON.stringify(body) };
}

function vector(samples: string[]): Body {
  const now = Date.now() / 1000;
  const result = samples.map((value) => ({ metric: { __name__: 'fault_probe' }, value: [now, value] }));
  return json(200, { status: 'success', data: { resultType: 'vector', result } });
}

/** The answer of every mode except `slow`'s delay. */
export function answerFor(mode: FaultMode, okValue: number): Body {
  switch (mode) {
    case 'garbage':
      return { status: 200, contentType: 'text/html', text: '<html><body>502 upstream garbage %%%</body></html>' };
    case 'http500':
      return json(500, { status: 'error', errorType: 'internal', error: 'fake storage failure' });
    case 'empty':
      return vector([]);
    case 'nan':
      return vector(['NaN']);
    case 'nanScalar':
      return json(200, { status: 'success', data: { resultType: 'scalar', result: [Date.now() / 1000, 'NaN'] } });
    default:
      return vector([String(okValue)]);
  }
}

function modeOf(req: IncomingMessage): FaultMode | undefined {
  const url = new URL(req.url ?? '/', 'http://fake');
  if (url.pathname !== '/api/v1/query') return undefined;
  const match = /mode="([A-Za-z0-9]+)"/.exec(url.searchParams.get('query') ?? '');
  const mode = match?.[1];
  return mode === 'ok' || FAULT_MODES.includes(mode as (typeof FAULT_MODES)[number]) ? (mode as FaultMode) : undefined;
}

function send(res: ServerResponse, body: Body): void {
  if (res.destroyed) return;
  res.writeHead(body.status, { 'content-type': body.contentType, 'content-length': Buffer.byteLength(body.text) });
  res.end(body.text);
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startFakePrometheus(options: FakePrometheusOptions): Promise<FakePrometheus> {
  const requests: Record<string, number> = {};
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    req.resume();
    const mode = modeOf(req);
    requests[mode ?? 'unknown'] = (requests[mode ?? 'unknown'] ?? 0) + 1;
    if (mode === undefined) {
      send(res, json(400, { status: 'error', errorType: 'bad_data', error: 'fake Prometheus: no mode="..." in the query' }));
      return;
    }
    const answer = answerFor(mode, options.okValue ?? 0.01);
    if (mode !== 'slow') {
      send(res, answer);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      send(res, answer);
    }, options.slowMs);
    timers.add(timer);
  });
  const port = await listen(server);
  return {
    address: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await closeServer(server);
    },
  };
}

/** `http://127.0.0.1:<port>` of a port that was free a moment ago and is closed now. */
export async function closedPortAddress(): Promise<string> {
  const server = createServer();
  const port = await listen(server);
  await closeServer(server);
  return `http://127.0.0.1:${port}`;
}
