import type * as k8s from '@kubernetes/client-node';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import { buildHttpProbe, type HttpProbe } from './container-probe.js';

/** The image's ENTRYPOINT (see Dockerfile): `node bin/kanary.js controller`, run in /app. */
export const controllerEntrypoint = ['node', 'bin/kanary.js', 'controller'];
/** The image's USER (65532:65532, "nonroot"). */
export const controllerImageUser = 65532;
/** The image's ENV, and what a container runtime adds. */
const imageEnv: Record<string, string> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  NODE_ENV: 'production',
  HOME: '/tmp',
};

export interface ControllerHost {
  /** The checkout whose build runs as the image's /app. */
  repoRoot: string;
  /** The node binary that stands for the image's `node`. */
  nodePath: string;
  /** The image's Node.js (scripts/setup-image-node.sh), bind-mounted over nodePath in the container. */
  imageNode?: string;
  /** Preloaded into node: binds the pod's "all interfaces" listens to its own loopback IP. */
  networkShim: string;
  /** The API server as pods reach it (KUBERNETES_SERVICE_HOST/PORT). */
  apiHost: string;
  apiPort: number;
  /** The pod's loopback IP and the per-pod directory (volumes, logs). */
  podIP: string;
  podDir: string;
}

export interface VolumeMount {
  kind: 'emptyDir' | 'serviceAccount';
  /** The volume's per-pod directory on the host. */
  source: string;
  target: string;
  readOnly: boolean;
}

export interface ControllerContainerConfig {
  /** Bind-mount `source` over `target` (the node binary) before anything else: the image's Node.js. */
  imageNode?: { source: string; target: string };
  /** The pod's hostname (its own UTS namespace), as os.hostname() reports it inside. */
  hostname: string;
  /**
   * The checkout, bind-mounted read-only at `target` (on the pod's fresh /run) and the working
   * directory there, as the image's /app: a volume such as an emptyDir on /tmp may hide the
   * checkout's own path (a clone under /tmp).
   */
  app: { source: string; target: string };
  argv: string[];
  /** The host directory the container's process is spawned in (before its mount namespace). */
  cwd: string;
  env: Record<string, string>;
  uid: number;
  gid: number;
  readOnlyRootFilesystem: boolean;
  noNewPrivileges: boolean;
  mounts: VolumeMount[];
  readiness?: HttpProbe;
  liveness?: HttpProbe;
  /** The ServiceAccount whose token the serviceAccount mounts hold. */
  serviceAccountName: string;
  /** terminationGracePeriodSeconds: SIGTERM, then SIGKILL this long after (liveness failures). */
  gracePeriodMs: number;
}

export type ConfigResult = { ok: true; config: ControllerContainerConfig } | { ok: false; error: string };

class ConfigError extends Error {}

function fieldValue(pod: k8s.V1Pod, fieldPath: string, podIP: string): string {
  const meta = pod.metadata ?? {};
  const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (label) return (label[1] === 'labels' ? meta.labels : meta.annotations)?.[label[2] ?? ''] ?? '';
  const value = simpleFields(pod, podIP)[fieldPath];
  if (value === undefined) throw new ConfigError(`env fieldRef ${fieldPath} is not supported by the simulated kubelet`);
  return value;
}

function simpleFields(pod: k8s.V1Pod, podIP: string): Record<string, string> {
  const meta = pod.metadata ?? {};
  const fields: Record<string, string | undefined> = {
    'metadata.name': meta.name,
    'metadata.namespace': meta.namespace,
    'metadata.uid': meta.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.podIP': podIP,
    'status.hostIP': '127.0.0.1',
  };
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, value ?? '']));
}

function envValue(pod: k8s.V1Pod, env: k8s.V1EnvVar, podIP: string): string {
  if (env.valueFrom === undefined) return env.value ?? '';
  const fieldPath = env.valueFrom.fieldRef?.fieldPath;
  if (fieldPath === undefined) throw new ConfigError(`env ${env.name}: only value and valueFrom.fieldRef are supported by the simulated kubelet`);
  return fieldValue(pod, fieldPath, podIP);
}

function buildEnv(pod: k8s.V1Pod, container: k8s.V1Container, host: ControllerHost): Record<string, string> {
  if (container.envFrom?.length) throw new ConfigError('envFrom is not supported by the simulated kubelet');
  const env: Record<string, string> = {
    ...imageEnv,
    HOSTNAME: pod.metadata?.name ?? '',
    KUBERNETES_SERVICE_HOST: host.apiHost,
    KUBERNETES_SERVICE_PORT: String(host.apiPort),
    KUBERNETES_SERVICE_PORT_HTTPS: String(host.apiPort),
    // For the network shim only (pod-network-shim.ts): the pod's own address.
    KANARY_SIM_POD_IP: host.podIP,
  };
  for (const item of container.env ?? []) env[item.name] = envValue(pod, item, host.podIP);
  return env;
}

