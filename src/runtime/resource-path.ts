/** Identifies a collection of Kubernetes objects, e.g. apps/v1 replicasets in one namespace. */
export interface ResourceRef {
  /** API group; empty for the core group (pods, services, leases are in coordination.k8s.io). */
  group: string;
  version: string;
  /** Lower-case plural, e.g. `replicasets`, `rollouts`, `mappings`. */
  plural: string;
  /** Only this namespace; omitted for all namespaces (or cluster-scoped kinds). */
  namespace?: string;
}

/** `/api/v1/namespaces/ns/pods`, `/apis/apps/v1/replicasets`, ... */
export function buildCollectionPath(ref: ResourceRef): string {
  const prefix = ref.group === '' ? `/api/${ref.version}` : `/apis/${ref.group}/${ref.version}`;
  const scope = ref.namespace ? `/namespaces/${encodeURIComponent(ref.namespace)}` : '';
  return `${prefix}${scope}/${ref.plural}`;
}

/** A short human name for logs and readiness messages, e.g. `replicasets.apps/v1 in shop`. */
export function describeResource(ref: ResourceRef): string {
  const kind = ref.group === '' ? `${ref.plural}/${ref.version}` : `${ref.plural}.${ref.group}/${ref.version}`;
  return ref.namespace ? `${kind} in ${ref.namespace}` : kind;
}
