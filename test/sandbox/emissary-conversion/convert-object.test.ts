import { convertObject, reviewConversion } from '../../../src/sandbox/emissary-conversion/convert-object.js';
import { AMBASSADOR_ID_MANGLE } from '../../../src/sandbox/emissary-conversion/mapping-conversion.js';

const metadata = { name: 'shop', namespace: 'default', uid: 'u1', resourceVersion: '7', labels: { app: 'shop' } };
const v3Mapping = {
  apiVersion: 'getambassador.io/v3alpha1',
  kind: 'Mapping',
  metadata,
  spec: { hostname: '*', prefix: '/shop/', service: 'shop:80' },
  status: { state: 'Running' },
};

describe('convertObject', () => {
  test('a Mapping changes apiVersion and spec; metadata and status are kept', () => {
    expect(convertObject(v3Mapping, 'getambassador.io/v2')).toEqual({
      ...v3Mapping,
      apiVersion: 'getambassador.io/v2',
      spec: { prefix: '/shop/', service: 'shop:80', ambassador_id: [`${AMBASSADOR_ID_MANGLE}default`] },
    });
  });

  test.each([
    ['v2', 'v1'],
    ['v1', 'v2'],
    ['v2', 'v2'],
  ])('%s → %s leaves the spec as it is', (from, to) => {
    const object = { apiVersion: `getambassador.io/${from}`, kind: 'Mapping', metadata, spec: { host: 'a', prefix: '/', service: 's' } };
    expect(convertObject(object, `getambassador.io/${to}`).spec).toEqual(object.spec);
  });

  test('v1 → v3alpha1 converts like v2', () => {
    const object = { apiVersion: 'getambassador.io/v1', kind: 'Mapping', metadata, spec: { prefix: '/', service: 's' } };
    expect(convertObject(object, 'getambassador.io/v3alpha1').spec).toEqual({ hostname: '*', prefix: '/', service: 's' });
  });

  test('other kinds: only ambassador_id (and Host ambassadorId) are converted', () => {
    const host = { apiVersion: 'getambassador.io/v2', kind: 'Host', metadata, spec: { hostname: 'a.example', ambassadorId: ['blue'], ambassador_id: ['green'] } };
    expect(convertObject(host, 'getambassador.io/v3alpha1').spec).toEqual({ hostname: 'a.example', ambassador_id: ['green', 'blue'] });
    const module = { apiVersion: 'getambassador.io/v3alpha1', kind: 'Module', metadata, spec: { config: { x: 1 } } };
    expect(convertObject(module, 'getambassador.io/v2').spec).toEqual({ config: { x: 1 }, ambassador_id: [`${AMBASSADOR_ID_MANGLE}default`] });
  });

  test.each([
    ['a change of group', { ...v3Mapping, apiVersion: 'example.com/v3alpha1' }, 'getambassador.io/v2'],
    ['an unknown version', v3Mapping, 'getambassador.io/v4'],
  ])('%s is refused', (_name, object, desired) => {
    expect(() => convertObject(object, desired)).toThrow(/cannot convert apiVersion/);
  });
});

describe('reviewConversion', () => {
  test('answers with the uid and every object converted', () => {
    const review = reviewConversion({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'ConversionReview',
      request: { uid: 'r1', desiredAPIVersion: 'getambassador.io/v2', objects: [v3Mapping, { ...v3Mapping, spec: { hostname: 'a.example', prefix: '/', service: 's' } }] },
    });
    expect(review.response.uid).toBe('r1');
    expect(review.response.result).toEqual({ status: 'Success' });
    expect(review.response.convertedObjects?.map((o) => (o.spec as Record<string, unknown>).host)).toEqual([undefined, 'a.example']);
  });

  test('a failure names the reason', () => {
    const review = reviewConversion({ request: { uid: 'r2', desiredAPIVersion: 'getambassador.io/v9', objects: [v3Mapping] } });
    expect(review.response).toEqual({
      uid: 'r2',
      result: { status: 'Failure', message: 'kanary-emissary-conversion: cannot convert apiVersion "getambassador.io/v9"' },
    });
  });
});
