import { buildCollectionPath, describeResource, type ResourceRef } from '../../src/runtime/resource-path.js';

describe('resource paths', () => {
  test.each<[ResourceRef, string, string]>([
    [{ group: '', version: 'v1', plural: 'pods' }, '/api/v1/pods', 'pods/v1'],
    [{ group: '', version: 'v1', plural: 'services', namespace: 'shop' }, '/api/v1/namespaces/shop/services', 'services/v1 in shop'],
    [{ group: 'apps', version: 'v1', plural: 'replicasets', namespace: 'a' }, '/apis/apps/v1/namespaces/a/replicasets', 'replicasets.apps/v1 in a'],
    [{ group: 'kanary.dev', version: 'v1alpha1', plural: 'rollouts' }, '/apis/kanary.dev/v1alpha1/rollouts', 'rollouts.kanary.dev/v1alpha1'],
    [{ group: 'getambassador.io', version: 'v2', plural: 'mappings', namespace: 'x' }, '/apis/getambassador.io/v2/namespaces/x/mappings', 'mappings.getambassador.io/v2 in x'],
  ])('%j', (ref, path, description) => {
    expect(buildCollectionPath(ref)).toBe(path);
    expect(describeResource(ref)).toBe(description);
  });
});
