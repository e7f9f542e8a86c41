import {
  AMBASSADOR_ID_MANGLE,
  SKIP_EMPTY_HOST,
  type Spec,
  type V3alpha1Tls,
  hostToV2,
  hostToV3alpha1,
  mappingSpecToV2,
  mappingSpecToV3alpha1,
  matchesToV2,
  matchesToV3alpha1,
  tlsToV2,
  tlsToV3alpha1,
} from '../../../src/sandbox/emissary-conversion/mapping-conversion.js';

const MANGLED_DEFAULT = [`${AMBASSADOR_ID_MANGLE}default`];

describe('host and hostname', () => {
  test.each([
    ['hostname "*"', { hostname: '*' }, {}],
    ['a specific hostname', { hostname: 'shop.example.com' }, { host: 'shop.example.com' }],
    ['neither', {}, { host: SKIP_EMPTY_HOST }],
    ['hostname wins over the deprecated host', { hostname: 'a.example', host: 'b.example' }, { host: 'a.example' }],
    ['deprecated host only', { host: 'b.example' }, { host: 'b.example' }],
    ['deprecated host "*"', { host: '*' }, {}],
    ['hostname with host_regex: the regex flag is cleared', { hostname: 'a.example', host_regex: true }, { host: 'a.example', hostRegex: false }],
    ['regex host', { host: '.*\\.example', host_regex: true }, { host: '.*\\.example', hostRegex: true }],
    ['host_regex true and no host', { host_regex: true }, { hostRegex: true }],
  ])('v3alpha1 → v2: %s', (_name, v3: Spec, expected) => {
    expect(hostToV2(v3.hostname, v3.host, v3.host_regex)).toEqual(expected);
  });

  test.each([
    ['no host', {}, { hostname: '*' }],
    ['a host', { host: 'shop.example.com' }, { hostname: 'shop.example.com' }],
    ['the empty-host marker', { host: SKIP_EMPTY_HOST }, {}],
    ['a regex host', { host: '.*\\.example', host_regex: true }, { host: '.*\\.example' }],
  ])('v2 → v3alpha1: %s', (_name, v2: Spec, expected) => {
    expect(hostToV3alpha1(v2.host, v2.host_regex)).toEqual(expected);
  });
});

describe('tls and the service scheme', () => {
  test.each([
    ['no tls', undefined, 'demo:80', { service: 'demo:80' }],
    ['a TLS context', 'upstream', 'demo:443', { tls: 'upstream', service: 'demo:443', v2ExplicitTLS: {} }],
    ['tls: true', true, 'demo:443', { service: 'https://demo:443', v2ExplicitTLS: { tls: 'bool:true', serviceScheme: '' } }],
    ['tls: true with http://', true, 'http://demo:443', { service: 'https://demo:443', v2ExplicitTLS: { tls: 'bool:true', serviceScheme: 'http://' } }],
    ['tls: false', false, 'demo:80', { service: 'demo:80', v2ExplicitTLS: { tls: 'bool:false' } }],
    ['https:// without tls', undefined, 'https://demo:443', { service: 'https://demo:443' }],
  ])('%s round-trips', (_name, tls: unknown, service, v3: V3alpha1Tls) => {
    expect(tlsToV3alpha1(tls, service)).toEqual(v3);
    const back = tlsToV2(v3.tls ?? '', v3.service, v3.v2ExplicitTLS);
    expect(back).toEqual(tls === undefined ? { service } : { tls, service });
  });
});

describe('headers and query parameters', () => {
  test('v2 bool true becomes a ".*" regex remembered by name, and comes back', () => {
    const v3 = matchesToV3alpha1({ 'x-canary': 'always', 'x-debug': true, 'x-off': false }, { 'x-re': '^a' });
    expect(v3).toEqual({ exact: { 'x-canary': 'always' }, regex: { 'x-re': '^a', 'x-debug': '.*' }, boolNames: ['x-debug'] });
    expect(matchesToV2(v3.exact, v3.regex, v3.boolNames)).toEqual({
      exact: { 'x-canary': 'always', 'x-debug': true },
      regex: { 'x-re': '^a' },
    });
  });

  test('an explicit regex of the same name is kept', () => {
    const v3 = matchesToV3alpha1({ 'x-debug': true }, { 'x-debug': '^on$' });
    expect(v3.regex).toEqual({ 'x-debug': '^on$' });
    expect(matchesToV2(v3.exact, v3.regex, v3.boolNames)).toEqual({ exact: { 'x-debug': true }, regex: { 'x-debug': '^on$' } });
  });
});

/** What Kanary reads and writes on a Mapping. */
const kanaryV3: Spec = {
  hostname: 'shop.example.com',
  prefix: '/shop/',
  service: 'shop-canary:80',
  weight: 30,
  headers: { 'x-canary': 'yes' },
  precedence: 5,
  stats_name: 'shop_canary',
  resolver: 'endpoint',
  labels: { ambassador: [{ request_label_group: [{ generic_key: { value: 'shop' } }] }] },
};

