// The router's cache-only paths: observe, validate, and the decision not to write. No API server is
// involved: the clients point at a closed loopback port and the request counter proves no request
// was attempted. Writes against the real API server are in ambassador.cluster.test.ts.
import * as k8s from '@kubernetes/client-node';
import { createServer } from 'node:net';
import type { Rollout } from '../../src/api/rollout.js';
import { createKubeClients, type KubeRequestRecord } from '../../src/kube/clients.js';
import { buildBaselineMapping } from '../../src/traffic/ambassador-baseline.js';
import { buildCanaryMapping, type MappingObject } from '../../src/traffic/ambassador-mapping.js';
import { AmbassadorTrafficRouter, summarizeCanaryMappings, type MappingCache } from '../../src/traffic/ambassador.js';
import type { MappingApiView } from '../../src/traffic/mapping-api.js';
import { TrafficRoutingError } from '../../src/traffic/traffic-router.js';

const NOW_MS = Date.parse('2026-11-27T10:00:00.000Z');
/** A loopback port nothing listens on (bound, then released), so any request would be refused. */
let closedPort = 0;

beforeAll(async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  closedPort = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function rollout(mappings: string[], extra: Record<string, unknown> = {}): Rollout {
  return {
    metadata: { name: 'demo', namespace: 'shop', uid: 'ro-uid' },
    spec: {
      strategy: {
        canary: {
          canaryService: 'demo-canary',
          stableService: 'demo-stable',
          trafficRouting: { ambassador: { mappings } },
          ...extra,
        },
      },
    },
  } as unknown as Rollout;
}

function base(name: string, spec: Record<string, unknown> = {}): MappingObject {
  return { apiVersion: 'getambassador.io/v2', kind: 'Mapping', metadata: { name, namespace: 'shop' }, spec: { prefix: '/', service: 'demo-stable:80', ...spec } };
}

function canaryOf(baseObject: MappingObject, weightPercent: number, zeroWeightSince?: string): MappingObject {
  const built = buildCanaryMapping(baseObject, { rollout: { metadata: { name: 'demo', uid: 'ro-uid' } }, canaryService: 'demo-canary', weightPercent, apiVersion: 'getambassador.io/v2', zeroWeightSince });
  return { ...built, metadata: { ...built.metadata, uid: `${built.metadata?.name}-uid`, resourceVersion: '1' } };
}

function mapCache(objects: MappingObject[]): MappingCache {
  const byKey = new Map(objects.map((o) => [`${o.metadata?.namespace}/${o.metadata?.name}`, o]));
  return { get: (namespace, name) => byKey.get(`${namespace}/${name}`) };
}

function router(objects: MappingObject[], mappingApi?: MappingApiView): { router: AmbassadorTrafficRouter; requests: KubeRequestRecord[] } {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${closedPort}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const requests: KubeRequestRecord[] = [];
  const clients = createKubeClients(kc, { onRequest: (r) => requests.push(r) });
  return { router: new AmbassadorTrafficRouter({ clients, cache: mapCache(objects), clock: { now: () => NOW_MS }, mappingApi }), requests };
}

describe('summarizeCanaryMappings', () => {
  const b = base('a');
  test.each([
    ['no canary', [undefined], null],
    ['one at 30', [canaryOf(b, 30)], { weightPercent: 30 }],
    ['two disagreeing: the lowest', [canaryOf(b, 30), canaryOf(b, 60)], { weightPercent: 30 }],
    ['one missing counts as 0', [canaryOf(b, 30), undefined], { weightPercent: 0 }],
    ['at 0 with the annotation', [canaryOf(b, 0, '2026-11-27T09:59:58.000Z')], { weightPercent: 0, zeroWeightSinceMs: NOW_MS - 2000 }],
    ['at 0, latest zero time wins', [canaryOf(b, 0, '2026-11-27T09:59:50.000Z'), canaryOf(b, 0, '2026-11-27T09:59:58.000Z')], { weightPercent: 0, zeroWeightSinceMs: NOW_MS - 2000 }],
    ['at 0 without the annotation: no zero time', [canaryOf(b, 0)], { weightPercent: 0 }],
    ['unparseable annotation: no zero time', [canaryOf(b, 0, 'yesterday')], { weightPercent: 0 }],
  ])('%s', (_name, owned, expected) => {
    expect(summarizeCanaryMappings(owned)).toEqual(expected);
  });
});

describe('AmbassadorTrafficRouter (cache paths)', () => {
  const demo = base('demo');

  test('observe: no canary Mapping -> no canary route', () => {
    expect(router([demo]).router.observe(rollout(['demo']))).toEqual({ canaryRoute: null });
  });

  test('observe: our canary Mapping gives its weight', () => {
    expect(router([demo, canaryOf(demo, 30)]).router.observe(rollout(['demo']))).toEqual({ canaryRoute: { weightPercent: 30 } });
  });

  test('observe: a canary Mapping owned by someone else is not ours', () => {
    const foreign = { ...canaryOf(demo, 30), metadata: { name: 'demo-canary', namespace: 'shop', ownerReferences: [] } };
    expect(router([demo, foreign]).router.observe(rollout(['demo']))).toEqual({ canaryRoute: null });
  });

  test('observe: a Rollout without traffic routing has no route', () => {
    const plain = rollout([], { trafficRouting: undefined });
    expect(router([demo]).router.observe(plain)).toEqual({ canaryRoute: null });
    expect(router([demo]).router.validate(plain)).toEqual([]);
  });

  test('validate names every problem', () => {
    const weighted = base('weighted', { weight: 10 });
    const foreign: MappingObject = { metadata: { name: 'demo-canary', namespace: 'shop' }, spec: {} };
    const ro = rollout(['demo', 'missing', 'weighted'], { canaryService: undefined });
    expect(router([demo, foreign, weighted]).router.validate(ro)).toEqual([
      'spec.strategy.canary.canaryService is required with Ambassador traffic routing',
      'Mapping shop/demo-canary exists and is not owned by this Rollout; Kanary will not adopt or modify it',
      'Mapping shop/missing not found',
      'Mapping shop/weighted has weight 10: a base Mapping must not set a weight',
    ]);
  });

  test('setCanaryWeight refuses an invalid configuration without any request', async () => {
    const { router: r, requests } = router([]);
    await expect(r.setCanaryWeight(rollout(['demo']), 30)).rejects.toBeInstanceOf(TrafficRoutingError);
    expect(requests).toEqual([]);
  });

  test('setCanaryWeight makes no request when the live Mapping already matches', async () => {
    const { router: r, requests } = router([demo, canaryOf(demo, 30)]);
    await r.setCanaryWeight(rollout(['demo']), 30);
    expect(requests).toEqual([]);
  });

  test('weight 0 again keeps the first zero time, so no request and no restarted delay', async () => {
    const { router: r, requests } = router([demo, canaryOf(demo, 0, '2026-11-27T09:59:00.000Z')]);
    await r.setCanaryWeight(rollout(['demo']), 0);
    expect(requests).toEqual([]);
  });

  test('removeCanaryRoute never touches a Mapping it does not own, and makes no request when none is ours', async () => {
    const foreign: MappingObject = { metadata: { name: 'demo-canary', namespace: 'shop' }, spec: {} };
    const { router: r, requests } = router([demo, foreign]);
    await r.removeCanaryRoute(rollout(['demo']));
    expect(requests).toEqual([]);
  });

  test('a needed write is attempted (and an unreachable server is a transient error, counted with code 0)', async () => {
    const { router: r, requests } = router([demo]);
    await expect(r.setCanaryWeight(rollout(['demo']), 30)).rejects.toMatchObject({ name: 'TransientError', statusCode: 0 });
    expect(requests).toEqual([{ verb: 'create', resource: 'mappings', code: 0 }]);
  });

  test.each<[string, MappingApiView, Record<string, unknown>, string[]]>([
    ['API usable, no apiVersion field', { apiVersion: () => 'getambassador.io/v3alpha1', problem: () => undefined }, {}, []],
    ['API usable, the field names the same version', { apiVersion: () => 'getambassador.io/v2', problem: () => undefined }, { apiVersion: 'getambassador.io/v2' }, []],
    ['API usable, the field names another version', { apiVersion: () => 'getambassador.io/v2', problem: () => undefined }, { apiVersion: 'getambassador.io/v3alpha1' },
      ['spec.strategy.canary.trafficRouting.ambassador.apiVersion is getambassador.io/v3alpha1, but this controller reads and writes every Mapping in getambassador.io/v2; remove the field (one Mapping apiVersion per controller, chosen with --ambassador-api-version)']],
    ['API unavailable: only that problem (the cache cannot be trusted)', { apiVersion: () => undefined, problem: () => 'Mapping API unavailable: not served' }, {}, ['Mapping API unavailable: not served']],
  ])('validate with the Mapping API: %s', (_name, api, ambassadorExtra, expected) => {
    const ro = rollout(['demo'], { trafficRouting: { ambassador: { mappings: ['demo'], ...ambassadorExtra } } });
    expect(router([demo], api).router.validate(ro)).toEqual(expected);
  });
});

function baselineOf(baseObject: MappingObject, weightPercent: number): MappingObject {
  const zero = weightPercent === 0 ? { zeroWeightSince: '2026-11-27T09:59:00.000Z' } : {};
  const built = buildBaselineMapping(baseObject, { rollout: { metadata: { name: 'demo', uid: 'ro-uid' } }, baselineService: 'demo-baseline', weightPercent, apiVersion: 'getambassador.io/v2', ...zero });
  return { ...built, metadata: { ...built.metadata, namespace: 'shop', uid: `${built.metadata?.name}-uid`, resourceVersion: '1' } };
}

describe('AmbassadorTrafficRouter with canary.baseline (cache paths)', () => {
  const b = base('demo');
  const ro = () => rollout(['demo'], { baseline: { service: 'demo-baseline' } });

  test('observe reports the baseline weight beside the canary route', () => {
    expect(router([b, canaryOf(b, 20), baselineOf(b, 20)]).router.observe(ro())).toEqual({ canaryRoute: { weightPercent: 20 }, baselineWeightPercent: 20 });
    expect(router([b, canaryOf(b, 20)]).router.observe(ro())).toEqual({ canaryRoute: { weightPercent: 20 } });
  });

  test('a baseline Mapping someone else owns is refused, never adopted', () => {
    const foreign: MappingObject = { metadata: { name: 'demo-baseline', namespace: 'shop' }, spec: {} };
    expect(router([b, foreign]).router.validate(ro())).toEqual(['Mapping shop/demo-baseline exists and is not owned by this Rollout; Kanary will not adopt or modify it']);
    expect(router([b, foreign]).router.observe(ro())).toEqual({ canaryRoute: null });
  });

  test('no request when canary and baseline already have their weights', async () => {
    const { router: r, requests } = router([b, canaryOf(b, 20), baselineOf(b, 20)]);
    await r.setCanaryWeight(ro(), 20, 20);
    expect(requests).toEqual([]);
  });

  test('no baseline Mapping is created at weight 0', async () => {
    const { router: r, requests } = router([b, canaryOf(b, 100)]);
    await r.setCanaryWeight(ro(), 100, 0);
    expect(requests).toEqual([]);
  });

  test('a lower baseline weight is written before a higher canary weight (a group over 100 is rejected)', async () => {
    const { router: r, requests } = router([b, canaryOf(b, 40), baselineOf(b, 40)]);
    const failure = await r.setCanaryWeight(ro(), 100, 0).then(() => undefined, (err: unknown) => err);
    // The first write is attempted (and fails: no server); it names the baseline Mapping.
    expect(requests).toEqual([{ verb: 'update', resource: 'mappings', code: 0 }]);
    expect(String(failure)).toContain('demo-baseline');
  });

  test('a higher baseline weight is written after the canary\'s', async () => {
    const { router: r } = router([b, canaryOf(b, 20), baselineOf(b, 20)]);
    const failure = await r.setCanaryWeight(ro(), 40, 40).then(() => undefined, (err: unknown) => err);
    expect(String(failure)).toContain('demo-canary');
  });

  test('removeCanaryRoute makes no request for a baseline Mapping it does not own', async () => {
    const foreign: MappingObject = { metadata: { name: 'demo-baseline', namespace: 'shop' }, spec: {} };
    const { router: r, requests } = router([b, foreign]);
    await r.removeCanaryRoute(ro());
    expect(requests).toEqual([]);
  });
});
