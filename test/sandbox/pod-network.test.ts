// The simulated pod network: 127.P.x.y where a pod listens, 240.P.x.y as its reported IP.
import { loopbackAddressOf, podNetworkAddress } from '../../src/sandbox/pod-network.js';

test.each([
  ['127.40.0.7', '240.40.0.7'],
  ['127.251.3.254', '240.251.3.254'],
])('%s is reported as %s and maps back', (loopback, podIp) => {
  expect(podNetworkAddress(loopback)).toBe(podIp);
  expect(loopbackAddressOf(podIp)).toBe(loopback);
});

test('an address outside the pod network is used as it is', () => {
  expect(loopbackAddressOf('127.0.0.1')).toBe('127.0.0.1');
  expect(loopbackAddressOf('192.0.2.10')).toBe('192.0.2.10');
});

test('a pod cannot listen outside loopback', () => {
  expect(() => podNetworkAddress('10.0.0.1')).toThrow('loopback');
});
