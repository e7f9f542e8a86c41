import { ApiException } from '@kubernetes/client-node';
import {
  ConflictError,
  ForbiddenError,
  GoneError,
  InvalidError,
  KubeError,
  NotFoundError,
  TransientError,
  UnexpectedApiError,
  callKube,
  toKubeError,
} from '../../src/kube/errors.js';

function apiException(code: number, status: object | string | undefined): ApiException<unknown> {
  const body = typeof status === 'object' ? JSON.stringify(status) : status;
  return new ApiException(code, 'Unknown API Status Code!', body, {});
}

function networkError(code: string): Error {
  return Object.assign(new Error(`request failed, reason: connect ${code}`), { code, type: 'system' });
}

const op = { verb: 'patch', resource: 'replicasets', namespace: 'ns', name: 'demo-abc' };

describe('toKubeError', () => {
  test.each([
    [404, NotFoundError],
    [409, ConflictError],
    [410, GoneError],
    [422, InvalidError],
    [403, ForbiddenError],
    [429, TransientError],
    [500, TransientError],
    [503, TransientError],
    [504, TransientError],
    [400, UnexpectedApiError],
    [401, UnexpectedApiError],
  ])('HTTP %i -> %p', (code, type) => {
    const err = toKubeError(apiException(code, { kind: 'Status', message: 'boom' }), op);
    expect(err).toBeInstanceOf(type);
    expect(err.statusCode).toBe(code);
  });

  test.each([['ECONNREFUSED'], ['ECONNRESET'], ['ETIMEDOUT']])('network error %s is transient', (code) => {
    const err = toKubeError(networkError(code), op);
    expect(err).toBeInstanceOf(TransientError);
    expect(err.retryable).toBe(true);
    expect(err.statusCode).toBe(0);
  });

  test('a node-fetch request timeout is transient', () => {
    const timeout = Object.assign(new Error('network timeout'), { type: 'request-timeout' });
    expect(toKubeError(timeout)).toBeInstanceOf(TransientError);
  });

  test('an abort is transient', () => {
    const abort = Object.assign(new Error('The user aborted a request.'), { name: 'AbortError', type: 'aborted' });
    expect(toKubeError(abort)).toBeInstanceOf(TransientError);
  });

  test('a conflict requeues immediately and keeps the API reason', () => {
    const err = toKubeError(apiException(409, { reason: 'AlreadyExists', message: 'mappings "x" already exists' }));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.requeueImmediately).toBe(true);
    expect((err as ConflictError).reason).toBe('AlreadyExists');
  });

  test('only conflicts requeue immediately', () => {
    expect(toKubeError(apiException(404, {})).requeueImmediately).toBe(false);
    expect(toKubeError(apiException(500, {})).requeueImmediately).toBe(false);
  });

  test('an invalid answer carries the causes', () => {
    const causes = [{ reason: 'FieldValueInvalid', message: 'must be no more than 63 characters', field: 'metadata.labels' }];
    const err = toKubeError(apiException(422, { reason: 'Invalid', message: 'invalid', details: { causes } }));
    expect((err as InvalidError).causes).toEqual(causes);
  });

  test('forbidden names the verb and resource', () => {
    const err = toKubeError(apiException(403, { reason: 'Forbidden', message: 'nope' }), op) as ForbiddenError;
    expect([err.verb, err.resource]).toEqual(['patch', 'replicasets']);
    expect(err.message).toContain('patch replicasets ns/demo-abc');
  });

  test('the message comes from the Status body, with the operation', () => {
    const err = toKubeError(apiException(404, { message: 'replicasets.apps "demo-abc" not found' }), op);
    expect(err.message).toBe('patch replicasets ns/demo-abc: replicasets.apps "demo-abc" not found');
  });

  test('a body that is not JSON still maps by status code', () => {
    const err = toKubeError(apiException(502, '<html>bad gateway</html>'));
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toBe('HTTP 502');
  });

  test('a KubeError passes through unchanged', () => {
    const original = new NotFoundError('x', 404);
    expect(toKubeError(original)).toBe(original);
  });

  test('anything else is an unexpected error that keeps its cause', () => {
    const cause = new TypeError('x is not a function');
    const err = toKubeError(cause);
    expect(err).toBeInstanceOf(UnexpectedApiError);
    expect(err).toBeInstanceOf(KubeError);
    expect(err.cause).toBe(cause);
  });
});

describe('callKube', () => {
  test('resolves with the call result', async () => {
    await expect(callKube(op, async () => 42)).resolves.toBe(42);
  });

  test('rejects with the mapped error', async () => {
    await expect(
      callKube(op, async () => {
        throw apiException(409, { reason: 'Conflict' });
      }),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});
