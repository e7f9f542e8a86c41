import type * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ControllerRuntime } from './controller-runtime.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The checkout this kubelet was built from (dist/sandbox/kubelet → the repository root). */
export function checkoutRoot(): string {
  return resolve(here, '..', '..', '..');
}

/** The cluster CA (PEM) of a kubeconfig cluster. */
export function clusterCa(cluster: k8s.Cluster): string {
  if (cluster.caData) return Buffer.from(cluster.caData, 'base64').toString('utf8');
  if (cluster.caFile) return readFileSync(cluster.caFile, 'utf8');
  throw new Error('the kubeconfig names no certificate authority for the API server');
}

/** Where the kubelet's controller pods find the API server (the kubeconfig's) and the checkout. */
export function buildControllerRuntime(
  kubeConfig: k8s.KubeConfig,
  api: k8s.CoreV1Api,
  options: { rootDir: string; controllerImages?: string[]; imageNode?: string },
): ControllerRuntime {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const server = new URL(cluster.server);
  return {
    images: options.controllerImages ?? [],
    host: {
      repoRoot: checkoutRoot(),
      nodePath: process.execPath,
      ...(options.imageNode ? { imageNode: options.imageNode } : {}),
      networkShim: join(here, 'pod-network-shim.js'),
      apiHost: server.hostname.replace(/^\[(.*)\]$/, '$1'),
      apiPort: Number(server.port || 443),
    },
    rootDir: options.rootDir,
    api,
    caPem: clusterCa(cluster),
  };
}
