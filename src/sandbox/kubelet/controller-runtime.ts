import type * as k8s from '@kubernetes/client-node';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BlockedContainer } from './blocked-container.js';
import type { ContainerSnapshot } from './container-state.js';
import { ControllerContainer } from './controller-container.js';
import { buildControllerContainerConfig, type ControllerContainerConfig, type ControllerHost } from './controller-container-config.js';
import { isControllerImage } from './controller-image.js';
import { parseTokenRefreshMs, ServiceAccountVolume } from './service-account-token.js';

/** What the kubelet needs to run controller-image containers as real processes. */
export interface ControllerRuntime {
  /** `--controller-image` flags: more images run as the controller. */
  images: readonly string[];
  host: Omit<ControllerHost, 'podIP' | 'podDir'>;
  /** Per-pod directories (volumes, logs) go under `<rootDir>/pods/<uid>`. */
  rootDir: string;
  api: k8s.CoreV1Api;
  caPem: string;
}

/** What a pod runner needs of any container, simulated or real. */
export interface PodContainer {
  snapshot(): ContainerSnapshot;
  start(): Promise<void>;
  stop(gracePeriodMs: number): Promise<void>;
}

export interface PodIdentity {
  namespace: string;
  name: string;
  uid: string;
}

export function podDirectory(rootDir: string, uid: string): string {
  return join(rootDir, 'pods', uid);
}

/** The directory holding the log files of one container of a pod. */
export function containerLogDirectory(rootDir: string, uid: string, container: string): string {
  return join(podDirectory(rootDir, uid), 'logs', container);
}

export function isControllerContainer(runtime: ControllerRuntime | undefined, container: k8s.V1Container): boolean {
  return runtime !== undefined && isControllerImage(container.image ?? '', runtime.images);
}

export interface ControllerPodOptions {
  runtime: ControllerRuntime;
  pod: k8s.V1Pod;
  podIP: string;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  restartBackoff: { baseMs: number; maxMs: number };
  onChange: () => void;
  log: (line: Record<string, unknown>) => void;
}

/**
 * The controller-image containers of one pod and the pod-level things they share: the projected
 * ServiceAccount volume (token refreshed before expiry) and the per-pod directory.
 */
export class ControllerPod {
  private serviceAccount: ServiceAccountVolume | undefined;
  private readonly configs = new Map<string, ControllerContainerConfig>();
  private readonly identity: PodIdentity;

  constructor(private readonly options: ControllerPodOptions) {
    const meta = options.pod.metadata ?? {};
    this.identity = { namespace: meta.namespace ?? '', name: meta.name ?? '', uid: meta.uid ?? '' };
  }

  get directory(): string {
    return podDirectory(this.options.runtime.rootDir, this.identity.uid);
  }

  /** A real controller container, or a blocked one when its spec cannot be honoured. */
  createContainer(container: k8s.V1Container): PodContainer {
    const { runtime, pod, podIP } = this.options;
    const host: ControllerHost = { ...runtime.host, podIP, podDir: this.directory };
    const result = buildControllerContainerConfig(pod, container, host);
    const image = container.image ?? '';
    if (process.getuid?.() !== 0) {
      return new BlockedContainer({ name: container.name, image }, 'CreateContainerError', 'the simulated kubelet runs the controller image only when it runs as root (mount namespaces, setpriv)');
    }
    if (!result.ok) return new BlockedContainer({ name: container.name, image }, 'CreateContainerConfigError', result.error);
    this.configs.set(container.name, result.config);
    return new ControllerContainer({
      name: container.name,
      image,
      podUid: this.identity.uid,
      podIP,
      config: result.config,
      logDir: containerLogDirectory(runtime.rootDir, this.identity.uid, container.name),
      restartPolicy: this.options.restartPolicy,
      restartBackoff: this.options.restartBackoff,
      onChange: this.options.onChange,
      log: this.options.log,
    });
  }

  /** Writes the ServiceAccount volume before any container starts; rejects when no token is issued. */
  async prepare(): Promise<void> {
    const configs = [...this.configs.values()];
    const dirs = [...new Set(configs.flatMap((c) => c.mounts.filter((m) => m.kind === 'serviceAccount').map((m) => m.source)))];
    const first = configs[0];
    if (dirs.length === 0 || !first) return;
    const refreshAfterMs = parseTokenRefreshMs(this.options.pod.metadata?.annotations);
    this.serviceAccount = new ServiceAccountVolume({
      api: this.options.runtime.api,
      pod: this.identity,
      serviceAccountName: first.serviceAccountName,
      caPem: this.options.runtime.caPem,
      dirs,
      owner: { uid: first.uid, gid: first.gid },
      ...(refreshAfterMs !== undefined ? { refreshAfterMs } : {}),
      log: this.options.log,
    });
    await this.serviceAccount.start();
  }

  /** Stops the token refresh and removes the pod's volumes (its logs stay). */
  async cleanUp(): Promise<void> {
    this.serviceAccount?.stop();
    await rm(join(this.directory, 'volumes'), { recursive: true, force: true });
  }
}
