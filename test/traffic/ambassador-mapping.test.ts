import {
  buildCanaryMapping,
  buildCanaryUpdate,
  canaryMappingName,
  checkMappingPair,
  isSameMapping,
  rewriteServiceRef,
  type MappingObject,
} from '../../src/traffic/ambassador-mapping.js';

const rollout = { metadata: { name: 'demo', uid: 'ro-uid' } };
const COPIED = 'kanary.dev/copied-from-base';

function baseMapping(overrides: Partial<MappingObject> = {}): MappingObject {
  return {
    apiVersion: 'getambassador.io/v3alpha1',
    kind: 'Mapping',
    metadata: {
      name: 'demo',
      namespace: 'shop',
      uid: 'base-uid',
      resourceVersion: '12',
      labels: { 'ambassador-group': 'edge', app: 'demo' },
      annotations: { team: 'payments', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    },
    spec: {
      prefix: '/demo/',
      hostname: 'shop.example.com',
      host: 'shop.example.com',
      headers: { 'x-beta': 'true' },
      method: 'GET',
      precedence: 5,
      rewrite: '/',
      resolver: 'endpoint',
      ambassador_id: ['edge'],
      timeout_ms: 3000,
      some_future_field: { nested: [1, 2] },
      service: 'http://demo-stable.shop:8080',
    },
    ...overrides,
  };
}

const input = { rollout, canaryService: 'demo-canary', weightPercent: 30, apiVersion: 'getambassador.io/v2' };

describe('rewriteServiceRef', () => {
  test.each([
    ['svc', 'svc-canary'],
    ['svc:80', 'svc-canary:80'],
    ['svc.ns:8080', 'svc-canary.ns:8080'],
    ['http://svc.ns:80', 'http://svc-canary.ns:80'],
    ['https://svc', 'https://svc-canary'],
    ['svc.ns.svc.cluster.local:443', 'svc-canary.ns.svc.cluster.local:443'],
  ])('%s -> %s', (service, expected) => {
    expect(rewriteServiceRef(service, 'svc-canary')).toBe(expected);
  });

  test('a missing service becomes the bare canary name', () => {
    expect(rewriteServiceRef(undefined, 'svc-canary')).toBe('svc-canary');
  });
});

describe('canaryMappingName', () => {
  test.each([
    ['short name', 'demo', 'demo-canary'],
    ['253 characters: truncated', 'a'.repeat(253), `${'a'.repeat(246)}-canary`],
    ['truncation ending in a dash: dash dropped', `${'a'.repeat(245)}-b`, `${'a'.repeat(245)}-canary`],
  ])('%s', (_name, base, expected) => {
    const name = canaryMappingName(base);
    expect(name).toBe(expected);
    expect(name.length).toBeLessThanOrEqual(253);
  });
});

describe('buildCanaryMapping', () => {
  const canary = buildCanaryMapping(baseMapping(), input);

  test('is <base>-canary in the configured apiVersion and namespace', () => {
    expect(canary.apiVersion).toBe('getambassador.io/v2');
    expect(canary.kind).toBe('Mapping');
    expect(canary.metadata?.name).toBe('demo-canary');
    expect(canary.metadata?.namespace).toBe('shop');
  });

  test('copies every spec field, unknown ones included, and sets service and weight', () => {
    const { service, weight, ...rest } = canary.spec ?? {};
    const { service: _baseService, ...baseRest } = baseMapping().spec ?? {};
    expect(rest).toEqual(baseRest);
    expect(service).toBe('http://demo-canary.shop:8080');
    expect(weight).toBe(30);
  });

  test('keeps the base labels, adds its own; keeps the base annotations except last-applied-configuration', () => {
    expect(canary.metadata?.labels).toEqual({ 'ambassador-group': 'edge', app: 'demo', 'kanary.dev/canary-mapping': 'true' });
    expect(canary.metadata?.annotations).toEqual({ team: 'payments', [COPIED]: JSON.stringify({ labels: ['ambassador-group', 'app'], annotations: ['team'] }) });
  });

  test('is controlled by the Rollout, with no uid or resourceVersion of the base', () => {
    expect(canary.metadata?.ownerReferences).toEqual([
      { apiVersion: 'kanary.dev/v1alpha1', kind: 'Rollout', name: 'demo', uid: 'ro-uid', controller: true, blockOwnerDeletion: true },
    ]);
    expect(canary.metadata?.uid).toBeUndefined();
    expect(canary.metadata?.resourceVersion).toBeUndefined();
  });

  test('does not modify the base', () => {
    const base = baseMapping();
    const snapshot = structuredClone(base);
    const built = buildCanaryMapping(base, input);
    (built.spec?.['headers'] as Record<string, string>)['x-beta'] = 'changed';
    expect(base).toEqual(snapshot);
  });

  test.each([
    [0, '2026-11-27T10:00:00.000Z', { 'kanary.dev/zero-weight-since': '2026-11-27T10:00:00.000Z' }],
    [30, '2026-11-27T10:00:00.000Z', {}],
    [0, undefined, {}],
  ])('weight %i with zeroWeightSince %s -> annotations %j (plus the base ones)', (weightPercent, zeroWeightSince, ours) => {
    const built = buildCanaryMapping(baseMapping(), { ...input, weightPercent, zeroWeightSince });
    const { [COPIED]: _copied, ...annotations } = built.metadata?.annotations ?? {};
    expect(annotations).toEqual({ team: 'payments', ...ours });
  });
});

describe('isSameMapping', () => {
  const desired = buildCanaryMapping(baseMapping(), input);
  const live: MappingObject = {
    ...structuredClone(desired),
    apiVersion: 'getambassador.io/v3alpha1',
    metadata: { ...structuredClone(desired.metadata), uid: 'c-uid', resourceVersion: '40', generation: 2, creationTimestamp: 'x' },
    status: { state: 'Running' },
  };

  test('ignores server-set metadata, status and the served apiVersion', () => {
    expect(isSameMapping(desired, live)).toBe(true);
  });

  test.each([
    ['weight', (m: MappingObject) => { m.spec!['weight'] = 60; }],
    ['a copied field', (m: MappingObject) => { m.spec!['prefix'] = '/other/'; }],
    ['an extra spec field', (m: MappingObject) => { m.spec!['bypass_auth'] = true; }],
    ['a label', (m: MappingObject) => { m.metadata!.labels = { app: 'demo' }; }],
    ['an annotation', (m: MappingObject) => { m.metadata!.annotations = { team: 'x' }; }],
    ['the owner', (m: MappingObject) => { m.metadata!.ownerReferences = [{ apiVersion: 'v1', kind: 'X', name: 'y', uid: 'other', controller: true }]; }],
  ])('differs on %s', (_what, mutate) => {
    const changed = structuredClone(live);
    mutate(changed);
    expect(isSameMapping(desired, changed)).toBe(false);
  });
});

describe('checkMappingPair', () => {
  const owned = buildCanaryMapping(baseMapping(), input);
  const foreign: MappingObject = { metadata: { name: 'demo-canary', ownerReferences: [] }, spec: { weight: 50 } };

  test.each([
    ['fine', baseMapping(), undefined, []],
    ['fine with our canary', baseMapping(), owned, []],
    ['base missing', undefined, undefined, ['Mapping shop/demo not found']],
    ['base with weight 0 is fine', baseMapping({ spec: { prefix: '/', service: 's', weight: 0 } }), undefined, []],
    ['base with a weight', baseMapping({ spec: { prefix: '/', service: 's', weight: 20 } }), undefined, ['Mapping shop/demo has weight 20: a base Mapping must not set a weight']],
    ['canary not ours', baseMapping(), foreign, ['Mapping shop/demo-canary exists and is not owned by this Rollout; Kanary will not adopt or modify it']],
  ])('%s', (_name, base, canary, expected) => {
    expect(checkMappingPair({ namespace: 'shop', baseName: 'demo', base, canary, rolloutUid: 'ro-uid' })).toEqual(expected);
  });
});

// Emissary groups Mappings (and so applies weights) by method, prefix/prefix_regex, headers,
// host/hostname (as :authority), query parameters, precedence and the labels a Host selects: the
// canary must keep each of them as the base has it, in whichever apiVersion it was read.
describe('buildCanaryMapping keeps the base in its Emissary group', () => {
  const groupingCases: Array<[string, MappingObject['spec'], Record<string, string>]> = [
    ['v3alpha1 hostname "*"', { prefix: '/a/', hostname: '*', service: 'a-stable:80' }, {}],
    ['v2 without host (hostname "*" read as v2)', { prefix: '/a/', service: 'a-stable:80' }, {}],
    ['a specific v2 host', { prefix: '/a/', host: 'shop.example.com', service: 'a-stable' }, {}],
    ['prefix_regex, method and headers', { prefix: '^/a/[0-9]+$', prefix_regex: true, method: 'POST', headers: { 'x-tier': 'gold' }, regex_headers: { 'x-id': '^[0-9]+$' }, service: 'a-stable' }, {}],
    ['query parameters and precedence', { prefix: '/a/', query_parameters: { beta: 'true' }, regex_query_parameters: { v: '^2' }, precedence: 10, service: 'a-stable' }, {}],
    ['labels a Host selects, managed-by included', { prefix: '/a/', service: 'a-stable' }, { 'app.kubernetes.io/managed-by': 'argocd', 'emissary/host': 'edge' }],
  ];

  test.each(groupingCases)('%s', (_name, spec, labels) => {
    const base: MappingObject = { apiVersion: 'getambassador.io/v3alpha1', kind: 'Mapping', metadata: { name: 'a', namespace: 'shop', labels }, spec };
    const canary = buildCanaryMapping(base, { ...input, canaryService: 'a-canary', apiVersion: 'getambassador.io/v3alpha1' });
    const { service, weight, ...rest } = canary.spec ?? {};
    const { service: baseService, ...baseRest } = spec ?? {};
    expect(rest).toEqual(baseRest);
    expect(service).toBe(String(baseService).replace('a-stable', 'a-canary'));
    expect(weight).toBe(30);
    expect(canary.metadata?.labels).toEqual({ ...labels, 'kanary.dev/canary-mapping': 'true' });
  });

  test.each([
    ['v3alpha1 stats_name', { stats_name: 'shop_a' }, { stats_name: 'shop_a-canary' }],
    ['v2 v3StatsName', { v3StatsName: 'shop_a' }, { v3StatsName: 'shop_a-canary' }],
    ['no stats name: none added', {}, {}],
    ['an empty stats_name stays empty', { stats_name: '' }, { stats_name: '' }],
  ])('%s', (_name, stats, expected) => {
    const base: MappingObject = { metadata: { name: 'a' }, spec: { prefix: '/a/', service: 'a-stable', ...stats } };
    const spec = buildCanaryMapping(base, input).spec ?? {};
    expect({ stats_name: spec['stats_name'], v3StatsName: spec['v3StatsName'] }).toEqual({ stats_name: undefined, v3StatsName: undefined, ...expected });
  });

  test("does not copy the base's own Kanary label or annotations", () => {
    const base: MappingObject = {
      metadata: { name: 'a', labels: { 'kanary.dev/canary-mapping': 'x', app: 'a' }, annotations: { 'kanary.dev/zero-weight-since': 'x', [COPIED]: '{}' } },
      spec: { prefix: '/a/', service: 'a-stable' },
    };
    const canary = buildCanaryMapping(base, input);
    expect(canary.metadata?.labels).toEqual({ app: 'a', 'kanary.dev/canary-mapping': 'true' });
    expect(canary.metadata?.annotations).toEqual({ [COPIED]: JSON.stringify({ labels: ['app'], annotations: [] }) });
  });
});

// Kanary owns spec, its own label and annotations, the copied base metadata and its ownerReference;
// what others add to the canary never causes a write and survives Kanary's writes.
describe('owned fields only', () => {
  const desired = buildCanaryMapping(baseMapping(), input);
  const live = (): MappingObject => ({
    ...structuredClone(desired),
    metadata: { ...structuredClone(desired.metadata), uid: 'c-uid', resourceVersion: '40', finalizers: ['other/finalizer'] },
  });

  test.each<[string, (m: MappingObject) => void, boolean]>([
    ['unchanged', () => undefined, true],
    ['a foreign label added', (m) => { m.metadata!.labels = { ...m.metadata!.labels, 'policy.example/audited': 'yes' }; }, true],
    ['a foreign annotation added', (m) => { m.metadata!.annotations = { ...m.metadata!.annotations, 'argocd.argoproj.io/tracking-id': 'x' }; }, true],
    ['a foreign, non-controller ownerReference added', (m) => { m.metadata!.ownerReferences = [...m.metadata!.ownerReferences!, { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'cm' }]; }, true],
    ['our label removed', (m) => { delete m.metadata!.labels!['kanary.dev/canary-mapping']; }, false],
    ['a copied base label changed', (m) => { m.metadata!.labels = { ...m.metadata!.labels, app: 'other' }; }, false],
    ['a copied base annotation removed', (m) => { delete m.metadata!.annotations!['team']; }, false],
    ['a stray zero-weight-since while the weight is above 0', (m) => { m.metadata!.annotations!['kanary.dev/zero-weight-since'] = '2026-01-01T00:00:00Z'; }, false],
    ['the weight', (m) => { m.spec!['weight'] = 10; }, false],
    ['a spec field someone else added', (m) => { m.spec!['bypass_auth'] = true; }, false],
  ])('%s -> same: %s', (_name, mutate, same) => {
    const changed = live();
    mutate(changed);
    expect(isSameMapping(desired, changed)).toBe(same);
  });

  test('an update keeps others\' labels, annotations, ownerReferences and finalizers, and server-set metadata', () => {
    const current = live();
    current.metadata!.labels = { ...current.metadata!.labels, 'policy.example/audited': 'yes' };
    current.metadata!.annotations = { ...current.metadata!.annotations, note: 'by hand' };
    current.metadata!.ownerReferences = [...current.metadata!.ownerReferences!, { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'cm' }];
    const wanted = buildCanaryMapping(baseMapping(), { ...input, weightPercent: 60 });
    const body = buildCanaryUpdate(wanted, current);
    expect(body.spec?.['weight']).toBe(60);
    expect(body.metadata?.labels).toEqual({ ...wanted.metadata?.labels, 'policy.example/audited': 'yes' });
    expect(body.metadata?.annotations).toEqual({ ...wanted.metadata?.annotations, note: 'by hand' });
    expect(body.metadata?.ownerReferences?.map((r) => r.uid)).toEqual(['cm', 'ro-uid']);
    expect(body.metadata).toEqual(expect.objectContaining({ uid: 'c-uid', resourceVersion: '40', finalizers: ['other/finalizer'] }));
    expect(isSameMapping(wanted, body)).toBe(true);
  });

  test('a label or annotation the base no longer has is dropped from the canary; foreign ones stay', () => {
    const current = live();
    current.metadata!.labels = { ...current.metadata!.labels, foreign: 'yes' };
    const base = baseMapping();
    delete base.metadata!.labels!['ambassador-group'];
    delete base.metadata!.annotations!['team'];
    const wanted = buildCanaryMapping(base, input);
    expect(isSameMapping(wanted, current)).toBe(false);
    const body = buildCanaryUpdate(wanted, current);
    expect(body.metadata?.labels).toEqual({ app: 'demo', foreign: 'yes', 'kanary.dev/canary-mapping': 'true' });
    expect(Object.keys(body.metadata?.annotations ?? {})).toEqual([COPIED]);
  });

  test('going back above 0 drops the zero-weight-since annotation', () => {
    const atZero = buildCanaryMapping(baseMapping(), { ...input, weightPercent: 0, zeroWeightSince: '2026-11-27T10:00:00.000Z' });
    const wanted = buildCanaryMapping(baseMapping(), input);
    const body = buildCanaryUpdate(wanted, { ...atZero, metadata: { ...atZero.metadata, uid: 'c-uid' } });
    expect(body.metadata?.annotations?.['kanary.dev/zero-weight-since']).toBeUndefined();
    expect(isSameMapping(wanted, body)).toBe(true);
  });
});
