// The Ambassador router against the real local API server with Emissary's Mapping CRD, in both
// apiVersions. The router reads from a MappingCache; here the cache is a snapshot of the live
// Mappings taken right before each call (what a synced informer holds), or deliberately stale.
// Each apiVersion runs where the cluster serves it (Emissary 3 CRDs: both; Emissary 4: v3alpha1).
import { AMBASSADOR_GROUP } from '../../src/api/labels.js';
import type { Rollout } from '../../src/api/rollout.js';
import { ConflictError } from '../../src/kube/errors.js';
import { AmbassadorTrafficRouter, type MappingCache } from '../../src/traffic/ambassador.js';
import { TrafficRoutingError } from '../../src/traffic/traffic-router.js';
import { autoMappingVersion, servedMappingVersions } from '../controller/served-mapping-versions.js';
import { getLiveMapping, snapshotMappings, versionOf } from './live-mappings.js';
import { createKubeFixture, createTestRollout, deleteKubeFixture, type KubeFixture } from '../kube/kube-fixture.js';

const NOW_MS = Date.parse('2026-11-27T10:00:00.000Z');
let fx: KubeFixture;

beforeAll(async () => {
  fx = await createKubeFixture('traffic-ambassador');
});

afterAll(async () => {
  await deleteKubeFixture(fx);
});

const getMapping = (apiVersion: string, name: string) => getLiveMapping(fx, apiVersion, name);
const snapshot = (apiVersion: string, names: string[]) => snapshotMappings(fx, apiVersion, names);

function routerWith(cache: MappingCache, apiVersion: string): AmbassadorTrafficRouter {
  return new AmbassadorTrafficRouter({ clients: fx.clients, cache, clock: { now: () => NOW_MS }, defaultApiVersion: apiVersion });
}

async function createBase(apiVersion: string, name: string, spec: Record<string, unknown>): Promise<void> {
  await fx.clients.custom.createNamespacedCustomObject({
    group: AMBASSADOR_GROUP,
    version: versionOf(apiVersion),
    namespace: fx.namespace,
    plural: 'mappings',
    body: {
      apiVersion,
      kind: 'Mapping',
      metadata: { name, namespace: fx.namespace, labels: { 'ambassador-group': 'edge' }, annotations: { team: 'shop' } },
      spec,
    },
  });
}

const VERSION_CASES: Array<[string, string, Record<string, unknown>]> = [
  ['getambassador.io/v2', 'ro-v2', { prefix: '/v2/', host: 'shop.example.com', service: 'http://ro-v2-stable.SHOPNS:80', timeout_ms: 3000, precedence: 3 }],
  ['getambassador.io/v3alpha1', 'ro-v3', { prefix: '/v3/', hostname: 'shop.example.com', service: 'ro-v3-stable:8080', rewrite: '/', ambassador_id: ['edge'] }],
];

