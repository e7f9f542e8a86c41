import { buildEnvoyClusterName, sanitizeStatName } from '../../../src/sandbox/edge-proxy/cluster-name.js';

describe('buildEnvoyClusterName (Emissary >= 2 stats_name default)', () => {
  test.each([
    ['demo-canary:80', 'emissary', 'emissary', undefined, 'demo_canary_80'],
    ['demo-canary:80', 'shop', 'emissary', undefined, 'demo_canary_shop_80'],
    ['demo-canary', 'shop', 'emissary', undefined, 'demo_canary_shop'],
    ['demo-canary.other:8080', 'shop', 'emissary', undefined, 'demo_canary_other_8080'],
    ['http://demo.shop:80', 'shop', 'emissary', undefined, 'demo_shop_80'],
    ['https://demo-stable', 'emissary', 'emissary', undefined, 'demo_stable'],
    ['demo.shop.svc.cluster.local:80', 'shop', 'emissary', undefined, 'demo_shop_svc_cluster_local_80'],
    ['demo:80', 'shop', 'emissary', 'my-stats', 'my-stats'],
  ])('%p in %p (Emissary in %p, stats_name %p) -> %p', (service, mappingNamespace, ambassadorNamespace, statsName, expected) => {
    expect(buildEnvoyClusterName({
      service,
      mappingNamespace,
      ambassadorNamespace,
      ...(statsName !== undefined ? { statsName } : {}),
    })).toBe(expected);
  });
});

describe('sanitizeStatName', () => {
  test.each([
    ['a-b.c:80', 'a_b_c_80'],
    ['Already_OK_9', 'Already_OK_9'],
    ['x/y@z', 'x_y_z'],
  ])('%p -> %p', (text, expected) => {
    expect(sanitizeStatName(text)).toBe(expected);
  });
});