describe('whole Mapping specs', () => {
  test('v3alpha1 → v2 renames what v2 names differently and mangles ambassador_id', () => {
    expect(mappingSpecToV2(kanaryV3)).toEqual({
      host: 'shop.example.com',
      prefix: '/shop/',
      service: 'shop-canary:80',
      weight: 30,
      headers: { 'x-canary': 'yes' },
      precedence: 5,
      v3StatsName: 'shop_canary',
      resolver: 'endpoint',
      labels: { ambassador: [{ request_label_group: [{ generic_key: 'shop' }] }] },
      ambassador_id: MANGLED_DEFAULT,
    });
  });

  test.each([
    ['Kanary fields with a hostname', kanaryV3],
    ['hostname "*"', { ...kanaryV3, hostname: '*' }],
    ['every label specifier', {
      ...kanaryV3,
      labels: {
        ambassador: [
          { a: [{ source_cluster: { key: 'source_cluster' } }, { destination_cluster: { key: 'destination_cluster' } }] },
          { b: [{ remote_address: { key: 'remote_address' } }, { request_headers: { key: 'agent', header_name: 'user-agent', omit_if_not_present: true } }] },
          { c: [{ generic_key: { value: 'v', key: 'k' } }, { generic_key: { value: 'short', v2Shorthand: true } }] },
        ],
      },
    }],
    ['added headers in each v2 form', {
      ...kanaryV3,
      add_request_headers: { a: { value: '1', v2Representation: 'string' }, b: { value: '2', append: false }, c: { v2Representation: 'null' } },
    }],
    ['ambassador_id', { ...kanaryV3, ambassador_id: ['blue', 'green'] }],
  ])('v3alpha1 → v2 → v3alpha1 keeps %s', (_name, v3: Spec) => {
    const back = mappingSpecToV3alpha1(mappingSpecToV2(v3));
    expect(back).toEqual({ ...v3, ambassador_id: (v3.ambassador_id as string[] | undefined) ?? ['default'] });
  });

  test('a v3alpha1 Mapping with neither hostname nor host comes back with neither', () => {
    const { hostname: _dropped, ...noHost } = kanaryV3;
    const v2 = mappingSpecToV2(noHost);
    expect(v2.host).toBe(SKIP_EMPTY_HOST);
    expect(mappingSpecToV3alpha1(v2)).toEqual({ ...noHost, ambassador_id: ['default'] });
  });

  const kanaryV2: Spec = {
    host: 'shop.example.com',
    prefix: '/shop/',
    service: 'shop-canary:80',
    weight: 30,
    headers: { 'x-canary': 'yes', 'x-any': true },
    precedence: 5,
    v3StatsName: 'shop_canary',
    labels: { ambassador: [{ g: ['remote_address', { 'x-user': { header: 'x-user' } }, { generic_key: 'k' }] }] },
    add_response_headers: { a: 'x', b: { value: 'y', append: true }, c: null },
    tls: 'upstream-context',
  };

  test('v2 → v3alpha1 gives the v3alpha1 representation', () => {
    expect(mappingSpecToV3alpha1(kanaryV2)).toEqual({
      hostname: 'shop.example.com',
      prefix: '/shop/',
      service: 'shop-canary:80',
      weight: 30,
      headers: { 'x-canary': 'yes' },
      regex_headers: { 'x-any': '.*' },
      v2BoolHeaders: ['x-any'],
      precedence: 5,
      stats_name: 'shop_canary',
      labels: { ambassador: [{ g: [{ remote_address: { key: 'remote_address' } }, { request_headers: { key: 'x-user', header_name: 'x-user' } }, { generic_key: { value: 'k' } }] }] },
      add_response_headers: { a: { value: 'x', v2Representation: 'string' }, b: { value: 'y', append: true }, c: { v2Representation: 'null' } },
      tls: 'upstream-context',
      v2ExplicitTLS: {},
    });
  });

  test.each([
    ['Kanary fields', kanaryV2],
    ['no host (hostname "*")', { prefix: '/', service: 'demo:80' }],
    ['a host', { prefix: '/', service: 'demo:80', host: 'a.example' }],
  ])('v2 → v3alpha1 → v2 keeps %s (ambassador_id gains the v3alpha1-only mark)', (_name, v2: Spec) => {
    expect(mappingSpecToV2(mappingSpecToV3alpha1(v2))).toEqual({ ...v2, ambassador_id: MANGLED_DEFAULT });
  });

  test('a v2 string ambassador_id becomes a list, and the mark is removed again', () => {
    expect(mappingSpecToV3alpha1({ prefix: '/', service: 'd', ambassador_id: 'blue' }).ambassador_id).toEqual(['blue']);
    expect(mappingSpecToV3alpha1({ prefix: '/', service: 'd', ambassador_id: [`${AMBASSADOR_ID_MANGLE}blue`] }).ambassador_id).toEqual(['blue']);
  });

  test('a v2-only unknown field named hostname does not survive into v3alpha1 (v2 host decides)', () => {
    expect(mappingSpecToV3alpha1({ prefix: '/', service: 'd', hostname: 'x.example' }).hostname).toBe('*');
  });
});