describe.each(VERSION_CASES.filter(([apiVersion]) => servedMappingVersions().includes(apiVersion)))('%s', (apiVersion, name, baseSpecTemplate) => {
  let rollout: Rollout;
  const canaryName = `${name}-canary`;
  const names = [name, canaryName];
  const baseSpec = () => JSON.parse(JSON.stringify(baseSpecTemplate).replace('SHOPNS', fx.namespace)) as Record<string, unknown>;

  beforeAll(async () => {
    rollout = await createTestRollout(fx, name);
    await createBase(apiVersion, name, baseSpec());
  });

  test('setCanaryWeight creates the canary Mapping: base spec and labels kept, service rewritten, owned', async () => {
    const router = routerWith(await snapshot(apiVersion, names), apiVersion);
    expect(router.validate(rollout)).toEqual([]);
    await router.setCanaryWeight(rollout, 30);

    const canary = await getMapping(apiVersion, canaryName);
    const { service, weight, ...rest } = canary?.spec ?? {};
    const { service: baseService, ...baseRest } = baseSpec();
    expect(rest).toEqual(baseRest);
    expect(weight).toBe(30);
    expect(service).toBe(String(baseService).replace(`${name}-stable`, `${name}-canary`));
    expect(canary?.metadata?.labels).toEqual({ 'ambassador-group': 'edge', 'kanary.dev/canary-mapping': 'true' });
    expect(canary?.metadata?.annotations).toEqual({ team: 'shop', 'kanary.dev/copied-from-base': JSON.stringify({ labels: ['ambassador-group'], annotations: ['team'] }) });
    expect(canary?.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'Rollout', name, uid: rollout.metadata.uid, controller: true })]);
  });

  test('observe reads the weight; the same weight again makes no request', async () => {
    const router = routerWith(await snapshot(apiVersion, names), apiVersion);
    expect(router.observe(rollout)).toEqual({ canaryRoute: { weightPercent: 30 } });
    const count = fx.requests.length;
    await router.setCanaryWeight(rollout, 30);
    expect(fx.requests.length).toBe(count);
  });

  test('a new weight is one update', async () => {
    const router = routerWith(await snapshot(apiVersion, names), apiVersion);
    const count = fx.requests.length;
    await router.setCanaryWeight(rollout, 60);
    expect(fx.requests.slice(count)).toEqual([{ verb: 'update', resource: 'mappings', code: 200 }]);
    expect((await getMapping(apiVersion, canaryName))?.spec?.['weight']).toBe(60);
  });

  test('an update from a stale cache is a ConflictError and changes nothing', async () => {
    const stale = await snapshot(apiVersion, names);
    await routerWith(await snapshot(apiVersion, names), apiVersion).setCanaryWeight(rollout, 70);
    const err = await routerWith(stale, apiVersion).setCanaryWeight(rollout, 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((await getMapping(apiVersion, canaryName))?.spec?.['weight']).toBe(70);
  });

  test('a create from a cache that missed the canary is a ConflictError (AlreadyExists), not a duplicate', async () => {
    const blind = await snapshot(apiVersion, [name]); // the canary exists but this cache has not seen it
    const err = await routerWith(blind, apiVersion).setCanaryWeight(rollout, 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).reason).toBe('AlreadyExists');
  });

  test('weight 0 stamps zero-weight-since from the clock, kept on later writes of 0', async () => {
    await routerWith(await snapshot(apiVersion, names), apiVersion).setCanaryWeight(rollout, 0);
    const router = routerWith(await snapshot(apiVersion, names), apiVersion);
    expect(router.observe(rollout)).toEqual({ canaryRoute: { weightPercent: 0, zeroWeightSinceMs: NOW_MS } });
    const later = new AmbassadorTrafficRouter({ clients: fx.clients, cache: await snapshot(apiVersion, names), clock: { now: () => NOW_MS + 3000 }, defaultApiVersion: apiVersion });
    const count = fx.requests.length;
    await later.setCanaryWeight(rollout, 0);
    expect(fx.requests.length).toBe(count);
  });

  test('removeCanaryRoute deletes it (uid precondition); again is a no-op', async () => {
    const router = routerWith(await snapshot(apiVersion, names), apiVersion);
    await router.removeCanaryRoute(rollout);
    expect(await getMapping(apiVersion, canaryName)).toBeUndefined();
    expect(await getMapping(apiVersion, name)).toBeDefined();
    await router.removeCanaryRoute(rollout); // stale cache: the 404 is ignored
    expect(routerWith(await snapshot(apiVersion, names), apiVersion).observe(rollout)).toEqual({ canaryRoute: null });
  });

  test('a same-named Mapping recreated since the cache was filled is not deleted (uid precondition)', async () => {
    await routerWith(await snapshot(apiVersion, names), apiVersion).setCanaryWeight(rollout, 20);
    const stale = await snapshot(apiVersion, names);
    await routerWith(stale, apiVersion).removeCanaryRoute(rollout);
    await routerWith(await snapshot(apiVersion, names), apiVersion).setCanaryWeight(rollout, 20);
    const err = await routerWith(stale, apiVersion).removeCanaryRoute(rollout).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(await getMapping(apiVersion, canaryName)).toBeDefined();
    await routerWith(await snapshot(apiVersion, names), apiVersion).removeCanaryRoute(rollout);
  });
});

describe('foreign and invalid Mappings', () => {
  const apiVersion = autoMappingVersion();
  let rollout: Rollout;

  beforeAll(async () => {
    rollout = await createTestRollout(fx, 'foreign');
    await createBase(apiVersion, 'foreign', { prefix: '/f/', service: 'foreign-stable' });
    await createBase(apiVersion, 'foreign-canary', { prefix: '/f/', service: 'someone-else', weight: 50 });
  });

  test('a canary-named Mapping not owned by the Rollout is reported, never modified or deleted', async () => {
    const names = ['foreign', 'foreign-canary'];
    const router = routerWith(await snapshot(apiVersion, names), apiVersion);
    expect(router.validate(rollout)).toEqual([
      `Mapping ${fx.namespace}/foreign-canary exists and is not owned by this Rollout; Kanary will not adopt or modify it`,
    ]);
    await expect(router.setCanaryWeight(rollout, 30)).rejects.toBeInstanceOf(TrafficRoutingError);
    await router.removeCanaryRoute(rollout);
    const live = await getMapping(apiVersion, 'foreign-canary');
    expect(live?.spec).toEqual({ prefix: '/f/', service: 'someone-else', weight: 50 });
  });

  test('a missing base and a weighted base are reported', async () => {
    await createBase(apiVersion, 'weighted', { prefix: '/w/', service: 'w', weight: 10 });
    const ro = { ...rollout, spec: { ...rollout.spec, strategy: { canary: { ...rollout.spec.strategy.canary, trafficRouting: { ambassador: { mappings: ['absent', 'weighted'] } } } } } } as Rollout;
    const router = routerWith(await snapshot(apiVersion, ['absent', 'absent-canary', 'weighted', 'weighted-canary']), apiVersion);
    expect(router.validate(ro)).toEqual([
      `Mapping ${fx.namespace}/absent not found`,
      `Mapping ${fx.namespace}/weighted has weight 10: a base Mapping must not set a weight`,
    ]);
  });
});
