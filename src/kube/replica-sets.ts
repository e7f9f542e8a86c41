/** ReplicaSet adapter: create one per pod-template hash from a Rollout, scale it, delete it. */
import type * as k8s from '@kubernetes/client-node';
import {
  ANTI_AFFINITY_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  BASELINE_ROLE,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
  ROLE_LABEL,
  SCALE_DOWN_DEADLINE_ANNOTATION,
} from '../api/labels.js';
import type { Rollout } from '../api/rollout.js';
import type { AntiAffinityRule } from '../core/actions.js';
import { withInjectedAntiAffinity } from './anti-affinity.js';
import type { KubeClients } from './clients.js';
import { buildDeleteBody, type DeleteObjectOptions } from './delete-options.js';
import { callKube } from './errors.js';
import { buildRolloutOwnerReference } from './owner-reference.js';
import { mergePatchOptions } from './patch-options.js';

const RESOURCE = 'replicasets';

export interface ReplicaSetSource {
  rollout: Pick<Rollout, 'metadata' | 'spec'>;
  podTemplateHash: string;
  revision: number;
  replicas: number;
  antiAffinity?: AntiAffinityRule;
}

export function replicaSetName(rolloutName: string, podTemplateHash: string): string {
  return `${rolloutName}-${podTemplateHash}`;
}

function withHash(labels: Record<string, string> | undefined, hash: string): Record<string, string> {
  return { ...(labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
}

function namespaceOf(rollout: Pick<Rollout, 'metadata'>): string {
  const namespace = rollout.metadata.namespace;
  if (!namespace) throw new Error(`Rollout ${rollout.metadata.name} has no namespace`);
  return namespace;
}

/** The ReplicaSet for one pod-template hash of a Rollout (pure). */
export function buildReplicaSet(source: ReplicaSetSource): k8s.V1ReplicaSet {
  const { rollout, podTemplateHash: hash } = source;
  const template = rollout.spec.template as k8s.V1PodTemplateSpec;
  const templateLabels = withHash(template.metadata?.labels, hash);
  const annotations: Record<string, string> = { [REVISION_ANNOTATION]: String(source.revision) };
  if (source.antiAffinity !== undefined) annotations[ANTI_AFFINITY_ANNOTATION] = source.antiAffinity.stableHash;
  const namespace = namespaceOf(rollout);
  const podSpec = template.spec === undefined ? undefined : { ...template.spec, affinity: withInjectedAntiAffinity(template.spec.affinity, source.antiAffinity, namespace) };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: replicaSetName(rollout.metadata.name, hash),
      namespace,
      labels: { ...templateLabels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      annotations,
      ownerReferences: [buildRolloutOwnerReference(rollout)],
    },
    spec: {
      replicas: source.replicas,
      minReadySeconds: rollout.spec.minReadySeconds,
      selector: {
        ...(rollout.spec.selector as k8s.V1LabelSelector),
        matchLabels: withHash(rollout.spec.selector.matchLabels, hash),
      },
      template: { ...template, metadata: { ...template.metadata, labels: templateLabels }, ...(podSpec !== undefined ? { spec: podSpec } : {}) },
    },
  };
}

export async function createReplicaSet(clients: KubeClients, source: ReplicaSetSource): Promise<k8s.V1ReplicaSet> {
  const body = buildReplicaSet(source);
  const namespace = body.metadata?.namespace ?? '';
  return callKube({ verb: 'create', resource: RESOURCE, namespace, name: body.metadata?.name }, () =>
    clients.apps.createNamespacedReplicaSet({ namespace, body }),
  );
}

export interface BaselineSource {
  rollout: Pick<Rollout, 'metadata' | 'spec'>;
  name: string;
  podTemplateHash: string;
  replicas: number;
}

/**
 * The baseline ReplicaSet (canary.baseline, pure): the stable ReplicaSet's pod template with the
 * label kanary.dev/role: baseline and the baseline's own pod-template hash, owned by the Rollout.
 * No revision annotation: it is no revision of the Rollout.
 */
export function buildBaselineReplicaSet(stable: k8s.V1ReplicaSet, source: BaselineSource): k8s.V1ReplicaSet {
  const { rollout, podTemplateHash: hash } = source;
  const template = stable.spec?.template ?? {};
  const templateLabels = { ...withHash(template.metadata?.labels, hash), [ROLE_LABEL]: BASELINE_ROLE };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: source.name,
      namespace: namespaceOf(rollout),
      labels: { ...templateLabels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      ownerReferences: [buildRolloutOwnerReference(rollout)],
    },
    spec: {
      replicas: source.replicas,
      minReadySeconds: rollout.spec.minReadySeconds,
      selector: { ...(rollout.spec.selector as k8s.V1LabelSelector), matchLabels: withHash(rollout.spec.selector.matchLabels, hash) },
      template: { ...template, metadata: { ...template.metadata, labels: templateLabels } },
    },
  };
}

