import type * as k8s from '@kubernetes/client-node';
import type { ResourceRef } from './resource-path.js';

/**
 * A ListWatch list function for custom resources through CustomObjectsApi (which, unlike the typed
 * core clients, returns the raw JSON, the same shape watch events have).
 */
export function makeCustomObjectListFn<T extends k8s.KubernetesObject>(
  api: k8s.CustomObjectsApi,
  ref: ResourceRef,
  labelSelector?: string,
): k8s.ListPromise<T> {
  const base = { group: ref.group, version: ref.version, plural: ref.plural, labelSelector };
  return async () => {
    const list: unknown = ref.namespace
      ? await api.listNamespacedCustomObject({ ...base, namespace: ref.namespace })
      : await api.listClusterCustomObject(base);
    return list as k8s.KubernetesListObject<T>;
  };
}
