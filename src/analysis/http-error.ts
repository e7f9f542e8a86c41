// Turns an axios/network failure into a sentence saying what happened.
import { isAxiosError } from 'axios';

interface NetworkErrorContext {
  /** What was called, e.g. "Prometheus at http://127.0.0.1:9090". */
  target: string;
  timeoutMs: number;
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN']);

function causeCode(error: unknown): string | undefined {
  if (!isAxiosError(error)) return (error as { code?: string } | undefined)?.code;
  const cause = (error.cause ?? {}) as { code?: string };
  return error.code === 'ERR_NETWORK' || error.code === undefined ? cause.code ?? error.code : error.code;
}

function hostOf(target: string): string {
  const match = /[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(target);
  return match?.[1] ?? target;
}

export function describeNetworkError(error: unknown, context: NetworkErrorContext): string {
  const code = causeCode(error);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return `${context.target} did not answer within ${context.timeoutMs / 1000}s (timeout)`;
  }
  if (code === 'ECONNREFUSED') return `${context.target} refused the connection (ECONNREFUSED): is it running?`;
  if (code === 'ECONNRESET') return `${context.target} closed the connection (ECONNRESET)`;
  if (code !== undefined && DNS_CODES.has(code)) {
    return `cannot resolve host "${hostOf(context.target)}" (DNS ${code})`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `request to ${context.target} failed: ${message}${code === undefined ? '' : ` (${code})`}`;
}

/** The first characters of a body, on one line, for messages. */
export function snippet(body: string, max = 200): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
