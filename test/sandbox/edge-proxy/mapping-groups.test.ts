import { buildMappingGroups, computeGroupKey } from '../../../src/sandbox/edge-proxy/mapping-groups.js';
import { edgeMapping } from './mapping-fixture.js';

describe('computeGroupKey: Mappings with the same match criteria form one group', () => {
  test.each([
    ['same prefix, different service and weight', { service: 'demo-canary:80', weight: 10 }, true],
    ['same prefix in another namespace', { service: 'x' }, true],
    ['different prefix', { prefix: '/other/' }, false],
    ['a host', { host: 'shop.example.com' }, false],
    ['a hostname', { hostname: 'shop.example.com' }, false],
    ['a header', { headers: { 'x-canary': 'yes' } }, false],
    ['a regex header', { regex_headers: { 'x-canary': 'y.*' } }, false],
    ['a method', { method: 'POST' }, false],
    ['method GET (the default in the group id)', { method: 'GET' }, true],
    ['a precedence', { precedence: 5 }, false],
    ['a different rewrite (not a match criterion)', { rewrite: '/x/' }, true],
    ['a query parameter', { query_parameters: { debug: true } }, false],
  ])('%s -> same group: %p', (_name, spec, same) => {
    const base = computeGroupKey(edgeMapping('base'));
    expect(computeGroupKey(edgeMapping('other', spec)) === base).toBe(same);
  });

  test('header order does not matter', () => {
    const a = edgeMapping('a', { headers: { x: '1', y: '2' } });
    const b = edgeMapping('b', { headers: { y: '2', x: '1' } });
    expect(computeGroupKey(a)).toBe(computeGroupKey(b));
  });
});

describe('buildMappingGroups', () => {
  test('groups base and canary and orders members by namespace/name', () => {
    const groups = buildMappingGroups([
      edgeMapping('demo-canary', { service: 'demo-canary:80', weight: 20 }),
      edgeMapping('demo', {}),
      edgeMapping('api', { prefix: '/api/' }),
    ]);
    expect(groups.map((g) => g.mappings.map((m) => m.name))).toEqual([['demo', 'demo-canary'], ['api']]);
  });

  test.each([
    ['longer prefix first', [['short', { prefix: '/' }], ['long', { prefix: '/demo/v2/' }]], ['long', 'short']],
    ['precedence beats prefix length', [['long', { prefix: '/demo/v2/' }], ['prec', { prefix: '/', precedence: 10 }]], ['prec', 'long']],
    ['headers beat none at equal prefix', [['plain', {}], ['hdr', { headers: { 'x-canary': 'yes' } }]], ['hdr', 'plain']],
    ['host beats none at equal prefix', [['plain', {}], ['host', { host: 'a.example' }]], ['host', 'plain']],
  ] as Array<[string, Array<[string, Record<string, unknown>]>, string[]]>)('%s', (_name, specs, order) => {
    const groups = buildMappingGroups(specs.map(([name, spec]) => edgeMapping(name, spec)));
    expect(groups.map((g) => g.mappings[0]?.name)).toEqual(order);
  });
});
