/**
 * Typed Kubernetes API errors. client-node 1.4 throws `ApiException` (HTTP `code` + raw `body`) for
 * API answers and node-fetch `FetchError`/`AbortError` (with `code`/`type`) for network failures.
 * `toKubeError` maps them by status code and error code, never by message text.
 */

/** What the caller was doing, so a Forbidden error can name the resource and verb. */
export interface KubeOperation {
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
}

/** One field-level cause of a 422 Invalid answer (metav1.StatusCause). */
export interface InvalidCause {
  reason?: string;
  message?: string;
  field?: string;
}

export class KubeError extends Error {
  /** HTTP status code, 0 for network failures. */
  readonly statusCode: number;
  /** Whether the controller should requeue without backoff (409 Conflict). */
  readonly requeueImmediately: boolean = false;
  /** Whether a retry with backoff can succeed without a change elsewhere. */
  readonly retryable: boolean = false;

  constructor(message: string, statusCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.statusCode = statusCode;
  }
}

export class NotFoundError extends KubeError {}

export class ConflictError extends KubeError {
  override readonly requeueImmediately = true;
  /** `AlreadyExists` (create of an existing name) or `Conflict` (stale resourceVersion, precondition). */
  readonly reason: string;

  constructor(message: string, reason: string, options?: { cause?: unknown }) {
    super(message, 409, options);
    this.reason = reason;
  }
}

export class GoneError extends KubeError {}

export class InvalidError extends KubeError {
  readonly causes: InvalidCause[];

  constructor(message: string, causes: InvalidCause[], options?: { cause?: unknown }) {
    super(message, 422, options);
    this.causes = causes;
  }
}

export class ForbiddenError extends KubeError {
  readonly verb: string;
  readonly resource: string;

  constructor(message: string, op: KubeOperation, options?: { cause?: unknown }) {
    super(message, 403, options);
    this.verb = op.verb;
    this.resource = op.resource;
  }
}

/** 5xx, 429, timeouts and connection failures: retry with backoff. */
export class TransientError extends KubeError {
  override readonly retryable = true;
}

/** Any other API answer (400, 401, 405, ...): not retryable as is. */
export class UnexpectedApiError extends KubeError {}

/** The parts of a metav1.Status we use. */
interface ApiStatus {
  message?: string;
  reason?: string;
  details?: { causes?: InvalidCause[] };
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** node-fetch FetchError/AbortError `type` values that mean the request did not complete. */
const NETWORK_ERROR_TYPES = new Set(['request-timeout', 'body-timeout', 'aborted', 'system']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The raw body of an ApiException is a JSON string (or already an object) holding a Status. */
export function parseApiStatus(body: unknown): ApiStatus {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return {};
    }
  }
  return isRecord(parsed) ? (parsed as ApiStatus) : {};
}

function hasHttpCode(err: unknown): err is { code: number; body?: unknown } {
  return isRecord(err) && typeof err['code'] === 'number';
}

function isNetworkError(err: unknown): boolean {
  if (!isRecord(err)) return false;
  const code = err['code'];
  const type = err['type'];
  return (
    (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) ||
    (typeof type === 'string' && NETWORK_ERROR_TYPES.has(type)) ||
    err['name'] === 'AbortError' ||
    err['name'] === 'TimeoutError'
  );
}

function describe(op: KubeOperation | undefined, detail: string): string {
  if (!op) return detail;
  const target = [op.namespace, op.name].filter(Boolean).join('/');
  return `${op.verb} ${op.resource}${target ? ` ${target}` : ''}: ${detail}`;
}

type ErrorFactory = (message: string, status: ApiStatus, op: KubeOperation | undefined, cause: unknown) => KubeError;

const BY_STATUS_CODE: ReadonlyMap<number, ErrorFactory> = new Map<number, ErrorFactory>([
  [404, (message, _status, _op, cause) => new NotFoundError(message, 404, { cause })],
  [409, (message, status, _op, cause) => new ConflictError(message, status.reason ?? 'Conflict', { cause })],
  [410, (message, _status, _op, cause) => new GoneError(message, 410, { cause })],
  [422, (message, status, _op, cause) => new InvalidError(message, status.details?.causes ?? [], { cause })],
  [403, (message, _status, op, cause) => new ForbiddenError(message, op ?? { verb: 'unknown', resource: 'unknown' }, { cause })],
  [429, (message, _status, _op, cause) => new TransientError(message, 429, { cause })],
]);

function fromStatusCode(code: number, status: ApiStatus, op: KubeOperation | undefined, cause: unknown): KubeError {
  const message = describe(op, status.message ?? `HTTP ${code}`);
  const factory = BY_STATUS_CODE.get(code);
  if (factory) return factory(message, status, op, cause);
  if (code >= 500) return new TransientError(message, code, { cause });
  return new UnexpectedApiError(message, code, { cause });
}

/** Maps anything thrown by a client-node call to a KubeError (KubeErrors pass through unchanged). */
export function toKubeError(err: unknown, op?: KubeOperation): KubeError {
  if (err instanceof KubeError) return err;
  if (hasHttpCode(err)) return fromStatusCode(err.code, parseApiStatus(err.body), op, err);
  const detail = err instanceof Error ? err.message : String(err);
  if (isNetworkError(err)) return new TransientError(describe(op, detail), 0, { cause: err });
  return new UnexpectedApiError(describe(op, detail), 0, { cause: err });
}

/** Runs one API call and rethrows its failure as a KubeError. */
export async function callKube<T>(op: KubeOperation, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toKubeError(err, op);
  }
}

/** True for a 404; handy for idempotent deletes. */
export function isNotFound(err: unknown): boolean {
  return err instanceof NotFoundError;
}
