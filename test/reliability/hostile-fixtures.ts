/**
 * Pieces of the hostile-tenant suite (issue 16): loopback servers a hostile tenant points its
 * analysis at (huge, dripping, echoing, redirecting responses; a server the egress policy must keep
 * out of reach, which counts every request it gets), object builders for hostile AnalysisRuns,
 * AnalysisTemplates and Rollouts, and the probes that watch the controller meanwhile (/healthz,
 * its Lease, the other team's step latency). Every server and probe is stopped by its `close()`.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import * as k8s from '@kubernetes/client-node';
import type { ClusterView, Obj } from '../controller/rollout-fixtures.js';

/** Loopback addresses: hostile servers the operator allowed, and one the policy must refuse. */
export const ALLOWED_HOST = '127.0.77.1';
export const ALLOWED_NETWORK = '127.0.77.0/24';
export const DENIED_HOST = '127.0.66.1';

const MiB = 1024 * 1024;

interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

async function listen(host: string, handler: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<Listening> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Writes `total` bytes of a JSON string in 64 KiB chunks, without a Content-Length. */
function streamHuge(res: ServerResponse, total: number): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 'a');
  let sent = 0;
  const pump = () => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  res.write('"');
  pump();
}

/** One byte every 500 ms, for ever (until the client goes away or the server closes). */
function drip(res: ServerResponse, timers: Set<NodeJS.Timeout>): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('[');
  const timer = setInterval(() => res.write('0,'), 500);
  timers.add(timer);
  res.on('close', () => {
    clearInterval(timer);
    timers.delete(timer);
  });
}

function hexOf(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}

export interface HostileServers {
  /** Base URL of the allowed hostile server (ALLOWED_HOST). */
  allowed: string;
  /** Base URL of the server the egress policy must refuse (DENIED_HOST). */
  denied: string;
  /** Requests the refused server received (must stay 0). */
  deniedHits(): number;
  /** Every request the echo routes received, as the server saw it (headers, url, body). */
  echoed(): string[];
  close(): Promise<void>;
}

type Route = (req: IncomingMessage, body: string, res: ServerResponse) => void;

function echoOf(req: IncomingMessage, body: string): { method: string; url: string; headers: IncomingMessage['headers']; body: string } {
  return { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
}

function hostileRoutes(deniedUrl: string, timers: Set<NodeJS.Timeout>, echoed: string[]): Record<string, Route> {
  const bigArray = JSON.stringify(new Array(20_000).fill(0));
  const bigString = JSON.stringify({ s: 'a'.repeat(700_000) });
  const gzipBomb = gzipSync(Buffer.alloc(5 * MiB, ' '));
  const record = (req: IncomingMessage, body: string) => {
    const seen = echoOf(req, body);
    echoed.push(JSON.stringify(seen));
    return seen;
  };
  return {
    '/pattern': (_req, _body, res) => json(res, 200, { s: `${'a'.repeat(64)}!` }),
    '/big-string': (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(bigString);
    },
    '/big-array': (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(bigArray);
    },
    '/huge': (_req, _body, res) => streamHuge(res, 5 * MiB),
    '/huge-length': (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(5 * MiB) });
      res.end(`"${'a'.repeat(5 * MiB - 2)}"`);
    },
    '/gzip-bomb': (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(gzipBomb.length) });
      res.end(gzipBomb);
    },
    '/drip': (_req, _body, res) => drip(res, timers),
    '/no-headers': () => undefined,
    '/echo': (req, body, res) => json(res, 200, record(req, body)),
    '/echo-500': (req, body, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`internal error while handling ${JSON.stringify(record(req, body))}`);
    },
    '/echo-encoded': (req, body, res) => {
      const seen = record(req, body);
      const auth = String(seen.headers.authorization ?? '');
      const token = auth.replace(/^Bearer /, '');
      json(res, 200, { b64: Buffer.from(token).toString('base64'), url: encodeURIComponent(token), hex: hexOf(token), raw: token });
    },
    '/redirect-metadata': (_req, _body, res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' });
      res.end();
    },
    '/redirect-denied': (_req, _body, res) => {
      res.writeHead(307, { location: `${deniedUrl}/steal` });
      res.end();
    },
  };
}

