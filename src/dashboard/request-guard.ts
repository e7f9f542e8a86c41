/**
 * Who may act through the dashboard (pure). An action is a POST that carries this process's
 * CSRF token in `X-Kanary-CSRF` and comes from the page itself: the Origin header (browsers send it
 * on every POST) must name the host the request was sent to. Read-only mode refuses every action.
 */
import { timingSafeEqual } from 'node:crypto';

export const CSRF_HEADER = 'x-kanary-csrf';

export interface GuardRequest {
  method?: string | undefined;
  headers: NodeJS.Dict<string | string[]>;
}

export interface GuardSettings {
  csrfToken: string;
  readOnly: boolean;
}

export type GuardResult = { ok: true } | { ok: false; statusCode: number; message: string };

function header(request: GuardRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when Origin is present and is `http://<Host>` (the dashboard serves plain HTTP). */
export function isSameOrigin(request: GuardRequest): boolean {
  const origin = header(request, 'origin');
  const host = header(request, 'host');
  if (origin === undefined || host === undefined) return false;
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && url.host === host.toLowerCase();
  } catch {
    return false;
  }
}

export function checkActionRequest(request: GuardRequest, settings: GuardSettings): GuardResult {
  if (request.method !== 'POST') return { ok: false, statusCode: 405, message: 'actions need POST' };
  if (settings.readOnly) return { ok: false, statusCode: 403, message: 'the dashboard runs with --read-only: actions are disabled' };
  if (!isSameOrigin(request)) return { ok: false, statusCode: 403, message: 'cross-origin request refused (Origin must match Host)' };
  if (!sameToken(header(request, CSRF_HEADER), settings.csrfToken)) return { ok: false, statusCode: 403, message: 'missing or wrong CSRF token' };
  return { ok: true };
}

/** The Host names a loopback-bound dashboard answers to (against DNS rebinding). */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/** True when `allowed` is undefined or the Host header's name (port stripped) is in it. */
export function isAllowedHost(host: string | undefined, allowed: readonly string[] | undefined): boolean {
  if (allowed === undefined) return true;
  if (host === undefined) return false;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  return allowed.includes(name);
}
