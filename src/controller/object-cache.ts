/**
 * Read access to informer caches, namespaced. With namespace scoping the controller runs one
 * informer per watched namespace and resource; this joins them behind one `ObjectCache`.
 */
import type * as k8s from '@kubernetes/client-node';

export interface ObjectCache<T> {
  get(namespace: string, name: string): T | undefined;
  list(namespace: string): readonly T[];
}

/** What ObjectCache needs of an informer (ResourceInformer satisfies it). */
export interface CacheSource<T> {
  get(namespace: string | undefined, name: string): T | undefined;
  list(namespace?: string): readonly T[];
}

/** One informer for all namespaces (`namespaces` empty) or one per namespace. */
export function joinCaches<T extends k8s.KubernetesObject>(
  sources: ReadonlyMap<string, CacheSource<T>>,
): ObjectCache<T> {
  const all = sources.get('');
  const sourceFor = (namespace: string): CacheSource<T> | undefined => all ?? sources.get(namespace);
  return {
    get: (namespace, name) => sourceFor(namespace)?.get(namespace, name),
    list: (namespace) => sourceFor(namespace)?.list(namespace) ?? [],
  };
}

/** A cache of cluster-scoped objects (ClusterAnalysisTemplates). */
export interface ClusterObjectCache<T> {
  get(name: string): T | undefined;
}
