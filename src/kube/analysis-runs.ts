/** AnalysisRun adapter (kanary.dev/v1alpha1): create, merge-patch /status on difference, delete. */
import { ANALYSIS_RUN_PLURAL, KANARY_GROUP, KANARY_VERSION } from '../api/labels.js';
import type { KubeClients } from './clients.js';
import { buildDeleteBody, type DeleteObjectOptions } from './delete-options.js';
import { callKube } from './errors.js';
import { createMergePatch, type JsonObject } from './merge-patch.js';
import { mergePatchOptions } from './patch-options.js';

const BASE = { group: KANARY_GROUP, version: KANARY_VERSION, plural: ANALYSIS_RUN_PLURAL };

export interface AnalysisRunObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** Creates an AnalysisRun (its metadata should already carry labels and the Rollout ownerReference). */
export async function createAnalysisRun(clients: KubeClients, run: AnalysisRunObject): Promise<AnalysisRunObject> {
  const namespace = run.metadata.namespace;
  if (!namespace) throw new Error(`AnalysisRun ${run.metadata.name} has no namespace`);
  const body = { apiVersion: `${KANARY_GROUP}/${KANARY_VERSION}`, kind: 'AnalysisRun', ...run };
  return callKube({ verb: 'create', resource: ANALYSIS_RUN_PLURAL, namespace, name: run.metadata.name }, () =>
    clients.custom.createNamespacedCustomObject({ ...BASE, namespace, body }),
  ) as Promise<AnalysisRunObject>;
}

export interface AnalysisRunStatusWrite {
  namespace: string;
  name: string;
  liveStatus: JsonObject | undefined;
  desiredStatus: JsonObject;
  /** Makes the write conditional on the observed version. */
  resourceVersion?: string;
}

export function buildAnalysisRunStatusPatch(write: AnalysisRunStatusWrite): JsonObject | undefined {
  const statusPatch = createMergePatch(write.liveStatus ?? {}, write.desiredStatus);
  if (!statusPatch) return undefined;
  const patch: JsonObject = { status: statusPatch };
  if (write.resourceVersion) patch['metadata'] = { resourceVersion: write.resourceVersion };
  return patch;
}

/** Patches status when it differs; resolves to undefined when no request was needed. */
export async function patchAnalysisRunStatus(clients: KubeClients, write: AnalysisRunStatusWrite): Promise<unknown> {
  const body = buildAnalysisRunStatusPatch(write);
  if (!body) return undefined;
  const { namespace, name } = write;
  return callKube({ verb: 'patch', resource: `${ANALYSIS_RUN_PLURAL}/status`, namespace, name }, () =>
    clients.custom.patchNamespacedCustomObjectStatus({ ...BASE, namespace, name, body }, mergePatchOptions()),
  );
}

export async function deleteAnalysisRun(clients: KubeClients, options: DeleteObjectOptions): Promise<void> {
  const { namespace, name, uid } = options;
  await callKube({ verb: 'delete', resource: ANALYSIS_RUN_PLURAL, namespace, name }, () =>
    clients.custom.deleteNamespacedCustomObject({
      ...BASE,
      namespace,
      name,
      body: buildDeleteBody(uid),
    }),
  );
}
