import { execFile } from 'node:child_process';
import { mkdir, open, readdir, readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { containerLogDirectory } from './controller-runtime.js';

const run = promisify(execFile);

export interface LogServer {
  port: number;
  stop(): Promise<void>;
}

export interface LogServerOptions {
  rootDir: string;
  /** The uid of a pod this kubelet knows, by namespace and name. */
  podUid: (namespace: string, name: string) => string | undefined;
  /** PEM: only clients with a certificate from this CA (the API server's) are served. */
  clientCa?: string;
  log: (line: Record<string, unknown>) => void;
}

/** Parses `/containerLogs/NS/POD/CONTAINER` (the kubelet API path the API server proxies `pods/log` to). */
export interface LogRequest {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
  follow: boolean;
  tailLines?: number;
}

export function parseLogPath(url: string): LogRequest | undefined {
  const parsed = new URL(url, 'https://kubelet');
  const match = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(parsed.pathname);
  if (!match) return undefined;
  const tail = parsed.searchParams.get('tailLines');
  return {
    namespace: decodeURIComponent(match[1] ?? ''),
    pod: decodeURIComponent(match[2] ?? ''),
    container: decodeURIComponent(match[3] ?? ''),
    previous: parsed.searchParams.get('previous') === 'true',
    follow: parsed.searchParams.get('follow') === 'true',
    ...(tail !== null && /^\d+$/.test(tail) ? { tailLines: Number(tail) } : {}),
  };
}

/** The last `tailLines` lines of a log (all when undefined). Pure. */
export function tailLog(text: string, tailLines: number | undefined): string {
  if (tailLines === undefined) return text;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(Math.max(0, lines.length - tailLines)).map((line) => `${line}\n`).join('');
}

async function latestLogFile(dir: string, previous: boolean): Promise<string | undefined> {
  const starts = (await readdir(dir).catch(() => [] as string[]))
    .map((name) => /^(\d+)\.log$/.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const index = starts.at(previous ? -2 : -1);
  return index === undefined ? undefined : join(dir, `${index}.log`);
}

const followPollMs = 250;

/** Sends what the file gains from `offset` on, until the client goes away (`kubectl logs -f`). */
function follow(file: string, offset: number, response: ServerResponse): void {
  let position = offset;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      const handle = await open(file, 'r');
      try {
        const { size } = await handle.stat();
        if (size <= position) return;
        const buffer = Buffer.alloc(size - position);
        await handle.read(buffer, 0, buffer.length, position);
        position = size;
        response.write(buffer);
      } finally {
        await handle.close();
      }
    })().catch(() => response.end()).finally(() => {
      busy = false;
    });
  }, followPollMs);
  response.on('close', () => clearInterval(timer));
}

async function serveLog(target: LogRequest, dir: string, response: ServerResponse): Promise<void> {
  const file = await latestLogFile(dir, target.previous);
  if (file === undefined) {
    response.writeHead(404).end(`no log for container ${target.container} of pod ${target.pod}\n`);
    return;
  }
  const text = await readFile(file, 'utf8');
  response.writeHead(200, { 'Content-Type': 'text/plain' });
  if (!target.follow) {
    response.end(tailLog(text, target.tailLines));
    return;
  }
  response.write(tailLog(text, target.tailLines));
  follow(file, Buffer.byteLength(text), response);
}

/** A self-signed serving certificate for 127.0.0.1 (the API server does not verify the kubelet's). */
async function servingCertificate(dir: string): Promise<{ cert: string; key: string }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const cert = join(dir, 'kubelet.crt');
  const key = join(dir, 'kubelet.key');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '365', '-subj', '/CN=kanary-sim-node', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  return { cert: await readFile(cert, 'utf8'), key: await readFile(key, 'utf8') };
}

/**
 * The kubelet API's log endpoint on 127.0.0.1 (HTTPS, as the API server expects): `kubectl logs`
 * reaches it through the API server's pods/log proxy. Serves the log files the kubelet keeps for the
 * containers it runs as real processes (the controller image), with `tailLines`, `previous` and
 * `follow` (the current start's file, until the client hangs up). Only logs: every other path is 404.
 * With `clientCa`, a client without a certificate of that CA is refused in the TLS handshake.
 */
export async function startLogServer(options: LogServerOptions): Promise<LogServer> {
  const tls = await servingCertificate(join(options.rootDir, 'pki'));
  const clientAuth = options.clientCa ? { requestCert: true, rejectUnauthorized: true, ca: options.clientCa } : {};
  const server = https.createServer({ ...tls, ...clientAuth }, (request, response) => {
    const target = parseLogPath(request.url ?? '');
    const uid = target ? options.podUid(target.namespace, target.pod) : undefined;
    if (!target || !uid) {
      response.writeHead(404).end('not found\n');
      return;
    }
    serveLog(target, containerLogDirectory(options.rootDir, uid, target.container), response).catch((err: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(`${String(err)}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  options.log({ msg: 'kubelet log endpoint listening', port });
  return {
    port,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
