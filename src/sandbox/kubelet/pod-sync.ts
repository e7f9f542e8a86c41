import type * as k8s from '@kubernetes/client-node';
import type { ControllerRuntime } from './controller-runtime.js';
import type { IpAllocator } from './ip-allocator.js';
import { buildNodeLabels } from './node-registration.js';
import { apiStatusCode, deletePodNow, patchPodStatus } from './pod-api.js';
import { bindPod, fitsNode, needsBinding } from './pod-binding.js';
import { PodRunner } from './pod-runner.js';
import type { RandomSource } from './random.js';

export type LogFn = (line: Record<string, unknown>) => void;

export interface PodSyncOptions {
  api: k8s.CoreV1Api;
  nodeName: string;
  hostIP: string;
  ips: IpAllocator;
  random: RandomSource;
  restartBackoff: { baseMs: number; maxMs: number };
  log: LogFn;
  controllers?: ControllerRuntime;
}

interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

function refOf(pod: k8s.V1Pod): PodRef {
  return { namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' };
}

/** How long a pod's processes get between SIGTERM and SIGKILL when it is deleted. */
function deletionGraceMs(pod: k8s.V1Pod): number {
  return (pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
}

/** When the kubelet itself stops, its pods get at most this long to exit. */
const kubeletStopGraceMs = 5_000;

function isFinished(pod: k8s.V1Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/**
 * Level-triggered pod handling for one node: bind what is unbound, run what is bound here, stop
 * and remove what is being deleted. Every pod is keyed by uid, so a re-created name is a new pod.
 */
export class PodSync {
  private readonly runners = new Map<string, PodRunner>();
  private readonly inFlight = new Set<string>();
  private readonly nodeLabels: Record<string, string>;
  private stopping = false;

  constructor(private readonly options: PodSyncOptions) {
    this.nodeLabels = buildNodeLabels(options.nodeName);
  }

  /** Brings one observed pod to its desired state (safe to call again with the same pod). */
  sync(pod: k8s.V1Pod): void {
    const ref = refOf(pod);
    if (this.stopping || !ref.uid) return;
    if (needsBinding(pod)) {
      if (fitsNode(pod, this.nodeLabels)) this.once(`bind/${ref.uid}`, () => this.bind(pod, ref));
    } else if (pod.spec?.nodeName === this.options.nodeName) {
      this.syncBound(pod, ref);
    }
  }

  private syncBound(pod: k8s.V1Pod, ref: PodRef): void {
    if (pod.metadata?.deletionTimestamp) {
      this.once(`delete/${ref.uid}`, () => this.remove(ref, deletionGraceMs(pod)));
    } else if (!this.runners.has(ref.uid) && !isFinished(pod)) {
      this.run(pod, ref);
    }
  }

  /** The pod object is gone: stop serving it. */
  forget(pod: k8s.V1Pod): void {
    void this.stopRunner(refOf(pod).uid);
  }

  /** Stops runners whose pods no longer exist (a missed delete event). */
  prune(liveUids: Set<string>): void {
    for (const uid of this.runners.keys()) {
      if (!liveUids.has(uid)) void this.stopRunner(uid);
    }
  }

  runningPods(): number {
    return this.runners.size;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.runners.keys()].map((uid) => this.stopRunner(uid, kubeletStopGraceMs)));
  }

  private once(key: string, action: () => Promise<void>): void {
    if (this.inFlight.has(key)) return;
    this.inFlight.add(key);
    action()
      .catch((err: unknown) => this.options.log({ level: 'warn', msg: `${key.split('/')[0]} failed`, error: String(err) }))
      .finally(() => this.inFlight.delete(key));
  }

  private async bind(pod: k8s.V1Pod, ref: PodRef): Promise<void> {
    try {
      await bindPod(this.options.api, pod, this.options.nodeName);
    } catch (err) {
      // 409: already bound (another kubelet won the race); 404: already gone. Both are fine.
      const code = apiStatusCode(err);
      if (code === 409 || code === 404) return;
      throw err;
    }
    this.options.log({ msg: 'pod bound', namespace: ref.namespace, pod: ref.name, node: this.options.nodeName });
  }

  private run(pod: k8s.V1Pod, ref: PodRef): void {
    const { api, ips, hostIP, random, restartBackoff, log, controllers } = this.options;
    const ip = ips.allocate();
    const podLog: LogFn = (line) => log({ namespace: ref.namespace, pod: ref.name, ...line });
    const runner = new PodRunner({
      pod,
      ip,
      hostIP,
      random,
      restartBackoff,
      patchStatus: (status) => patchPodStatus(api, ref, status),
      log: podLog,
      ...(controllers ? { controllers } : {}),
    });
    this.runners.set(ref.uid, runner);
    podLog({ msg: 'pod started', ip });
    runner.start().catch((err: unknown) => podLog({ level: 'error', msg: 'pod start failed', error: String(err) }));
  }

  private async remove(ref: PodRef, gracePeriodMs: number): Promise<void> {
    await this.stopRunner(ref.uid, gracePeriodMs);
    await deletePodNow(this.options.api, ref);
    this.options.log({ msg: 'pod removed', namespace: ref.namespace, pod: ref.name });
  }

  private async stopRunner(uid: string, gracePeriodMs = kubeletStopGraceMs): Promise<void> {
    const runner = this.runners.get(uid);
    if (!runner) return;
    this.runners.delete(uid);
    await runner.stop(gracePeriodMs);
    this.options.ips.release(runner.ip);
  }
}
