import {
  parseService,
  qualifyService,
  resolveServiceTarget,
} from '../../../src/sandbox/edge-proxy/service-ref.js';

describe('parseService', () => {
  test.each([
    ['demo', { host: 'demo' }],
    ['demo:8080', { host: 'demo', port: 8080 }],
    ['demo.shop', { host: 'demo.shop' }],
    ['demo.shop:80', { host: 'demo.shop', port: 80 }],
    ['http://demo.shop:80', { scheme: 'http', host: 'demo.shop', port: 80 }],
    ['HTTPS://demo', { scheme: 'https', host: 'demo' }],
    ['demo.shop.svc.cluster.local:9000', { host: 'demo.shop.svc.cluster.local', port: 9000 }],
    ['127.0.0.5:3000', { host: '127.0.0.5', port: 3000 }],
    [' demo:80 ', { host: 'demo', port: 80 }],
  ])('%p', (text, expected) => {
    expect(parseService(text)).toEqual(expected);
  });

  test.each(['', 'demo:0', 'demo:70000', 'demo:abc', 'demo/path', '://demo'])('%p is not a service', (text) => {
    expect(parseService(text)).toBeUndefined();
  });
});

describe('resolveServiceTarget', () => {
  test.each([
    ['demo', 'shop', { kind: 'service', name: 'demo', namespace: 'shop', port: 80 }],
    ['demo:8080', 'shop', { kind: 'service', name: 'demo', namespace: 'shop', port: 8080 }],
    ['demo.other:81', 'shop', { kind: 'service', name: 'demo', namespace: 'other', port: 81 }],
    ['demo.other.svc.cluster.local', 'shop', { kind: 'service', name: 'demo', namespace: 'other', port: 80 }],
    ['https://demo', 'shop', { kind: 'service', name: 'demo', namespace: 'shop', port: 443 }],
    ['127.0.0.9:3000', 'shop', { kind: 'address', host: '127.0.0.9', port: 3000 }],
    ['localhost', 'shop', { kind: 'address', host: 'localhost', port: 80 }],
  ])('%p from namespace %p', (service, namespace, expected) => {
    expect(resolveServiceTarget(service, namespace)).toEqual(expected);
  });

  test('an unparseable service has no target', () => {
    expect(resolveServiceTarget('bad service', 'shop')).toBeUndefined();
  });
});

describe('qualifyService (Emissary >= 2 normalize_service_name)', () => {
  test.each([
    ['demo:80', 'shop', 'emissary', 'demo.shop:80'],
    ['demo:80', 'emissary', 'emissary', 'demo:80'],
    ['demo.other:80', 'shop', 'emissary', 'demo.other:80'],
    ['http://demo', 'shop', 'emissary', 'http://demo.shop'],
    ['localhost:8500', 'shop', 'emissary', 'localhost:8500'],
  ])('%p in %p (Emissary in %p) -> %p', (service, mappingNamespace, ambassadorNamespace, expected) => {
    expect(qualifyService({ service, mappingNamespace, ambassadorNamespace })).toBe(expected);
  });
});
