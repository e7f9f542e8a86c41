import * as k8s from '@kubernetes/client-node';
import { apiStatusCode } from './pod-api.js';

export const defaultNodeName = 'kanary-sim-node';
/** The address pods report as hostIP. */
export const simulatedHostIP = '127.0.0.1';
export const nodeHeartbeatIntervalMs = 10_000;

/**
 * Pod slots the node advertises. Nothing here enforces it (pods are bound without a capacity check),
 * but it must not claim fewer slots than benchmarks run: 500 Rollouts mid-canary hold ~1000 pods, and
 * other sessions share the node. Not a multiple of 1000: the API server would store 5000 as "5k".
 */
export const simulatedPodCapacity = 4096;

const resources = { cpu: '64', memory: '256Gi', pods: String(simulatedPodCapacity), 'ephemeral-storage': '1Ti' };

/**
 * The status of a healthy simulated node, with a fresh heartbeat. With `kubeletPort`, the API server
 * proxies pods/log there (daemonEndpoints).
 */
export function buildNodeStatus(now: Date, readySince: Date, kubeletPort?: number): k8s.V1NodeStatus {
  const pressure = (type: string, reason: string): k8s.V1NodeCondition => ({
    type,
    status: 'False',
    reason,
    lastHeartbeatTime: now,
    lastTransitionTime: readySince,
  });
  return {
    ...(kubeletPort !== undefined ? { daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } } } : {}),
    capacity: resources,
    allocatable: resources,
    conditions: [
      pressure('MemoryPressure', 'KubeletHasSufficientMemory'),
      pressure('DiskPressure', 'KubeletHasNoDiskPressure'),
      pressure('PIDPressure', 'KubeletHasSufficientPID'),
      {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        message: 'simulated kubelet is posting ready status',
        lastHeartbeatTime: now,
        lastTransitionTime: readySince,
      },
    ],
    addresses: [
      { type: 'InternalIP', address: simulatedHostIP },
      { type: 'Hostname', address: 'localhost' },
    ],
    nodeInfo: {
      machineID: 'kanary-sim',
      systemUUID: 'kanary-sim',
      bootID: 'kanary-sim',
      kernelVersion: 'simulated',
      osImage: 'Kanary simulated kubelet',
      containerRuntimeVersion: 'sim://1.0',
      kubeletVersion: 'v1.35.0',
      kubeProxyVersion: 'v1.35.0',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

/** The labels a simulated node carries (pods' nodeSelectors are matched against them). */
export function buildNodeLabels(name: string): Record<string, string> {
  return {
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kanary.dev/simulated': 'true',
  };
}

function buildNode(name: string, status: k8s.V1NodeStatus): k8s.V1Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: buildNodeLabels(name) },
    spec: {},
    status,
  };
}

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

/** Writes the node's status (Ready, resources, heartbeat). */
export async function patchNodeStatus(api: k8s.CoreV1Api, name: string, status: k8s.V1NodeStatus): Promise<void> {
  await api.patchNodeStatus({ name, body: { status } }, mergePatch);
}

/** Creates the node if needed (an existing one is reused), then reports it Ready. */
export async function registerNode(api: k8s.CoreV1Api, name: string, now: Date, kubeletPort?: number): Promise<void> {
  const status = buildNodeStatus(now, now, kubeletPort);
  try {
    await api.createNode({ body: buildNode(name, status) });
  } catch (err) {
    if (apiStatusCode(err) !== 409) throw err;
  }
  await patchNodeStatus(api, name, status);
}
