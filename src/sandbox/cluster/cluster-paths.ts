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
  /** kube-apiserver's --admission-control-config-file (Pod Security defaults). */
  admissionConfig: string;
  /** kube-apiserver's --audit-policy-file (requests of ServiceAccounts only, see auditPolicy). */
  auditPolicy: string;
  /** kube-apiserver's --audit-log-path (JSON lines, rotated: see apiserverArgs). */
  auditLog: string;
  stateFile: string;
  /**
   * Emissary 3: a JSON list of namespaces for which kanary-emissary-conversion behaves as if stopped
   * (see src/sandbox/emissary-conversion/outage.ts); absent means none.
   */
  conversionOutage: string;
}

/** The Kubernetes versions the local stack builds (scripts/setup-cluster.sh), by minor version. */
export const KUBERNETES_VERSIONS: Readonly<Record<string, string>> = { '1.37': 'v1.37.2', '1.35': 'v1.35.4' };
export const DEFAULT_KUBERNETES_VERSION = '1.37';
export const ETCD_VERSION = 'v3.6.17';

export class UnknownKubernetesVersionError extends Error {
  constructor(requested: string) {
    super(`Kubernetes version "${requested}" is not offered; offered versions: ${Object.keys(KUBERNETES_VERSIONS).join(', ')}`);
    this.name = 'UnknownKubernetesVersionError';
  }
}

/**
 * The full version (`v1.37.2`) for a requested one (`1.37`, `v1.37`, `1.37.2`), else
 * `$KANARY_KUBERNETES_VERSION`, else the default. Throws UnknownKubernetesVersionError.
 */
export function resolveKubernetesVersion(requested: string | undefined, env: NodeJS.ProcessEnv = {}): string {
  const wanted = requested ?? env.KANARY_KUBERNETES_VERSION ?? DEFAULT_KUBERNETES_VERSION;
  const minor = /^v?(\d+\.\d+)(?:\.\d+)?$/.exec(wanted)?.[1];
  const full = minor === undefined ? undefined : KUBERNETES_VERSIONS[minor];
  if (full === undefined || (wanted.split('.').length === 3 && full !== `v${wanted.replace(/^v/, '')}`)) {
    throw new UnknownKubernetesVersionError(wanted);
  }
  return full;
}

export function clusterPaths(dir: string): ClusterPaths {
  return {
    dir,
    pki: join(dir, 'pki'),
    etcdData: join(dir, 'etcd'),
    logs: join(dir, 'logs'),
    apiserverCertDir: join(dir, 'apiserver-certs'),
    kubeconfig: join(dir, 'kubeconfig'),
    controllerManagerKubeconfig: join(dir, 'controller-manager.kubeconfig'),
    admissionConfig: join(dir, 'admission.json'),
    auditPolicy: join(dir, 'audit-policy.json'),
    auditLog: join(dir, 'logs', 'audit.log'),
    stateFile: join(dir, 'state.json'),
    conversionOutage: join(dir, 'emissary-conversion-outage.json'),
  };
}

/** `$KANARY_HOME/cluster`, else `~/.kanary/cluster`. */
export function defaultStateDir(env: NodeJS.ProcessEnv, homeDir: string): string {
  const home = env.KANARY_HOME;
  return home ? join(home, 'cluster') : join(homeDir, '.kanary', 'cluster');
}

function cacheRoot(env: NodeJS.ProcessEnv, homeDir: string): string {
  return env.KANARY_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homeDir, '.cache'), 'kanary');
}

/**
 * Where scripts/setup-cluster.sh puts kube-apiserver, kube-controller-manager and kubectl of one
 * version (same resolution as the script; the version as for resolveKubernetesVersion).
 */
export function kubernetesBinDir(env: NodeJS.ProcessEnv, homeDir: string, version?: string): string {
  return join(cacheRoot(env, homeDir), `kubernetes-${resolveKubernetesVersion(version, env)}`, 'bin');
}

/** Where scripts/setup-cluster.sh puts etcd. */
export function etcdBinDir(env: NodeJS.ProcessEnv, homeDir: string): string {
  return join(cacheRoot(env, homeDir), `etcd-${ETCD_VERSION}`, 'bin');
}