/** Creates the baseline from the stable ReplicaSet as the API has it now (one read, at creation only). */
export async function createBaselineReplicaSet(clients: KubeClients, source: BaselineSource & { stableReplicaSet: string }): Promise<k8s.V1ReplicaSet> {
  const namespace = namespaceOf(source.rollout);
  const stable = await callKube({ verb: 'get', resource: RESOURCE, namespace, name: source.stableReplicaSet }, () =>
    clients.apps.readNamespacedReplicaSet({ namespace, name: source.stableReplicaSet }),
  );
  const body = buildBaselineReplicaSet(stable, source);
  return callKube({ verb: 'create', resource: RESOURCE, namespace, name: source.name }, () => clients.apps.createNamespacedReplicaSet({ namespace, body }));
}

export interface ScaleReplicaSetOptions {
  namespace: string;
  name: string;
  replicas: number;
  /** RFC 3339 time to set as the scale-down deadline, `null` to remove it, undefined to leave it. */
  scaleDownDeadline?: string | null;
}

/** The merge patch that scales a ReplicaSet (and sets or clears its scale-down deadline). */
export function buildScalePatch(options: Omit<ScaleReplicaSetOptions, 'namespace' | 'name'>): Record<string, unknown> {
  const patch: Record<string, unknown> = { spec: { replicas: options.replicas } };
  if (options.scaleDownDeadline !== undefined) {
    patch['metadata'] = { annotations: { [SCALE_DOWN_DEADLINE_ANNOTATION]: options.scaleDownDeadline } };
  }
  return patch;
}

export async function scaleReplicaSet(clients: KubeClients, options: ScaleReplicaSetOptions): Promise<k8s.V1ReplicaSet> {
  const { namespace, name } = options;
  return callKube({ verb: 'patch', resource: RESOURCE, namespace, name }, () =>
    clients.apps.patchNamespacedReplicaSet({ namespace, name, body: buildScalePatch(options) }, mergePatchOptions()),
  );
}

export interface AnnotateReplicaSetOptions {
  namespace: string;
  name: string;
  /** Values to set; `null` removes the annotation. */
  annotations: Record<string, string | null>;
}

/** Sets or removes annotations (e.g. the revision when a rollback reuses an old ReplicaSet). */
export async function annotateReplicaSet(clients: KubeClients, options: AnnotateReplicaSetOptions): Promise<k8s.V1ReplicaSet> {
  const { namespace, name, annotations } = options;
  return callKube({ verb: 'patch', resource: RESOURCE, namespace, name }, () =>
    clients.apps.patchNamespacedReplicaSet({ namespace, name, body: { metadata: { annotations } } }, mergePatchOptions()),
  );
}

/** Deletes a ReplicaSet and (in the background) its pods. */
export async function deleteReplicaSet(clients: KubeClients, options: DeleteObjectOptions): Promise<void> {
  const { namespace, name, uid } = options;
  await callKube({ verb: 'delete', resource: RESOURCE, namespace, name }, () =>
    clients.apps.deleteNamespacedReplicaSet({
      namespace,
      name,
      body: buildDeleteBody(uid),
    }),
  );
}
