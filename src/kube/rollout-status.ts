/**
 * Writes a Rollout's status through the /status subresource with a JSON merge patch. The patch
 * carries only what changed from the observed status (keys that disappeared become `null`), plus
 * observedGeneration, and the observed resourceVersion so a write based on a stale cache fails with
 * a ConflictError instead of overwriting a newer status (e.g. a `kanary abort` in between).
 */
import { KANARY_GROUP, KANARY_VERSION, ROLLOUT_PLURAL } from '../api/labels.js';
import type { KubeClients } from './clients.js';
import { callKube } from './errors.js';
import { createMergePatch, type JsonObject } from './merge-patch.js';
import { mergePatchOptions } from './patch-options.js';

export interface RolloutStatusWrite {
  namespace: string;
  name: string;
  /** The status the controller observed (from its cache); undefined when there was none. */
  liveStatus: JsonObject | undefined;
  /** The complete status the controller wants, without observedGeneration. */
  desiredStatus: JsonObject;
  /** metadata.generation of the Rollout the status was computed from. */
  observedGeneration: number;
  /** metadata.resourceVersion of the observed Rollout: makes the write conditional. */
  resourceVersion?: string;
}

/** The merge patch body for a status write, or undefined when nothing would change (pure). */
export function buildRolloutStatusPatch(write: RolloutStatusWrite): JsonObject | undefined {
  const desired = { ...write.desiredStatus, observedGeneration: write.observedGeneration };
  const statusPatch = createMergePatch(write.liveStatus ?? {}, desired);
  if (!statusPatch) return undefined;
  const patch: JsonObject = { status: statusPatch };
  if (write.resourceVersion) patch['metadata'] = { resourceVersion: write.resourceVersion };
  return patch;
}

/**
 * Patches the status when it differs; returns the updated Rollout object, or undefined when no
 * request was needed (an idle rollout makes no API call).
 */
export async function patchRolloutStatus(clients: KubeClients, write: RolloutStatusWrite): Promise<unknown> {
  const body = buildRolloutStatusPatch(write);
  if (!body) return undefined;
  const { namespace, name } = write;
  return callKube({ verb: 'patch', resource: `${ROLLOUT_PLURAL}/status`, namespace, name }, () =>
    clients.custom.patchNamespacedCustomObjectStatus(
      { group: KANARY_GROUP, version: KANARY_VERSION, namespace, plural: ROLLOUT_PLURAL, name, body },
      mergePatchOptions(),
    ),
  );
}
