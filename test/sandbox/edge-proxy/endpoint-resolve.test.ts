import { resolveEndpoints, type EndpointSliceLike, type ServiceLike } from '../../../src/sandbox/edge-proxy/endpoint-resolve.js';

const service: ServiceLike = { spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'admin', port: 9000 }] } };
const slice = (endpoints: EndpointSliceLike['endpoints'], ports = [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'admin', port: 9900 }]): EndpointSliceLike =>
  ({ addressType: 'IPv4', endpoints, ports });

describe('resolveEndpoints', () => {
  test.each([
    ['ready endpoints on the target port', [slice([{ addresses: ['127.1.0.2'], conditions: { ready: true } }])], 80,
      [{ host: '127.1.0.2', port: 8080 }]],
    ['a pod-network address resolves to the loopback address the pod listens on', [slice([{ addresses: ['240.1.0.5'], conditions: { ready: true } }])], 80,
      [{ host: '127.1.0.5', port: 8080 }]],
    ['unknown readiness counts as ready', [slice([{ addresses: ['127.1.0.3'] }])], 80, [{ host: '127.1.0.3', port: 8080 }]],
    ['not ready is left out', [slice([{ addresses: ['127.1.0.2'], conditions: { ready: false } }, { addresses: ['127.1.0.4'], conditions: { ready: true } }])], 80,
      [{ host: '127.1.0.4', port: 8080 }]],
    ['second Service port maps by name', [slice([{ addresses: ['127.1.0.2'], conditions: { ready: true } }])], 9000,
      [{ host: '127.1.0.2', port: 9900 }]],
    ['a port the Service does not have', [slice([{ addresses: ['127.1.0.2'] }])], 81, []],
    ['several slices, duplicates removed, sorted', [
      slice([{ addresses: ['127.1.0.9'] }, { addresses: ['127.1.0.2'] }]),
      slice([{ addresses: ['127.1.0.2'] }]),
    ], 80, [{ host: '127.1.0.2', port: 8080 }, { host: '127.1.0.9', port: 8080 }]],
    ['IPv6 slices ignored', [{ ...slice([{ addresses: ['::1'] }]), addressType: 'IPv6' }], 80, []],
    ['no slices yet', [], 80, []],
  ])('%s', (_name, slices, port, expected) => {
    expect(resolveEndpoints(service, slices, port)).toEqual(expected);
  });

  test('an unnamed single port matches an unnamed slice port', () => {
    const single: ServiceLike = { spec: { ports: [{ port: 80 }] } };
    expect(resolveEndpoints(single, [slice([{ addresses: ['127.1.0.2'] }], [{ name: '', port: 3000, protocol: 'TCP' }])], 80))
      .toEqual([{ host: '127.1.0.2', port: 3000 }]);
  });
});
