/**
 * Gathers what `kanary get rollout` shows: the Rollout, its ReplicaSets, their pods, its
 * AnalysisRuns and the weight of its canary Mapping. `selectRolloutState` picks one Rollout's
 * objects out of everything listed (or watched) in its namespace and is pure; `fetchNamespaceObjects`
 * lists them once.
 */
import type * as k8s from '@kubernetes/client-node';
import {
  AMBASSADOR_GROUP,
  ANALYSIS_RUN_PLURAL,
  DEFAULT_AMBASSADOR_API_VERSION,
  KANARY_GROUP,
  KANARY_VERSION,
  CANARY_MAPPING_LABEL,
  CANARY_MAPPING_LABEL_VALUE,
  MAPPING_PLURAL,
  POD_TEMPLATE_HASH_LABEL,
  ROLLOUT_NAME_LABEL,
} from '../api/labels.js';
import { NotFoundError } from '../kube/errors.js';
import { buildNameLabelValue } from '../core/label-value.js';
import { canaryMappingName, mappingWeight, type MappingObject } from '../traffic/ambassador-mapping.js';
import type { RolloutClient, RolloutObject } from './rollout-client.js';

/** An AnalysisRun as read from the API (unvalidated). */
export interface AnalysisRunObject extends k8s.KubernetesObject {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** Everything in one namespace the tree may need. */
export interface NamespaceObjects {
  rollouts: readonly RolloutObject[];
  replicaSets: readonly k8s.V1ReplicaSet[];
  pods: readonly k8s.V1Pod[];
  analysisRuns: readonly AnalysisRunObject[];
  mappings: readonly MappingObject[];
}

/** One Rollout and the objects that belong to it. */
export interface RolloutState {
  rollout: RolloutObject;
  replicaSets: k8s.V1ReplicaSet[];
  pods: k8s.V1Pod[];
  analysisRuns: AnalysisRunObject[];
  /** Weight of the `<base>-canary` Mapping (0 when absent); undefined without traffic routing. */
  canaryWeight: number | undefined;
}

type Owned = { metadata?: { ownerReferences?: k8s.V1OwnerReference[] } };

function ownedBy(object: Owned, kind: string, owner: k8s.KubernetesObject): boolean {
  const uid = owner.metadata?.uid;
  return (object.metadata?.ownerReferences ?? []).some((ref) =>
    ref.kind === kind && ref.name === owner.metadata?.name && (uid === undefined || ref.uid === uid),
  );
}

function hashOf(object: { metadata?: { labels?: Record<string, string> } }): string | undefined {
  return object.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL];
}

/** Pods of a ReplicaSet: controlled by it, or (without ownerReferences) carrying its hash label. */
function podsOf(rs: k8s.V1ReplicaSet, pods: readonly k8s.V1Pod[]): k8s.V1Pod[] {
  const hash = hashOf(rs);
  return pods.filter((pod) => {
    if ((pod.metadata?.ownerReferences ?? []).length > 0) return ownedBy(pod, 'ReplicaSet', rs);
    return hash !== undefined && hashOf(pod) === hash;
  });
}

/** The base Mapping names of a Rollout's Ambassador traffic routing, empty without it. */
export function baseMappingNames(rollout: RolloutObject): string[] {
  const canary = (rollout.spec?.['strategy'] as { canary?: { trafficRouting?: { ambassador?: { mappings?: unknown } } } } | undefined)?.canary;
  const mappings = canary?.trafficRouting?.ambassador?.mappings;
  return Array.isArray(mappings) ? mappings.filter((m): m is string => typeof m === 'string') : [];
}

/** The Mapping apiVersion the Rollout asks for (the controller default otherwise). */
export function mappingApiVersion(rollout: RolloutObject): string {
  const canary = (rollout.spec?.['strategy'] as { canary?: { trafficRouting?: { ambassador?: { apiVersion?: unknown } } } } | undefined)?.canary;
  const version = canary?.trafficRouting?.ambassador?.apiVersion;
  return typeof version === 'string' ? version : DEFAULT_AMBASSADOR_API_VERSION;
}

