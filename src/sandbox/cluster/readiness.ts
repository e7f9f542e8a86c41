import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ComponentRecord } from './cluster-state.js';
import { isRunning, logTail } from './processes.js';

/** Client TLS material for the apiserver (PEM strings). */
export interface TlsClient {
  ca: string;
  cert: string;
  key: string;
}

export interface Probe {
  status: number;
  body: string;
}

/** GET url (http or https with client TLS); rejects on connection errors, never on a status. */
export function get(url: string, tls?: TlsClient, timeoutMs = 5_000): Promise<Probe> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs, ...(tls ?? {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export interface WaitReadyOptions {
  name: string;
  /** The process that must stay alive while waiting (its log is quoted when it dies). */
  process?: ComponentRecord;
  check: () => Promise<boolean>;
  timeoutMs: number;
  intervalMs?: number;
}

async function passes(check: () => Promise<boolean>): Promise<boolean> {
  try {
    return await check();
  } catch {
    return false;
  }
}

/** Polls `check` until it passes; fails fast with the log tail when the process dies. */
export async function waitReady(options: WaitReadyOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await passes(options.check)) return;
    const proc = options.process;
    if (proc && !isRunning(proc)) {
      throw new Error(`${options.name} exited during start-up; last lines of ${proc.log}:\n${logTail(proc.log)}`);
    }
    if (Date.now() >= deadline) {
      const where = proc ? `; see ${proc.log}` : '';
      throw new Error(`${options.name} was not ready after ${options.timeoutMs / 1000} s${where}`);
    }
    await sleep(options.intervalMs ?? 250);
  }
}
