/**
 * The dashboard's HTTP server: the bundled page, JSON snapshots, server-sent events that push a new
 * snapshot within ~100 ms of any watched change, and POST actions guarded by a per-process CSRF
 * token and a same-origin check. No CORS headers: other origins cannot read anything.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { IntentVerb } from '../core/intent-patches.js';
import type { Clock } from '../runtime/clock.js';
import type { DashboardSource } from './dashboard-watch.js';
import { checkActionRequest, isAllowedHost } from './request-guard.js';
import { buildOverview, buildRolloutPage, DASHBOARD_VERBS } from './view-model.js';
import { WeightHistory } from './weight-history.js';

export interface IntentResult {
  ok: boolean;
  /** HTTP-like status: 200, or the API server's code (403, 409, ...). */
  statusCode: number;
  message: string;
}

export type RunIntent = (verb: IntentVerb, target: { namespace: string; name: string }) => Promise<IntentResult>;

export interface DashboardServerOptions {
  source: DashboardSource;
  runIntent: RunIntent;
  readOnly: boolean;
  assetsDir: string;
  clock: Clock;
  /** What the header says we look at, e.g. `context kind-dev, namespace shop`. */
  scopeLabel: string;
  /** Host names the page may be requested under; undefined accepts any (non-loopback bind). */
  allowedHosts?: readonly string[];
  csrfToken?: string;
  /** Coalesces bursts of watch events (default 100 ms). */
  pushDelayMs?: number;
}

interface Subscriber {
  response: ServerResponse;
  target?: { namespace: string; name: string };
}

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const ASSETS: Record<string, string> = { '/assets/app.js': 'text/javascript; charset=utf-8', '/assets/app.css': 'text/css; charset=utf-8' };

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function sendJson(response: ServerResponse, statusCode: number, body: unknown): void {
  response.writeHead(statusCode, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function parseTarget(ns: string | undefined, name: string | undefined): { namespace: string; name: string } | undefined {
  if (!ns || !name) return undefined;
  try {
    return { namespace: decodeURIComponent(ns), name: decodeURIComponent(name) };
  } catch {
    return undefined;
  }
}

export class DashboardServer {
  readonly csrfToken: string;
  private readonly server: Server;
  private readonly subscribers = new Set<Subscriber>();
  private readonly history = new WeightHistory();
  private pushTimer: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly options: DashboardServerOptions) {
    this.csrfToken = options.csrfToken ?? randomBytes(32).toString('hex');
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) sendJson(response, 500, { ok: false, message: (error as Error).message });
        else response.end();
      });
    });
    options.source.onChange(() => this.schedulePush());
  }

  /** Listens on `address:port`; rejects with the listen error (EADDRINUSE, EACCES, ...). */
  listen(port: number, address: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, address, () => {
        this.server.removeListener('error', onError);
        this.heartbeat = setInterval(() => this.broadcastRaw(': keep-alive\n\n'), 15_000);
        this.recordWeights();
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.pushTimer?.();
    for (const subscriber of this.subscribers) subscriber.response.end();
    this.subscribers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private schedulePush(): void {
    if (this.pushTimer) return;
    this.pushTimer = this.options.clock.setTimer(() => {
      this.pushTimer = undefined;
      this.recordWeights();
      for (const subscriber of this.subscribers) this.send(subscriber);
    }, this.options.pushDelayMs ?? 100);
  }

  private recordWeights(): void {
    const now = this.options.clock.now();
    const overview = buildOverview(this.options.source.objects(), now);
    for (const row of overview) this.history.record(`${row.namespace}/${row.name}`, now, row.actualWeight);
    this.history.retain(new Set(overview.map((row) => `${row.namespace}/${row.name}`)));
  }

  private frame(target: Subscriber['target']): unknown {
    const { source, clock, readOnly, scopeLabel } = this.options;
    const now = clock.now();
    const base = { nowMs: now, readOnly, scopeLabel, connection: source.connection(), scopes: source.scopes() };
    if (!target) return { ...base, overview: buildOverview(source.objects(), now) };
    const history = this.history.get(`${target.namespace}/${target.name}`);
    return { ...base, target, page: buildRolloutPage(source.objects(), target, history, now) ?? null };
  }

  private send(subscriber: Subscriber): void {
    subscriber.response.write(`event: state\ndata: ${JSON.stringify(this.frame(subscriber.target))}\n\n`);
  }

  private broadcastRaw(text: string): void {
    for (const subscriber of this.subscribers) subscriber.response.write(text);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!isAllowedHost(request.headers.host, this.options.allowedHosts)) {
      sendJson(response, 421, { ok: false, message: 'unexpected Host header' });
      return;
    }
    const url = new URL(request.url ?? '/', 'http://dashboard.invalid');
    const path = url.pathname;
    if (path.startsWith('/api/')) {
      await this.handleApi(request, response, url);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { ok: false, message: 'method not allowed' });
      return;
    }
    const type = ASSETS[path];
    if (type) {
      const body = await readFile(join(this.options.assetsDir, path.slice('/assets/'.length)));
      response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type });
      response.end(body);
      return;
    }
    await this.sendIndex(response);
  }

  private async sendIndex(response: ServerResponse): Promise<void> {
    const template = await readFile(join(this.options.assetsDir, 'index.html'), 'utf8');
    const html = template
      .replace('{{CSRF_TOKEN}}', escapeAttribute(this.csrfToken))
      .replace('{{READ_ONLY}}', this.options.readOnly ? 'true' : 'false');
    response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' });
    response.end(html);
  }

  private async handleApi(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const parts = url.pathname.split('/').filter(Boolean); // api, ...
    const queried = () => parseTarget(url.searchParams.get('namespace') ?? undefined, url.searchParams.get('name') ?? undefined);
    const route = request.method === 'GET' ? parts[1] : undefined;
    if (route === 'events') {
      this.subscribe(request, response, queried());
    } else if (route === 'state') {
      sendJson(response, 200, this.frame(queried()));
    } else if (parts[1] === 'rollouts' && parts[4] === 'actions' && parts.length === 6) {
      await this.handleAction(request, response, { target: parseTarget(parts[2], parts[3]), verb: parts[5] });
    } else {
      sendJson(response, 404, { ok: false, message: 'not found' });
    }
  }

  private subscribe(request: IncomingMessage, response: ServerResponse, target: Subscriber['target']): void {
    response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    response.write('retry: 1000\n\n');
    const subscriber: Subscriber = target ? { response, target } : { response };
    this.subscribers.add(subscriber);
    request.on('close', () => this.subscribers.delete(subscriber));
    this.send(subscriber);
  }

  private async handleAction(request: IncomingMessage, response: ServerResponse, action: { target: Subscriber['target']; verb: string | undefined }): Promise<void> {
    const guard = checkActionRequest(request, { csrfToken: this.csrfToken, readOnly: this.options.readOnly });
    if (!guard.ok) {
      sendJson(response, guard.statusCode, { ok: false, statusCode: guard.statusCode, message: guard.message });
      return;
    }
    const verb = DASHBOARD_VERBS.find((v) => v === action.verb);
    if (!verb || !action.target) {
      sendJson(response, 404, { ok: false, statusCode: 404, message: `unknown action ${action.verb ?? ''}` });
      return;
    }
    request.resume();
    const result = await this.options.runIntent(verb, action.target);
    sendJson(response, result.ok ? 200 : result.statusCode, result);
  }
}
