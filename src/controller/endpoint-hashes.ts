/**
 * Which of a Rollout's pod-template hashes a Service really reaches: the ReplicaSets whose pods are
 * the ready endpoints of the Service's discovery.k8s.io/v1 EndpointSlices. Lets the planner hold the
 * canary weight until the endpointslice controller has caught up with a selector change.
 *
 * A pod is mapped to its ReplicaSet by its `rollouts-pod-template-hash` label, else by its
 * controlling ownerReference; never by its name (pod names of long Rollout names are truncated).
 */
import type * as k8s from '@kubernetes/client-node';
import { POD_TEMPLATE_HASH_LABEL } from '../api/labels.js';
import type { ReplicaSetView } from '../core/snapshot.js';

type NamedReplicaSet = Pick<ReplicaSetView, 'name' | 'podTemplateHash' | 'ownedByRollout'>;

/** Looks a pod up by namespace and name (the controller's pod cache). */
export type PodLookup = (namespace: string, name: string) => k8s.V1Pod | undefined;

function hashOfPod(pod: k8s.V1Pod, replicaSets: readonly NamedReplicaSet[]): string | undefined {
  const owned = replicaSets.filter((rs) => rs.ownedByRollout);
  const label = pod.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL];
  if (label !== undefined) return owned.find((rs) => rs.podTemplateHash === label)?.podTemplateHash;
  const owner = (pod.metadata?.ownerReferences ?? []).find((ref) => ref.controller === true && ref.kind === 'ReplicaSet');
  return owner ? owned.find((rs) => rs.name === owner.name)?.podTemplateHash : undefined;
}

function isReady(endpoint: k8s.V1Endpoint): boolean {
  // EndpointSlice API: an unset `ready` condition is to be read as ready.
  return endpoint.conditions?.ready !== false;
}

function podOf(endpoint: k8s.V1Endpoint, namespace: string, pods: PodLookup): k8s.V1Pod | undefined {
  const ref = endpoint.targetRef;
  if (ref?.kind !== 'Pod' || !ref.name) return undefined;
  const pod = pods(ref.namespace ?? namespace, ref.name);
  // A pod recreated under the same name is another pod: only the referenced one counts.
  if (pod && ref.uid && pod.metadata?.uid && pod.metadata.uid !== ref.uid) return undefined;
  return pod;
}

export interface EndpointHashesInput {
  namespace: string;
  /** The Service's EndpointSlices; undefined when none is known for it. */
  slices: readonly k8s.V1EndpointSlice[] | undefined;
  pods: PodLookup;
  replicaSets: readonly NamedReplicaSet[];
}

/** Sorted hashes behind the ready endpoints; undefined when no EndpointSlice is known. */
export function findEndpointHashes(input: EndpointHashesInput): string[] | undefined {
  if (input.slices === undefined || input.slices.length === 0) return undefined;
  const hashes = new Set<string>();
  for (const endpoint of input.slices.flatMap((slice) => slice.endpoints ?? [])) {
    if (!isReady(endpoint)) continue;
    const pod = podOf(endpoint, input.namespace, input.pods);
    const hash = pod ? hashOfPod(pod, input.replicaSets) : undefined;
    if (hash !== undefined) hashes.add(hash);
  }
  return [...hashes].sort();
}
