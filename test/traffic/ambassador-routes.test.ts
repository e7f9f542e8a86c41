// The Mappings behind header and mirror routes (pure), and what the router observes of them from
// its cache (no API server: a read never makes a request).
import type { Rollout } from '../../src/api/rollout.js';
import { withFingerprint, type ManagedRoute } from '../../src/core/managed-routes.js';
import type { MappingObject } from '../../src/traffic/ambassador-mapping.js';
import { buildRouteMappings, routeMappingNames } from '../../src/traffic/ambassador-routes.js';
import { AmbassadorTrafficRouter, type MappingCache } from '../../src/traffic/ambassador.js';
import type { KubeClients } from '../../src/kube/clients.js';

const OWNER = { metadata: { name: 'demo', uid: 'ro-uid' } };
const BASE: MappingObject = {
  apiVersion: 'getambassador.io/v3alpha1',
  kind: 'Mapping',
  metadata: { name: 'demo', namespace: 'shop', labels: { team: 'web' } },
  spec: { prefix: '/api/', hostname: 'shop.example.com', service: 'http://demo-stable.shop:8080', stats_name: 'demo', headers: { 'x-tenant': 'a' } },
};

const HEADER_ROUTE: ManagedRoute = {
  kind: 'header',
  name: 'beta',
  precedence: 2,
  headers: [{ header: 'x-canary', type: 'exact', value: 'yes' }, { header: 'user', type: 'prefix', value: 'qa.' }, { header: 'agent', type: 'regex', value: '.*Firefox.*' }],
};
const MIRROR_ALL: ManagedRoute = { kind: 'mirror', name: 'copy', precedence: 1, percentage: 25, matches: [{ headers: [] }] };
const MIRROR_GET: ManagedRoute = { kind: 'mirror', name: 'copy', precedence: 1, percentage: 40, matches: [{ method: { type: 'exact', value: 'GET' }, headers: [{ header: 'x-mirror', type: 'exact', value: '1' }] }] };

function build(route: ManagedRoute, base: MappingObject = BASE): MappingObject[] {
  return buildRouteMappings(base, { rollout: OWNER, canaryService: 'demo-canary', apiVersion: 'getambassador.io/v3alpha1', route: withFingerprint(route) });
}

describe('buildRouteMappings', () => {
  test('a header route: the base copied to the canary Service, the headers added, precedence raised, no weight, owned and labelled', () => {
    const [mapping, ...rest] = build(HEADER_ROUTE);
    expect(rest).toEqual([]);
    expect(mapping?.metadata?.name).toBe('demo-beta-header');
    expect(mapping?.spec).toEqual({
      prefix: '/api/',
      hostname: 'shop.example.com',
      service: 'http://demo-canary.shop:8080',
      stats_name: 'demo-canary',
      headers: { 'x-tenant': 'a', 'x-canary': 'yes' },
      regex_headers: { user: 'qa\\..*', agent: '.*Firefox.*' },
      precedence: 2,
    });
    expect(mapping?.metadata?.labels).toMatchObject({ team: 'web', 'kanary.dev/canary-mapping': 'true', 'kanary.dev/managed-route': 'beta' });
    expect(mapping?.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'Rollout', name: 'demo', uid: 'ro-uid', controller: true })]);
    expect(JSON.parse(mapping?.metadata?.annotations?.['kanary.dev/route'] ?? '{}')).toEqual(HEADER_ROUTE);
  });

  test('a mirror of everything the base matches: one shadow Mapping in the base group (same match fields), weight = the share', () => {
    const mappings = build(MIRROR_ALL);
    expect(mappings.map((m) => m.metadata?.name)).toEqual(['demo-copy-mirror-0']);
    expect(mappings[0]?.spec).toEqual({ ...BASE.spec, service: 'http://demo-canary.shop:8080', stats_name: 'demo-canary', shadow: true, weight: 25 });
  });

  test('a narrowed mirror: a primary route to the base Service with the conditions, and the shadow beside it in that group', () => {
    const [shadow, primary] = build(MIRROR_GET);
    const conditions = { method: 'GET', headers: { 'x-tenant': 'a', 'x-mirror': '1' }, precedence: 1 };
    expect(shadow?.spec).toEqual({ ...BASE.spec, ...conditions, service: 'http://demo-canary.shop:8080', stats_name: 'demo-canary', shadow: true, weight: 40 });
    expect(primary?.metadata?.name).toBe('demo-copy-mirror-0-primary');
    expect(primary?.spec).toEqual({ ...BASE.spec, ...conditions });
    expect(routeMappingNames('demo', MIRROR_GET)).toEqual(['demo-copy-mirror-0', 'demo-copy-mirror-0-primary']);
  });

  test('a long base name is cut so every route Mapping name fits 253 characters', () => {
    const longName = 'a'.repeat(250);
    const [mapping] = build(HEADER_ROUTE, { ...BASE, metadata: { ...BASE.metadata, name: longName } });
    expect(mapping?.metadata?.name).toHaveLength(253);
    expect(mapping?.metadata?.name?.endsWith('-beta-header')).toBe(true);
  });
});

describe('the router observes routes from its cache', () => {
  const rollout = {
    metadata: { name: 'demo', namespace: 'shop', uid: 'ro-uid' },
    spec: {
      strategy: {
        canary: {
          canaryService: 'demo-canary',
          stableService: 'demo-stable',
          trafficRouting: { ambassador: { mappings: ['demo'] }, managedRoutes: [{ name: 'beta' }, { name: 'copy' }] },
          steps: [{ setMirrorRoute: { name: 'copy', match: [{}] } }],
        },
      },
    },
  } as unknown as Rollout;

  function routerWith(objects: MappingObject[]): AmbassadorTrafficRouter {
    const byName = new Map(objects.map((o) => [o.metadata?.name ?? '', { ...o, metadata: { ...o.metadata, namespace: 'shop' } }]));
    const cache: MappingCache = { get: (_ns, name) => byName.get(name) };
    return new AmbassadorTrafficRouter({ clients: {} as KubeClients, cache, clock: { now: () => 0 } });
  }

  test('each route with all its Mappings is reported with its fingerprint; none when there are none', () => {
    expect(routerWith([BASE]).observe(rollout).routes).toBeUndefined();
    const routes = routerWith([BASE, ...build(HEADER_ROUTE), ...build(MIRROR_ALL)]).observe(rollout).routes;
    expect(routes).toEqual([
      { name: 'beta', kind: 'header', fingerprint: withFingerprint(HEADER_ROUTE).fingerprint },
      { name: 'copy', kind: 'mirror', fingerprint: withFingerprint(MIRROR_ALL).fingerprint },
    ]);
  });

  test('a route missing one of its Mappings, or a Mapping not owned by the Rollout, is not reported as set', () => {
    const [shadow] = build(MIRROR_GET);
    const stranger = { ...build(HEADER_ROUTE)[0], metadata: { ...build(HEADER_ROUTE)[0]?.metadata, ownerReferences: [] } };
    const routes = routerWith([BASE, shadow as MappingObject, stranger]).observe(rollout).routes;
    expect(routes).toEqual([{ name: 'copy', kind: 'mirror', fingerprint: '' }]);
  });
});