export async function startHostileServers(): Promise<HostileServers> {
  let deniedHits = 0;
  const denied = await listen(DENIED_HOST, (_req, _body, res) => {
    deniedHits += 1;
    json(res, 200, { ok: true });
  });
  const timers = new Set<NodeJS.Timeout>();
  const echoed: string[] = [];
  const routes = hostileRoutes(denied.url, timers, echoed);
  const allowed = await listen(ALLOWED_HOST, (req, body, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // A Prometheus provider pointed at `${allowed}/huge` asks for /huge/api/v1/query: route by the first segment.
    const route = routes[path] ?? routes[`/${path.split('/')[1] ?? ''}`];
    if (route) route(req, body, res);
    else json(res, 404, { error: `no route ${path}` });
  });
  return {
    allowed: allowed.url,
    denied: denied.url,
    deniedHits: () => deniedHits,
    echoed: () => echoed,
    async close() {
      for (const timer of timers) clearInterval(timer);
      await allowed.close();
      await denied.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Object builders

export interface MetricShape {
  successCondition?: string;
  failureCondition?: string;
  jsonPath?: string;
  timeoutSeconds?: number;
  headers?: Obj[];
  method?: 'GET' | 'POST' | 'PUT';
  body?: string;
}

/** A web metric that ends at its first failed or errored measurement. */
export function webMetric(name: string, url: string, shape: MetricShape = {}): Obj {
  const { successCondition, failureCondition, ...web } = shape;
  return {
    name,
    interval: '1s',
    count: 1,
    failureLimit: 0,
    consecutiveErrorLimit: 0,
    ...(successCondition === undefined ? {} : { successCondition }),
    ...(failureCondition === undefined ? {} : { failureCondition }),
    provider: { web: { url, timeoutSeconds: web.timeoutSeconds ?? 3, ...web } },
  };
}

/** A Prometheus metric (address omitted: the controller's Prometheus) that ends at its first failure or error. */
export function promMetric(name: string, query: string, extra: { successCondition?: string; address?: string } = {}): Obj {
  const prometheus: Obj = { query, timeout: 3 };
  if (extra.address !== undefined) prometheus.address = extra.address;
  return {
    name,
    interval: '1s',
    count: 1,
    failureLimit: 0,
    consecutiveErrorLimit: 0,
    ...(extra.successCondition === undefined ? {} : { successCondition: extra.successCondition }),
    provider: { prometheus },
  };
}

export function analysisRun(name: string, metrics: Obj[], args: Obj[] = []): Obj {
  return {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name, labels: { 'kanary.dev/hostile': 'true' } },
    spec: { args, metrics },
  };
}

export function template(name: string, metrics: Obj[], args: Obj[]): Obj {
  return { apiVersion: 'kanary.dev/v1alpha1', kind: 'AnalysisTemplate', metadata: { name }, spec: { args, metrics } };
}

/** A one-replica Rollout without traffic routing whose only step is an analysis of `templateName`. */
export function hostileRollout(name: string, image: string, templateName: string, args: Obj[]): Obj {
  const labels = { app: `h-${name.slice(0, 40)}` };
  return {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image, ports: [{ name: 'http', containerPort: 8080 }] }] } },
      strategy: { canary: { scaleDownDelaySeconds: 1, abortScaleDownDelaySeconds: 1, steps: [{ analysis: { templates: [{ templateName }], args } }] } },
    },
  };
}

/** A name of exactly `length` characters: `prefix`, then `x`s, then a final letter. */
export function nameOfLength(prefix: string, length: number): string {
  return `${prefix}${'x'.repeat(length - prefix.length - 1)}z`;
}

// ---------------------------------------------------------------------------------------------
// Probes

export interface HealthProbe {
  readonly latenciesMs: number[];
  /** Probes that did not get a 200 (status or error), with when. */
  readonly failures: string[];
  stop(): Promise<void>;
}

