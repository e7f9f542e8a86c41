import {
  buildCanaryMapping,
  canaryMappingName,
  checkMappingPair,
  isSameMapping,
  rewriteServiceRef,
  type MappingObject,
} from '../../src/traffic/ambassador-mapping.js';

const rollout = { metadata: { name: 'demo', uid: 'ro-uid' } };

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

  test('keeps the base labels and annotations, plus managed-by; drops last-applied-configuration', () => {
    expect(canary.metadata?.labels).toEqual({ 'ambassador-group': 'edge', app: 'demo', 'app.kubernetes.io/managed-by': 'kanary' });
    expect(canary.metadata?.annotations).toEqual({ team: 'payments' });
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
    expect(built.metadata?.annotations).toEqual({ team: 'payments', ...ours });
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
