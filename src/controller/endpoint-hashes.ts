/**
 * Which of a Rollout's pod-template hashes a Service really reaches: the ReplicaSets whose pods are
 * the ready addresses of the Service's Endpoints (pods are named `<replicaset>-<suffix>`). Lets the
 * planner hold the canary weight until the endpoints controller has caught up with a selector change.
 */
import type * as k8s from '@kubernetes/client-node';
import type { ReplicaSetView } from '../core/snapshot.js';

type NamedReplicaSet = Pick<ReplicaSetView, 'name' | 'podTemplateHash' | 'ownedByRollout'>;

function replicaSetOfPod(podName: string, replicaSets: readonly NamedReplicaSet[]): NamedReplicaSet | undefined {
  return replicaSets.find((rs) => rs.ownedByRollout && podName.startsWith(`${rs.name}-`));
}

/** Sorted hashes behind the ready addresses; undefined when the Endpoints object is not known. */
export function findEndpointHashes(endpoints: k8s.V1Endpoints | undefined, replicaSets: readonly NamedReplicaSet[]): string[] | undefined {
  if (endpoints === undefined) return undefined;
  const hashes = new Set<string>();
  const addresses = (endpoints.subsets ?? []).flatMap((subset) => subset.addresses ?? []);
  for (const address of addresses) {
    const ref = address.targetRef;
    const rs = ref?.kind === 'Pod' && ref.name ? replicaSetOfPod(ref.name, replicaSets) : undefined;
    if (rs) hashes.add(rs.podTemplateHash);
  }
  return [...hashes].sort();
}
