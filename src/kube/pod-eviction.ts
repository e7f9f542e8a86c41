/**
 * spec.restartAt: a pod is evicted (policy/v1 Eviction), not deleted, so PodDisruptionBudgets are
 * honoured; its ReplicaSet replaces it. A pod already gone is fine; a budget that refuses the
 * eviction (429) is left for the next reconcile to try again.
 */
import type { KubeClients } from './clients.js';
import { callKube, isNotFound, KubeError } from './errors.js';

export async function evictPod(clients: KubeClients, namespace: string, name: string): Promise<void> {
  try {
    await callKube({ verb: 'create', resource: 'pods/eviction', namespace, name }, () =>
      clients.core.createNamespacedPodEviction({ name, namespace, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } } }),
    );
  } catch (error) {
    if (isNotFound(error) || (error instanceof KubeError && error.statusCode === 429)) return;
    throw error;
  }
}
