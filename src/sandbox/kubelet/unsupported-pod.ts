import type * as k8s from '@kubernetes/client-node';

/**
 * What in a pod spec the simulated kubelet cannot honour for any container: a hostPath volume (no
 * host directory is shared with a simulated pod) and a privileged container. Undefined when none.
 * The pod's containers then wait with CreateContainerConfigError and this message, as a kubelet
 * reports a spec it cannot run.
 */
export function findUnsupportedPodFeature(pod: k8s.V1Pod): string | undefined {
  const hostPath = (pod.spec?.volumes ?? []).find((volume) => volume.hostPath !== undefined);
  if (hostPath) return `volume "${hostPath.name}": hostPath volumes are not supported by the simulated kubelet`;
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const privileged = containers.find((container) => container.securityContext?.privileged === true);
  if (privileged) return `container "${privileged.name}": privileged containers are not supported by the simulated kubelet`;
  return undefined;
}
