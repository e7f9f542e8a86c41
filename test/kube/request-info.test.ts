import { describeRequest } from '../../src/kube/request-info.js';

const base = 'https://127.0.0.1:6443';

describe('describeRequest', () => {
  test.each([
    ['GET', '/apis/apps/v1/namespaces/ns/replicasets', 'list', 'replicasets'],
    ['GET', '/apis/apps/v1/namespaces/ns/replicasets/demo-abc', 'get', 'replicasets'],
    ['GET', '/apis/apps/v1/namespaces/ns/replicasets?watch=true&resourceVersion=5', 'watch', 'replicasets'],
    ['GET', '/apis/apps/v1/watch/namespaces/ns/replicasets', 'watch', 'replicasets'],
    ['POST', '/apis/apps/v1/namespaces/ns/replicasets', 'create', 'replicasets'],
    ['PUT', '/apis/apps/v1/namespaces/ns/replicasets/demo-abc', 'update', 'replicasets'],
    ['PATCH', '/apis/apps/v1/namespaces/ns/replicasets/demo-abc', 'patch', 'replicasets'],
    ['DELETE', '/apis/apps/v1/namespaces/ns/replicasets/demo-abc', 'delete', 'replicasets'],
    ['DELETE', '/apis/apps/v1/namespaces/ns/replicasets', 'deletecollection', 'replicasets'],
    ['PATCH', '/apis/kanary.dev/v1alpha1/namespaces/ns/rollouts/demo/status', 'patch', 'rollouts/status'],
    ['GET', '/apis/getambassador.io/v3alpha1/namespaces/ns/mappings/demo-canary', 'get', 'mappings'],
    ['GET', '/apis/getambassador.io/v2/mappings', 'list', 'mappings'],
    ['PATCH', '/api/v1/namespaces/ns/services/demo-stable', 'patch', 'services'],
    ['POST', '/api/v1/namespaces/ns/events', 'create', 'events'],
    ['GET', '/api/v1/namespaces', 'list', 'namespaces'],
    ['GET', '/api/v1/namespaces/ns', 'get', 'namespaces'],
    ['PUT', '/api/v1/namespaces/ns/finalize', 'update', 'namespaces/finalize'],
    ['GET', '/api/v1/namespaces/ns/status', 'get', 'namespaces/status'],
    ['GET', '/api/v1/nodes/n1', 'get', 'nodes'],
    ['PUT', '/apis/coordination.k8s.io/v1/namespaces/ns/leases/kanary', 'update', 'leases'],
    ['GET', '/version', 'get', ''],
    ['GET', '/apis', 'get', ''],
  ])('%s %s -> %s %s', (method, path, verb, resource) => {
    expect(describeRequest(method, `${base}${path}`)).toEqual({ verb, resource });
  });

  test('a path prefix before /api (proxied API servers) is skipped', () => {
    expect(describeRequest('GET', `${base}/k8s/clusters/c1/api/v1/namespaces/ns/pods`)).toEqual({
      verb: 'list',
      resource: 'pods',
    });
  });
});
