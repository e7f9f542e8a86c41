import { matchHostname, matchesRequest, rewriteUrl, type RequestInfo } from '../../../src/sandbox/edge-proxy/route-match.js';
import { edgeMapping } from './mapping-fixture.js';

function request(overrides: Partial<RequestInfo> = {}): RequestInfo {
  return { method: 'GET', url: '/demo/hello', host: 'localhost:8080', headers: {}, ...overrides };
}

describe('matchesRequest', () => {
  test.each([
    ['prefix matches', {}, {}, true],
    ['prefix does not match', {}, { url: '/other' }, false],
    ['prefix is a plain string prefix', { prefix: '/dem' }, {}, true],
    ['case-sensitive by default', {}, { url: '/DEMO/x' }, false],
    ['case_sensitive false', { case_sensitive: false }, { url: '/DEMO/x' }, true],
    ['prefix_regex matches the whole path', { prefix: '/demo/[a-z]+', prefix_regex: true }, {}, true],
    ['prefix_regex does not match a part', { prefix: '/demo', prefix_regex: true }, {}, false],
    ['method matches', { method: 'POST' }, { method: 'POST' }, true],
    ['method differs', { method: 'POST' }, {}, false],
    ['host exact with port in request', { host: 'localhost' }, {}, true],
    ['host differs', { host: 'shop.example' }, {}, false],
    ['host_regex', { host: 'local.*', host_regex: true }, {}, true],
    ['hostname glob', { hostname: '*.example.com' }, { host: 'shop.example.com' }, true],
    ['hostname glob miss', { hostname: '*.example.com' }, {}, false],
    ['hostname *', { hostname: '*' }, {}, true],
    ['header exact', { headers: { 'X-Canary': 'yes' } }, { headers: { 'x-canary': 'yes' } }, true],
    ['header exact miss', { headers: { 'x-canary': 'yes' } }, { headers: { 'x-canary': 'no' } }, false],
    ['header presence', { headers: { 'x-canary': true } }, { headers: { 'x-canary': 'anything' } }, true],
    ['header absent', { headers: { 'x-canary': true } }, {}, false],
    ['regex header', { regex_headers: { 'x-user': 'u[0-9]+' } }, { headers: { 'x-user': 'u42' } }, true],
    ['query parameter', { query_parameters: { debug: '1' } }, { url: '/demo/?debug=1' }, true],
    ['query parameter miss', { query_parameters: { debug: '1' } }, { url: '/demo/?debug=0' }, false],
  ])('%s -> %p', (_name, spec, req, expected) => {
    expect(matchesRequest(edgeMapping('m', spec), request(req))).toBe(expected);
  });
});

describe('rewriteUrl', () => {
  test.each([
    ['default rewrite replaces the prefix with /', {}, '/demo/hello?x=1', '/hello?x=1'],
    ['prefix itself becomes /', {}, '/demo/', '/'],
    ['custom rewrite', { rewrite: '/api/v1/' }, '/demo/items', '/api/v1/items'],
    ['empty rewrite keeps the path', { rewrite: '' }, '/demo/items', '/demo/items'],
    ['literal like Envoy: prefix without slash', { prefix: '/demo' }, '/demo/x', '//x'],
    ['regex_rewrite wins', { regex_rewrite: { pattern: '^/demo/(.*)$', substitution: '/v2/\\1' } }, '/demo/a?q', '/v2/a?q'],
  ])('%s', (_name, spec, url, expected) => {
    expect(rewriteUrl(edgeMapping('m', spec), url)).toBe(expected);
  });
});

describe('matchHostname', () => {
  test.each([
    ['*', 'anything:80', true],
    ['shop.example.com', 'SHOP.example.com:8080', true],
    ['shop.example.com', 'api.example.com', false],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
  ])('%p vs %p -> %p', (pattern, host, expected) => {
    expect(matchHostname(pattern, host)).toBe(expected);
  });
});
