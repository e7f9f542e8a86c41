import * as k8s from '@kubernetes/client-node';
import type { PodStatusJson } from './pod-status.js';
import type { WriteOutcome } from './status-writer.js';

/** HTTP status of a client-node ApiException, if that is what was thrown. */
export function apiStatusCode(err: unknown): number | undefined {
  return err instanceof k8s.ApiException ? err.code : undefined;
}

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

/** Replaces the pod's status fields the kubelet owns (merge patch on pods/status). */
export async function patchPodStatus(
  api: k8s.CoreV1Api,
  pod: { namespace: string; name: string; uid: string },
  status: PodStatusJson,
): Promise<WriteOutcome> {
  try {
    await api.patchNamespacedPodStatus(
      // The uid precondition keeps a late write from landing on a new pod with the same name.
      { name: pod.name, namespace: pod.namespace, body: { metadata: { uid: pod.uid }, status } },
      mergePatch,
    );
    return 'ok';
  } catch (err) {
    const code = apiStatusCode(err);
    if (code === 404 || code === 409) return 'gone';
    throw err;
  }
}

/** Removes a pod whose deletion has started, without further grace (its servers are already down). */
export async function deletePodNow(api: k8s.CoreV1Api, pod: { namespace: string; name: string; uid: string }): Promise<void> {
  try {
    await api.deleteNamespacedPod({
      name: pod.name,
      namespace: pod.namespace,
      gracePeriodSeconds: 0,
      body: { gracePeriodSeconds: 0, preconditions: { uid: pod.uid } },
    });
  } catch (err) {
    const code = apiStatusCode(err);
    if (code !== 404 && code !== 409) throw err;
  }
}
