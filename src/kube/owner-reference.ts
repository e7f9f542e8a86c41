/** The controller ownerReference every object Kanary creates carries to its Rollout. */
import type { V1OwnerReference } from '@kubernetes/client-node';
import { KANARY_API_VERSION, ROLLOUT_KIND } from '../api/labels.js';

export interface OwnerMeta {
  metadata: { name: string; uid?: string };
}

export function buildRolloutOwnerReference(rollout: OwnerMeta): V1OwnerReference {
  const { name, uid } = rollout.metadata;
  if (!uid) throw new Error(`Rollout ${name} has no uid: it must be read from the API before owning objects`);
  return {
    apiVersion: KANARY_API_VERSION,
    kind: ROLLOUT_KIND,
    name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** True when `refs` contain a controller reference to the Rollout with this uid. */
export function isControlledBy(refs: readonly V1OwnerReference[] | undefined, rolloutUid: string | undefined): boolean {
  if (!rolloutUid) return false;
  return (refs ?? []).some((ref) => ref.uid === rolloutUid && ref.controller === true);
}
