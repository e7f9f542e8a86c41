import http from 'node:http';
import { loopbackAddressOf } from '../../../src/sandbox/pod-network.js';

export interface GetResult {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** A URL to a pod IP (240.P.x.y) as the loopback URL the simulated pod listens on. */
export function onPodNetwork(url: string): string {
  const parsed = new URL(url);
  parsed.hostname = loopbackAddressOf(parsed.hostname);
  return parsed.toString();
}

/** One GET on a fresh connection (no keep-alive), so nothing stays open after a test; pod IPs are reached on loopback. */
export function httpGet(url: string): Promise<GetResult> {
  return new Promise((resolve, reject) => {
    const req = http.get(onPodNetwork(url), { agent: false, headers: { connection: 'close' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error(`timeout on ${url}`)));
  });
}

/** Resolves with the error code of a failed GET (e.g. ECONNREFUSED), or undefined if it succeeded. */
export async function connectError(url: string): Promise<string | undefined> {
  try {
    await httpGet(url);
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

/** Polls until check returns a value (not undefined), or fails after timeoutMs. */
export async function waitUntil<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
