/**
 * kanary-emissary-conversion's HTTPS server: the CRD conversion webhook of the local stack,
 * following Emissary 3.10's documented v2⇄v3alpha1 field mapping (not Emissary's own apiext).
 * POST /webhooks/crd-convert takes an apiextensions.k8s.io/v1 ConversionReview; GET /healthz
 * answers 200.
 */
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { reviewConversion } from './convert-object.js';
import { readOutageNamespaces, reviewIsInOutage } from './outage.js';

export const CONVERT_PATH = '/webhooks/crd-convert';
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface ConversionWebhookOptions {
  certPem: string;
  keyPem: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** A file naming namespaces whose conversions fail as if the webhook were stopped (see outage.ts). */
  outageFile?: string;
}

export interface ConversionWebhook {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error('request body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, outageFile: string | undefined): Promise<void> {
  const path = (req.url ?? '').split('?')[0];
  if (req.method === 'GET' && path === '/healthz') return reply(res, 200, 'ok');
  if (path !== CONVERT_PATH) return reply(res, 404, 'not found');
  if (req.method !== 'POST') return reply(res, 405, 'POST only');
  let review: unknown;
  try {
    review = JSON.parse(await readBody(req));
  } catch (error) {
    return reply(res, 400, `not a JSON ConversionReview: ${(error as Error).message}`);
  }
  if (reviewIsInOutage(review, readOutageNamespaces(outageFile))) {
    req.socket.destroy();
    return;
  }
  return reply(res, 200, reviewConversion(review));
}

/** Listens on host:port (127.0.0.1 and a free port by default) and resolves once listening. */
export function startConversionWebhook(options: ConversionWebhookOptions): Promise<ConversionWebhook> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer({ cert: options.certPem, key: options.keyPem }, (req, res) => {
    handle(req, res, options.outageFile).catch((error: unknown) => {
      if (!res.headersSent) reply(res, 500, (error as Error).message);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        server,
        port,
        url: `https://${host}:${port}${CONVERT_PATH}`,
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}