/**
 * The probe loop of the separate prober process: GETs URL/healthz every 100 ms, one JSON line per
 * probe ({ms, status} or {ms, error}), until stdin closes. The first probe only warms up the
 * prober's own HTTP client (its first request loads it) and is not reported.
 */
const PROBER = `
const url = process.argv[1];
let running = true;
let warm = false;
process.stdin.on('end', () => { running = false; }).resume();
(async () => {
  while (running) {
    const started = performance.now();
    try {
      const response = await fetch(url + '/healthz', { signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      if (warm) process.stdout.write(JSON.stringify({ ms: performance.now() - started, status: response.status }) + '\\n');
      warm = true;
    } catch (error) {
      process.stdout.write(JSON.stringify({ ms: performance.now() - started, error: String(error.message) }) + '\\n');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
})();
`;

/**
 * Probes `${url}/healthz` every 100 ms from a process of its own, as a kubelet would (the test's
 * own busy event loop does not add to the latencies), until stop(); each probe has a 5 s deadline.
 */
export function probeHealth(url: string): HealthProbe {
  const latenciesMs: number[] = [];
  const failures: string[] = [];
  const child = spawn(process.execPath, ['-e', PROBER, url], { stdio: ['pipe', 'pipe', 'inherit'] });
  let buffer = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      const probe = JSON.parse(line) as { ms: number; status?: number; error?: string };
      latenciesMs.push(probe.ms);
      if (probe.status !== 200) failures.push(`${new Date().toISOString()} ${probe.error ?? `HTTP ${probe.status}`}`);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    latenciesMs,
    failures,
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

export interface LeaseWatch {
  /** Observed holders that were not `identity` (must stay empty). */
  readonly foreign: string[];
  /** Distinct renewTimes seen. */
  readonly renewals: () => number;
  readonly observations: () => number;
  stop(): Promise<void>;
}

/** Reads the Lease every 500 ms; records any holder other than `identity`. */
export function watchLease(kc: k8s.KubeConfig, namespace: string, name: string, identity: string): LeaseWatch {
  const api = kc.makeApiClient(k8s.CoordinationV1Api);
  const foreign: string[] = [];
  const renewTimes = new Set<string>();
  let observations = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const lease = await api.readNamespacedLease({ namespace, name });
        observations += 1;
        const holder = lease.spec?.holderIdentity ?? '(none)';
        if (holder !== identity) foreign.push(`${new Date().toISOString()} ${holder}`);
        const renew = lease.spec?.renewTime;
        if (renew) renewTimes.add(new Date(renew as unknown as string).toISOString());
      } catch {
        // a failed read is not a lost lease; the count of observations shows the coverage
      }
      await sleep(500);
    }
  })();
  return {
    foreign,
    renewals: () => renewTimes.size,
    observations: () => observations,
    async stop() {
      running = false;
      await loop;
    },
  };
}

export interface StepTimeline {
  /** [stepIndex, ms since epoch when first seen]. */
  readonly entries: Array<[number, number]>;
  stop(): Promise<void>;
}

/** Polls the Rollout every 100 ms and records when each currentStepIndex is first seen. */
export function watchSteps(view: ClusterView, name = 'demo'): StepTimeline {
  const entries: Array<[number, number]> = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const status = ((await view.rollout(name)).status ?? {}) as Obj;
        const index = Number(status.currentStepIndex ?? -1);
        if (entries.at(-1)?.[0] !== index) entries.push([index, Date.now()]);
      } catch {
        // transient read error
      }
      await sleep(100);
    }
  })();
  return {
    entries,
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** Every encoding of `secret` the final grep looks for. */
export function secretForms(secret: string): string[] {
  const b64 = Buffer.from(secret).toString('base64');
  return [secret, b64, b64.replace(/=+$/, ''), b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), encodeURIComponent(secret), hexOf(secret)];
}

/** The forms of `secret` found in `text`. */
export function leakedForms(text: string, secret: string): string[] {
  return secretForms(secret).filter((form) => text.includes(form));
}
