import * as k8s from '@kubernetes/client-node';

/** Binds a Pending pod to a node through the pods/binding subresource, as a scheduler does. */
export async function bindPod(api: k8s.CoreV1Api, pod: k8s.V1Pod, nodeName: string): Promise<void> {
  const name = pod.metadata?.name ?? '';
  const namespace = pod.metadata?.namespace ?? '';
  await api.createNamespacedPodBinding({
    name,
    namespace,
    body: {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name, namespace, ...(pod.metadata?.uid ? { uid: pod.metadata.uid } : {}) },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    },
  });
}

/** Whether a pod waits for a node: not bound, not being deleted, not finished. */
export function needsBinding(pod: k8s.V1Pod): boolean {
  const phase = pod.status?.phase;
  return !pod.spec?.nodeName && !pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

/** Whether the node's labels satisfy the pod's nodeSelector (the only placement rule simulated). */
export function fitsNode(pod: k8s.V1Pod, nodeLabels: Record<string, string>): boolean {
  const selector = pod.spec?.nodeSelector ?? {};
  return Object.entries(selector).every(([key, value]) => nodeLabels[key] === value);
}
