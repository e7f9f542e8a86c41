import { buildMappingGroups, computeGroupKey, type HostSelector } from '../../../src/sandbox/edge-proxy/mapping-groups.js';
import { buildRoutingTable, selectRoute } from '../../../src/sandbox/edge-proxy/routing-table.js';
import { readEdgeMapping } from '../../../src/sandbox/edge-proxy/edge-mapping.js';
import { edgeMapping, rawMapping } from './mapping-fixture.js';

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
    // An explicit method also adds a `:method` header match, which is part of the group id.
    ['an explicit method GET', { method: 'GET' }, false],
    ['precedence 0 (as none)', { precedence: 0 }, true],
    ['a prefix_regex with the same string (the flag is not in the id)', { prefix_regex: true }, true],
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

describe('the :authority from host and hostname', () => {
  test.each([
    ['host and hostname of the same name', { host: 'shop.example.com' }, { hostname: 'shop.example.com' }, true],
    ['hostname wins over host', { hostname: 'shop.example.com', host: 'other.example' }, { hostname: 'shop.example.com' }, true],
    ['hostname "*" and no host at all', { hostname: '*' }, {}, false],
    ['different hostnames', { hostname: 'a.example' }, { hostname: 'b.example' }, false],
    ['a regex host and an exact host of the same text', { host: 'a.example', host_regex: true }, { host: 'a.example' }, true],
  ])('%s -> same group: %p', (_name, a, b, same) => {
    expect(computeGroupKey(edgeMapping('a', a)) === computeGroupKey(edgeMapping('b', b))).toBe(same);
  });
});

describe('Host mappingSelector labels', () => {
  const hosts: HostSelector[] = [{ key: 'shop/edge', matchLabels: { host: 'shop' } }];
  const labelled = (name: string, labels: Record<string, string>, spec: Record<string, unknown> = {}) => {
    const raw = rawMapping(name, spec);
    const result = readEdgeMapping({ ...raw, metadata: { ...(raw.metadata as object), labels } });
    if (!result.ok) throw new Error(result.error);
    return result.mapping;
  };

  test.each([
    ['both carry the selected label, other labels differ', { host: 'shop', team: 'a' }, { host: 'shop', team: 'b' }, true],
    ['only the base carries the selected label', { host: 'shop' }, {}, false],
    ['neither is selected', { team: 'a' }, { team: 'b' }, true],
  ])('%s -> same group: %p', (_name, a, b, same) => {
    expect(computeGroupKey(labelled('a', a), hosts) === computeGroupKey(labelled('b', b), hosts)).toBe(same);
  });

  test('without Hosts labels do not matter; a Mapping with an exact hostname ignores them', () => {
    expect(computeGroupKey(labelled('a', { host: 'shop' }))).toBe(computeGroupKey(labelled('b', {})));
    expect(computeGroupKey(labelled('a', { host: 'shop' }, { hostname: 'x.example' }), hosts))
      .toBe(computeGroupKey(labelled('b', {}, { hostname: 'x.example' }), hosts));
  });
});

describe('a canary Mapping that lost the base\'s hostname', () => {
  const env = { ambassadorNamespace: 'ambassador', ambassadorId: 'default' };
  const base = edgeMapping('demo', { hostname: 'shop.example.com', stats_name: 'demo_stable' });
  const canary = edgeMapping('demo-canary', { service: 'demo-canary:80', weight: 30, stats_name: 'demo_canary' });

  test('forms its own group, and its weight does not split the base\'s traffic', () => {
    const { table } = buildRoutingTable({ ...env, mappings: [base, canary] });
    expect(table.groups.map((g) => g.entries.map((e) => [e.mapping.name, e.percent]))).toEqual([
      [['demo', 100]],
      [['demo-canary', 100]],
    ]);
  });

  test('gets ~0% of the requests for the base\'s host, reported under its own stats_name', () => {
    const { table } = buildRoutingTable({ ...env, mappings: [base, canary] });
    const request = { method: 'GET', url: '/demo/x', host: 'shop.example.com', headers: {} };
    const byCluster = new Map<string, number>();
    for (let draw = 0; draw < 100; draw += 1) {
      const cluster = selectRoute(table, request, draw)?.entry.clusterName ?? 'none';
      byCluster.set(cluster, (byCluster.get(cluster) ?? 0) + 1);
    }
    expect(Object.fromEntries(byCluster)).toEqual({ demo_stable: 100 });
  });

  test('with the hostname kept, the canary gets its 30%', () => {
    const kept = edgeMapping('demo-canary', { hostname: 'shop.example.com', service: 'demo-canary:80', weight: 30, stats_name: 'demo_canary' });
    const { table } = buildRoutingTable({ ...env, mappings: [base, kept] });
    const request = { method: 'GET', url: '/demo/x', host: 'shop.example.com', headers: {} };
    let canaryCount = 0;
    for (let draw = 0; draw < 100; draw += 1) if (selectRoute(table, request, draw)?.entry.clusterName === 'demo_canary') canaryCount += 1;
    expect(canaryCount).toBe(30);
  });
});
