import { buildRoutingTable, selectRoute, type RoutingTable } from '../../../src/sandbox/edge-proxy/routing-table.js';
import type { RequestInfo } from '../../../src/sandbox/edge-proxy/route-match.js';
import { edgeMapping } from './mapping-fixture.js';

const env = { ambassadorNamespace: 'emissary', ambassadorId: 'default' };
const req: RequestInfo = { method: 'GET', url: '/demo/x', host: 'localhost', headers: {} };

function shares(table: RoutingTable): Record<string, number> {
  return Object.fromEntries(table.groups.flatMap((g) => g.entries.map((e) => [e.mapping.name, e.percent])));
}

describe('buildRoutingTable', () => {
  test.each([
    ['canary weight 0', 0, { demo: 100, 'demo-canary': 0 }],
    ['canary weight 10', 10, { demo: 90, 'demo-canary': 10 }],
    ['canary weight 50', 50, { demo: 50, 'demo-canary': 50 }],
    ['canary weight 100', 100, { demo: 0, 'demo-canary': 100 }],
  ])('%s', (_name, weight, expected) => {
    const { table, problems } = buildRoutingTable({
      ...env,
      mappings: [edgeMapping('demo'), edgeMapping('demo-canary', { service: 'demo-canary:80', weight })],
    });
    expect(problems).toEqual([]);
    expect(shares(table)).toEqual(expected);
  });

  test('names clusters as Emissary >= 2 does', () => {
    const { table } = buildRoutingTable({ ...env, mappings: [edgeMapping('demo-canary', { service: 'demo-canary:80' })] });
    expect(table.groups[0]?.entries[0]?.clusterName).toBe('demo_canary_shop_80');
  });

  test('a group over 100 keeps its last good routing and reports the problem', () => {
    const good = buildRoutingTable({
      ...env,
      mappings: [edgeMapping('demo'), edgeMapping('demo-canary', { service: 'demo-canary:80', weight: 30 })],
    }).table;
    const { table, problems } = buildRoutingTable({
      ...env,
      previous: good,
      mappings: [
        edgeMapping('demo'),
        edgeMapping('demo-canary', { service: 'demo-canary:80', weight: 60 }),
        edgeMapping('demo-other', { service: 'demo-other:80', weight: 50 }),
      ],
    });
    expect(shares(table)).toEqual({ demo: 70, 'demo-canary': 30 });
    expect(problems).toEqual([expect.objectContaining({
      keptPrevious: true,
      mappings: ['shop/demo', 'shop/demo-canary', 'shop/demo-other'],
      message: expect.stringMatching(/exceeds 100/),
    })]);
  });

  test('a new group over 100 gets no route; other groups still route', () => {
    const { table, problems } = buildRoutingTable({
      ...env,
      mappings: [
        edgeMapping('a', { weight: 70 }),
        edgeMapping('b', { weight: 70 }),
        edgeMapping('api', { prefix: '/api/' }),
      ],
    });
    expect(table.groups.map((g) => g.entries.map((e) => e.mapping.name))).toEqual([['api']]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.keptPrevious).toBe(false);
  });

  test('Mappings for another ambassador_id are ignored', () => {
    const { table } = buildRoutingTable({
      ...env,
      mappings: [edgeMapping('demo'), edgeMapping('theirs', { service: 'x', weight: 90, ambassador_id: ['other'] })],
    });
    expect(shares(table)).toEqual({ demo: 100 });
  });
});

describe('selectRoute', () => {
  const { table } = buildRoutingTable({
    ...env,
    mappings: [
      edgeMapping('demo'),
      edgeMapping('demo-canary', { service: 'demo-canary:80', weight: 30 }),
      edgeMapping('partial', { prefix: '/demo/x', weight: 40 }),
      edgeMapping('partial-2', { prefix: '/demo/x', service: 'p2', weight: 10 }),
    ],
  });

  test.each([
    ['the longer prefix group takes draws in its weights', '/demo/x', 5, 'partial', '/'],
    ['second Mapping of that group', '/demo/x', 45, 'partial-2', '/'],
    ['a draw past that group falls through to the next', '/demo/x', 60, 'demo', '/x'],
    ['base in the shorter group', '/demo/y', 69.9, 'demo', '/y'],
    ['canary in the shorter group', '/demo/y', 70, 'demo-canary', '/y'],
  ])('%s', (_name, url, draw, mapping, upstreamUrl) => {
    const route = selectRoute(table, { ...req, url }, draw);
    expect(route?.entry.mapping.name).toBe(mapping);
    expect(route?.upstreamUrl).toBe(upstreamUrl);
  });

  test('no matching group', () => {
    expect(selectRoute(table, { ...req, url: '/nothing' }, 0)).toBeUndefined();
  });
});
