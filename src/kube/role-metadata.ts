/**
 * Role metadata on a ReplicaSet's pods: the labels and annotations of activeMetadata,
 * previewMetadata, canaryMetadata or stableMetadata, set on the ReplicaSet's pod template (for
 * pods it creates later) and on each of its pods (which keep running: metadata changes never restart a pod), then recorded on the
 * ReplicaSet. In that order, so a crash between the writes leaves the record behind and the next
 * reconcile writes everything again.
 */
import { POD_TEMPLATE_HASH_LABEL, ROLE_METADATA_ANNOTATION } from '../api/labels.js';
import type { KubeClients } from './clients.js';
import { callKube, isNotFound } from './errors.js';
import { mergePatchOptions } from './patch-options.js';

export interface RoleMetadataMaps {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ApplyRoleMetadataOptions {
  namespace: string;
  /** The ReplicaSet. */
  name: string;
  podTemplateHash: string;
  metadata: RoleMetadataMaps;
  previous: RoleMetadataMaps;
  /** The text to record (undefined: nothing is applied any more). */
  record: string | undefined;
}

/** Keys to set, and `null` for each key Kanary set before and no longer wants (a merge patch). */
export function buildRoleMetadataPatch(metadata: RoleMetadataMaps, previous: RoleMetadataMaps): { labels: Record<string, string | null>; annotations: Record<string, string | null> } {
  const merge = (wanted: Record<string, string>, before: Record<string, string>) => {
    const patch: Record<string, string | null> = { ...wanted };
    for (const key of Object.keys(before)) if (!(key in wanted)) patch[key] = null;
    return patch;
  };
  return { labels: merge(metadata.labels, previous.labels), annotations: merge(metadata.annotations, previous.annotations) };
}

export async function applyRoleMetadata(clients: KubeClients, options: ApplyRoleMetadataOptions): Promise<void> {
  const { namespace, name } = options;
  const patch = buildRoleMetadataPatch(options.metadata, options.previous);
  await callKube({ verb: 'patch', resource: 'replicasets', namespace, name }, () =>
    clients.apps.patchNamespacedReplicaSet({ namespace, name, body: { spec: { template: { metadata: patch } } } }, mergePatchOptions()),
  );
  const pods = await callKube({ verb: 'list', resource: 'pods', namespace }, () =>
    clients.core.listNamespacedPod({ namespace, labelSelector: `${POD_TEMPLATE_HASH_LABEL}=${options.podTemplateHash}` }),
  );
  for (const pod of pods.items) {
    const podName = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp !== undefined) continue;
    try {
      await callKube({ verb: 'patch', resource: 'pods', namespace, name: podName }, () =>
        clients.core.patchNamespacedPod({ namespace, name: podName, body: { metadata: patch } }, mergePatchOptions()),
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  await callKube({ verb: 'patch', resource: 'replicasets', namespace, name }, () =>
    clients.apps.patchNamespacedReplicaSet({ namespace, name, body: { metadata: { annotations: { [ROLE_METADATA_ANNOTATION]: options.record ?? null } } } }, mergePatchOptions()),
  );
}