function canaryWeightOf(rollout: RolloutObject, mappings: readonly MappingObject[]): number | undefined {
  const [base] = baseMappingNames(rollout);
  if (base === undefined) return undefined;
  const canary = mappings.find((m) => m.metadata?.name === canaryMappingName(base));
  return canary ? (mappingWeight(canary) ?? 0) : 0;
}

/** One Rollout's objects out of its namespace's, or undefined when the Rollout is not there. */
export function selectRolloutState(objects: NamespaceObjects, name: string): RolloutState | undefined {
  const rollout = objects.rollouts.find((r) => r.metadata?.name === name);
  if (!rollout) return undefined;
  const replicaSets = objects.replicaSets.filter((rs) => ownedBy(rs, 'Rollout', rollout));
  const pods = replicaSets.flatMap((rs) => podsOf(rs, objects.pods));
  const analysisRuns = objects.analysisRuns.filter((run) =>
    run.metadata?.labels?.[ROLLOUT_NAME_LABEL] === buildNameLabelValue(name) || ownedBy(run, 'Rollout', rollout),
  );
  return { rollout, replicaSets, pods, analysisRuns, canaryWeight: canaryWeightOf(rollout, objects.mappings) };
}

/** Label selectors the CLI lists and watches with (only Kanary's objects). */
export const TREE_SELECTORS = {
  replicaSets: POD_TEMPLATE_HASH_LABEL,
  pods: POD_TEMPLATE_HASH_LABEL,
  analysisRuns: (rolloutName: string) => `${ROLLOUT_NAME_LABEL}=${buildNameLabelValue(rolloutName)}`,
  mappings: `${CANARY_MAPPING_LABEL}=${CANARY_MAPPING_LABEL_VALUE}`,
} as const;

async function listMappingsIn(client: RolloutClient, namespace: string, version: string): Promise<MappingObject[]> {
  return client.listObjects<MappingObject>({ group: AMBASSADOR_GROUP, version, plural: MAPPING_PLURAL, namespace }, { labelSelector: TREE_SELECTORS.mappings });
}

/** The canary Mappings in the Rollout's version, or in the other one where that is not served (Emissary 4.x serves v3alpha1 only). */
async function listMappings(client: RolloutClient, namespace: string, apiVersion: string): Promise<MappingObject[]> {
  const version = apiVersion.split('/')[1] ?? 'v2';
  for (const candidate of [version, version === 'v2' ? 'v3alpha1' : 'v2']) {
    try {
      return await listMappingsIn(client, namespace, candidate);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  return []; // the Mapping CRD is not installed
}

async function listAnalysisRuns(client: RolloutClient, namespace: string, name: string): Promise<AnalysisRunObject[]> {
  return client.listObjects<AnalysisRunObject>({ group: KANARY_GROUP, version: KANARY_VERSION, plural: ANALYSIS_RUN_PLURAL, namespace }, { labelSelector: TREE_SELECTORS.analysisRuns(name) });
}

/** Reads one Rollout (not-found is a UserError) and the objects of its tree, once. */
export async function fetchRolloutState(client: RolloutClient, namespace: string, name: string): Promise<RolloutState> {
  const rollout = await client.get(namespace, name);
  const [replicaSets, pods, analysisRuns, mappings] = await Promise.all([
    client.listObjects<k8s.V1ReplicaSet>({ group: 'apps', version: 'v1', plural: 'replicasets', namespace }, { labelSelector: TREE_SELECTORS.replicaSets }),
    client.listObjects<k8s.V1Pod>({ group: '', version: 'v1', plural: 'pods', namespace }, { labelSelector: TREE_SELECTORS.pods }),
    listAnalysisRuns(client, namespace, name),
    baseMappingNames(rollout).length > 0 ? listMappings(client, namespace, mappingApiVersion(rollout)) : Promise.resolve([]),
  ]);
  const objects: NamespaceObjects = { rollouts: [rollout], replicaSets, pods, analysisRuns, mappings };
  const state = selectRolloutState(objects, name);
  if (!state) throw new Error(`rollout ${namespace}/${name} vanished while it was read`);
  return state;
}
