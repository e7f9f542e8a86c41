import { join } from 'node:path';

/** Where one local cluster keeps everything: certificates, etcd data, logs, kubeconfig, state. */
export interface ClusterPaths {
  dir: string;
  pki: string;
  etcdData: string;
  logs: string;
  /** Scratch directory kube-apiserver may write self-signed certs to (unused: we pass ours). */
  apiserverCertDir: string;
  /** Admin kubeconfig for users, tests and the simulated kubelet. */
  kubeconfig: string;
  controllerManagerKubeconfig: string;
  stateFile: string;
}

export const KUBERNETES_VERSION = 'v1.20.2';

export function clusterPaths(dir: string): ClusterPaths {
  return {
    dir,
    pki: join(dir, 'pki'),
    etcdData: join(dir, 'etcd'),
    logs: join(dir, 'logs'),
    apiserverCertDir: join(dir, 'apiserver-certs'),
    kubeconfig: join(dir, 'kubeconfig'),
    controllerManagerKubeconfig: join(dir, 'controller-manager.kubeconfig'),
    stateFile: join(dir, 'state.json'),
  };
}

/** `$KANARY_HOME/cluster`, else `~/.kanary/cluster`. */
export function defaultStateDir(env: NodeJS.ProcessEnv, homeDir: string): string {
  const home = env.KANARY_HOME;
  return home ? join(home, 'cluster') : join(homeDir, '.kanary', 'cluster');
}

/** The cache scripts/setup-cluster.sh builds into (same resolution as the script). */
export function kubernetesBinDir(env: NodeJS.ProcessEnv, homeDir: string): string {
  const cacheRoot = env.KANARY_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homeDir, '.cache'), 'kanary');
  return join(cacheRoot, `kubernetes-${KUBERNETES_VERSION}`, 'bin');
}
