// Issue 17: the baseline Mapping `<base>-baseline`, pure construction (the router's cache paths for
// it are in ambassador.test.ts).
import { baselineMappingName, buildBaselineMapping, summarizeBaselineMappings } from '../../src/traffic/ambassador-baseline.js';
import type { MappingObject } from '../../src/traffic/ambassador-mapping.js';

const OWNER = { metadata: { name: 'demo', uid: 'ro-uid' } };

function base(spec: Record<string, unknown> = {}, labels: Record<string, string> = {}): MappingObject {
  return { apiVersion: 'getambassador.io/v2', kind: 'Mapping', metadata: { name: 'demo', namespace: 'shop', labels }, spec: { prefix: '/demo/', service: 'http://demo-stable.shop:80', ...spec } };
}

function baselineOf(b: MappingObject, weightPercent: number): MappingObject {
  const built = buildBaselineMapping(b, { rollout: OWNER, baselineService: 'demo-baseline', weightPercent, apiVersion: 'getambassador.io/v2', ...(weightPercent === 0 ? { zeroWeightSince: '2026-12-07T09:59:00.000Z' } : {}) });
  return { ...built, metadata: { ...built.metadata, namespace: 'shop', uid: 'b-uid', resourceVersion: '1' } };
}

describe('buildBaselineMapping', () => {
  test('a copy of the base in its group: every match field, the baseline Service (scheme, namespace, port kept), the weight, its label and owner', () => {
    const b = base({ host: 'shop.example', headers: { 'x-a': '1' }, precedence: 3, rewrite: '/' }, { team: 'shop' });
    const m = buildBaselineMapping(b, { rollout: OWNER, baselineService: 'demo-baseline', weightPercent: 20, apiVersion: 'getambassador.io/v2' });
    expect(m.metadata?.name).toBe('demo-baseline');
    expect(m.spec).toEqual({ prefix: '/demo/', host: 'shop.example', headers: { 'x-a': '1' }, precedence: 3, rewrite: '/', service: 'http://demo-baseline.shop:80', weight: 20 });
    expect(m.metadata?.labels).toEqual({ team: 'shop', 'kanary.dev/canary-mapping': 'true', 'kanary.dev/role': 'baseline' });
    expect(m.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'Rollout', name: 'demo', uid: 'ro-uid', controller: true })]);
    expect(b.spec?.['service']).toBe('http://demo-stable.shop:80');
  });

  test.each([
    ['stats_name', { stats_name: 'shop_demo' }, { stats_name: 'shop_demo-baseline' }],
    ['v3StatsName (v2)', { v3StatsName: 'shop_demo' }, { v3StatsName: 'shop_demo-baseline' }],
  ])('its own statistics when the base names them: %s', (_name, spec, expected) => {
    expect(buildBaselineMapping(base(spec), { rollout: OWNER, baselineService: 'demo-baseline', weightPercent: 20, apiVersion: 'getambassador.io/v2' }).spec).toMatchObject(expected);
  });

  test('the name fits 253 characters', () => {
    const name = baselineMappingName('a'.repeat(260));
    expect(name.length).toBeLessThanOrEqual(253);
    expect(name.endsWith('-baseline')).toBe(true);
  });
});

describe('summarizeBaselineMappings', () => {
  test.each([
    ['none', [undefined], undefined],
    ['one at 20', [baselineOf(base(), 20)], 20],
    ['one missing counts 0', [baselineOf(base(), 20), undefined], 0],
  ])('%s', (_name, owned, expected) => {
    expect(summarizeBaselineMappings(owned)).toBe(expected);
  });
});
