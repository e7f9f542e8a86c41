import { checkActionRequest, isAllowedHost, isSameOrigin, LOOPBACK_HOSTS } from '../../src/dashboard/request-guard.js';

const token = 'a'.repeat(64);
const good = { method: 'POST', headers: { host: '127.0.0.1:8377', origin: 'http://127.0.0.1:8377', 'x-kanary-csrf': token } };

describe('checkActionRequest', () => {
  test('a same-origin POST with the token passes', () => {
    expect(checkActionRequest(good, { csrfToken: token, readOnly: false })).toEqual({ ok: true });
  });

  test.each([
    ['GET', { ...good, method: 'GET' }, 405, 'POST'],
    ['no token', { ...good, headers: { ...good.headers, 'x-kanary-csrf': undefined } }, 403, 'CSRF'],
    ['wrong token', { ...good, headers: { ...good.headers, 'x-kanary-csrf': 'b'.repeat(64) } }, 403, 'CSRF'],
    ['short token', { ...good, headers: { ...good.headers, 'x-kanary-csrf': 'a' } }, 403, 'CSRF'],
    ['no Origin', { ...good, headers: { ...good.headers, origin: undefined } }, 403, 'cross-origin'],
    ['other Origin', { ...good, headers: { ...good.headers, origin: 'http://evil.example' } }, 403, 'cross-origin'],
    ['other port', { ...good, headers: { ...good.headers, origin: 'http://127.0.0.1:9999' } }, 403, 'cross-origin'],
  ])('%s is refused', (_label, request, statusCode, words) => {
    const result = checkActionRequest(request, { csrfToken: token, readOnly: false });
    expect(result).toMatchObject({ ok: false, statusCode });
    expect(result.ok ? '' : result.message).toContain(words);
  });

  test('read-only refuses even a perfect request', () => {
    expect(checkActionRequest(good, { csrfToken: token, readOnly: true })).toMatchObject({ ok: false, statusCode: 403, message: expect.stringContaining('read-only') });
  });
});

describe('isSameOrigin and isAllowedHost', () => {
  test.each([
    ['http://localhost:1234', 'localhost:1234', true],
    ['https://localhost:1234', 'localhost:1234', false],
    ['not a url', 'localhost:1234', false],
    ['http://LOCALHOST:1234', 'localhost:1234', true],
  ])('origin %s for host %s: %s', (origin, host, expected) => {
    expect(isSameOrigin({ method: 'POST', headers: { origin, host } })).toBe(expected);
  });

  test.each([
    ['127.0.0.1:8377', true],
    ['localhost', true],
    ['[::1]:8377', true],
    ['attacker.example:8377', false],
    [undefined, false],
  ])('loopback Host %s allowed: %s', (host, expected) => {
    expect(isAllowedHost(host, LOOPBACK_HOSTS)).toBe(expected);
  });

  test('without a list every Host is allowed (non-loopback bind)', () => {
    expect(isAllowedHost('dash.example:80', undefined)).toBe(true);
  });
});