/** The command line: `command` replaces the ENTRYPOINT, `args` follow it; `node` is the host's node. */
function buildArgv(container: k8s.V1Container, host: ControllerHost): string[] {
  const command = container.command?.length ? container.command : controllerEntrypoint;
  const argv = [...command, ...(container.args ?? [])];
  if (argv[0] !== 'node' && argv[0] !== '/usr/local/bin/node') {
    throw new ConfigError(`command ${JSON.stringify(argv[0])}: the controller image runs node only`);
  }
  return [host.nodePath, '--import', inApp(host, host.networkShim), ...argv.slice(1)];
}

/** Where the checkout appears inside the container (see ControllerContainerConfig.app). */
export const CONTAINER_APP_DIR = '/run/kanary-app';

/** A file of the checkout, as the container sees it. */
function inApp(host: ControllerHost, file: string): string {
  const path = relative(host.repoRoot, file);
  return path.startsWith('..') || isAbsolute(path) ? file : posix.join(CONTAINER_APP_DIR, ...path.split(sep));
}

function userOf(pod: k8s.V1Pod, container: k8s.V1Container): { uid: number; gid: number } {
  const own = container.securityContext ?? {};
  const podWide = pod.spec?.securityContext ?? {};
  const uid = own.runAsUser ?? podWide.runAsUser ?? controllerImageUser;
  const gid = own.runAsGroup ?? podWide.runAsGroup ?? controllerImageUser;
  if (uid === 0) throw new ConfigError('runAsUser 0: the simulated kubelet never runs the controller image as root');
  if (gid === 0) throw new ConfigError('runAsGroup 0: the simulated kubelet never runs the controller image in group root');
  return { uid, gid };
}

function mountOf(pod: k8s.V1Pod, mount: k8s.V1VolumeMount, host: ControllerHost): VolumeMount {
  const volume = pod.spec?.volumes?.find((v) => v.name === mount.name);
  if (!volume) throw new ConfigError(`volumeMount "${mount.name}" names no volume of the pod`);
  if (mount.subPath || mount.subPathExpr) throw new ConfigError(`volumeMount "${mount.name}": subPath is not supported by the simulated kubelet`);
  const source = join(host.podDir, 'volumes', volume.name);
  if (volume.emptyDir) return { kind: 'emptyDir', source, target: mount.mountPath, readOnly: mount.readOnly === true };
  const projectsToken = volume.projected?.sources?.some((s) => s.serviceAccountToken !== undefined) === true;
  if (projectsToken) return { kind: 'serviceAccount', source, target: mount.mountPath, readOnly: true };
  throw new ConfigError(`volume "${volume.name}": only emptyDir and the projected ServiceAccount token are supported for the controller image`);
}

function probes(container: k8s.V1Container): Pick<ControllerContainerConfig, 'readiness' | 'liveness'> {
  const readiness = buildHttpProbe(container, 'readinessProbe');
  const liveness = buildHttpProbe(container, 'livenessProbe');
  if (!readiness.ok) throw new ConfigError(readiness.error);
  if (!liveness.ok) throw new ConfigError(liveness.error);
  return {
    ...(readiness.probe ? { readiness: readiness.probe } : {}),
    ...(liveness.probe ? { liveness: liveness.probe } : {}),
  };
}

function buildConfig(pod: k8s.V1Pod, container: k8s.V1Container, host: ControllerHost): ControllerContainerConfig {
  const security = container.securityContext ?? {};
  return {
    ...(host.imageNode ? { imageNode: { source: host.imageNode, target: host.nodePath } } : {}),
    hostname: pod.metadata?.name ?? '',
    app: { source: host.repoRoot, target: CONTAINER_APP_DIR },
    argv: buildArgv(container, host),
    cwd: host.repoRoot,
    env: buildEnv(pod, container, host),
    ...userOf(pod, container),
    readOnlyRootFilesystem: security.readOnlyRootFilesystem === true,
    noNewPrivileges: security.allowPrivilegeEscalation === false,
    mounts: (container.volumeMounts ?? []).map((mount) => mountOf(pod, mount, host)),
    ...probes(container),
    serviceAccountName: pod.spec?.serviceAccountName ?? 'default',
    gracePeriodMs: (pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000,
  };
}

/**
 * How the kubelet runs a controller-image container: the checkout's `bin/kanary.js` under the host's
 * node, as the pod's non-root user, with the spec's env, volumes and probes. Pure; an error (a spec
 * the simulated kubelet cannot honour) becomes the container's CreateContainerConfigError message.
 */
export function buildControllerContainerConfig(pod: k8s.V1Pod, container: k8s.V1Container, host: ControllerHost): ConfigResult {
  try {
    return { ok: true, config: buildConfig(pod, container, host) };
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, error: err.message };
    throw err;
  }
}
