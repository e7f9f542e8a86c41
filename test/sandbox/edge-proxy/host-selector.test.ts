import { readHostSelector } from '../../../src/sandbox/edge-proxy/host-selector.js';
import { readEdgeMapping } from '../../../src/sandbox/edge-proxy/edge-mapping.js';

describe('readHostSelector', () => {
  test.each([
    ['mappingSelector.matchLabels', { mappingSelector: { matchLabels: { host: 'shop' } } }, { key: 'emissary/edge', matchLabels: { host: 'shop' } }],
    ['v2 selector', { selector: { matchLabels: { host: 'shop' } } }, { key: 'emissary/edge', matchLabels: { host: 'shop' } }],
    ['no selector', { hostname: 'shop.example.com' }, undefined],
    ['matchExpressions only', { mappingSelector: { matchExpressions: [{ key: 'a', operator: 'Exists' }] } }, undefined],
  ])('%s', (_name, spec, expected) => {
    expect(readHostSelector({ apiVersion: 'getambassador.io/v3alpha1', kind: 'Host', metadata: { name: 'edge', namespace: 'emissary' }, spec })).toEqual(expected);
  });
});

describe('the v2 view of a Mapping stored by Emissary 3', () => {
  const v2 = (spec: Record<string, unknown>) => {
    const result = readEdgeMapping({ apiVersion: 'getambassador.io/v2', kind: 'Mapping', metadata: { name: 'm', namespace: 'shop' }, spec: { prefix: '/', service: 's:80', ...spec } });
    if (!result.ok) throw new Error(result.error);
    return result.mapping;
  };

  test('v3StatsName is the stats name', () => {
    expect(v2({ v3StatsName: 'shop_stable' }).statsName).toBe('shop_stable');
  });

  test('the empty-host marker is no host', () => {
    expect(v2({ host: '_skip_mapping_with_empty_host_' }).host).toBeUndefined();
  });
});
