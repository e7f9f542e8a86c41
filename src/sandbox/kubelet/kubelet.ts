import * as k8s from '@kubernetes/client-node';
import { buildControllerRuntime, clusterCa } from './controller-host.js';
import { createIpAllocator } from './ip-allocator.js';
import { type LogServer, startLogServer } from './log-server.js';
import {
  buildNodeStatus,
  defaultNodeName,
  nodeHeartbeatIntervalMs,
  patchNodeStatus,
  registerNode,
  simulatedHostIP,
} from './node-registration.js';
import { apiStatusCode } from './pod-api.js';
import { type LogFn, PodSync } from './pod-sync.js';
import type { RandomSource } from './random.js';

export interface SimulatedKubeletOptions {
  kubeConfig: k8s.KubeConfig;
  nodeName?: string;
  /** `127.P`; chosen at random (never 127.0) when absent. */
  ipPrefix?: string;
  logger?: (line: object) => void;
  /** Drives IP prefix choice and workload randomness; Math.random by default. */
  random?: RandomSource;
  /** Crash-loop restart delay: baseMs doubled per restart, capped at maxMs. */
  restartBackoff?: { baseMs: number; maxMs: number };
  /**
   * Run containers of the Kanary controller image (`kanary/kanary`, any tag, plus `controllerImages`)
   * as the checkout's real controller, keeping per-pod volumes and logs under `rootDir`. Absent: every
   * container is a simulated workload.
   */
  controllers?: { rootDir: string; controllerImages?: string[]; imageNode?: string };
}

export interface SimulatedKubelet {
  readonly nodeName: string;
  readonly ipPrefix: string;
  stop(): Promise<void>;
}

const resyncIntervalMs = 5_000;
const informerRestartDelayMs = 2_000;

function stdoutLogger(line: object): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function podInformer(kubeConfig: k8s.KubeConfig, api: k8s.CoreV1Api): k8s.Informer<k8s.V1Pod> & k8s.ObjectCache<k8s.V1Pod> {
  return k8s.makeInformer(kubeConfig, '/api/v1/pods', () => api.listPodForAllNamespaces());
}

interface Loops {
  informer: k8s.Informer<k8s.V1Pod> & k8s.ObjectCache<k8s.V1Pod>;
  timers: NodeJS.Timeout[];
  stopped: boolean;
}

function watchPods(loops: Loops, sync: PodSync, log: LogFn): void {
  const { informer } = loops;
  informer.on('add', (pod) => sync.sync(pod));
  informer.on('update', (pod) => sync.sync(pod));
  informer.on('delete', (pod) => sync.forget(pod));
  informer.on('error', (err: unknown) => {
    if (loops.stopped) return;
    log({ level: 'warn', msg: 'pod watch failed; restarting', error: String(err) });
    loops.timers.push(setTimeout(() => {
      if (!loops.stopped) informer.start().catch((e: unknown) => log({ level: 'warn', msg: 'pod watch restart failed', error: String(e) }));
    }, informerRestartDelayMs));
  });
}

function resync(loops: Loops, sync: PodSync): void {
  const pods = loops.informer.list();
  for (const pod of pods) sync.sync(pod);
  sync.prune(new Set(pods.map((pod) => pod.metadata?.uid ?? '')));
}

async function heartbeat(api: k8s.CoreV1Api, nodeName: string, readySince: Date, kubeletPort?: number): Promise<void> {
  try {
    await patchNodeStatus(api, nodeName, buildNodeStatus(new Date(), readySince, kubeletPort));
  } catch (err) {
    if (apiStatusCode(err) !== 404) throw err;
    await registerNode(api, nodeName, new Date(), kubeletPort);
  }
}

const registerAttempts = 30;

/** The log endpoint for the containers run as real processes (only when the kubelet runs any). */
async function startControllerLogServer(
  options: SimulatedKubeletOptions,
  informer: () => k8s.ObjectCache<k8s.V1Pod>,
  log: LogFn,
): Promise<LogServer | undefined> {
  if (!options.controllers) return undefined;
  const cluster = options.kubeConfig.getCurrentCluster();
  return startLogServer({
    rootDir: options.controllers.rootDir,
    ...(cluster ? { clientCa: clusterCa(cluster) } : {}),
    podUid: (namespace, name) => informer().get(name, namespace)?.metadata?.uid,
    log,
  });
}

/** Registers the node, retrying while the API server is still coming up. */
async function registerWithRetry(api: k8s.CoreV1Api, node: { name: string; kubeletPort?: number }, readySince: Date, log: LogFn): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await registerNode(api, node.name, readySince, node.kubeletPort);
      return;
    } catch (err) {
      if (attempt >= registerAttempts) throw err;
      log({ level: 'warn', msg: 'node registration failed; retrying', attempt, error: String(err) });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** Registers a Ready node, binds every unbound pod to it and runs its pods as loopback HTTP workloads. */
export async function startSimulatedKubelet(options: SimulatedKubeletOptions): Promise<SimulatedKubelet> {
  const nodeName = options.nodeName ?? defaultNodeName;
  const random = options.random ?? Math.random;
  const logger = options.logger ?? stdoutLogger;
  const log: LogFn = (line) => logger({ time: new Date().toISOString(), component: 'kubelet', node: nodeName, ...line });
  const api = options.kubeConfig.makeApiClient(k8s.CoreV1Api);
  const ips = createIpAllocator({ random, ...(options.ipPrefix !== undefined ? { prefix: options.ipPrefix } : {}) });
  const readySince = new Date();
  const logServer = await startControllerLogServer(options, () => loops.informer, log);
  const kubeletPort = logServer?.port;
  await registerWithRetry(api, { name: nodeName, ...(kubeletPort !== undefined ? { kubeletPort } : {}) }, readySince, log);
  log({ msg: 'node registered', ipPrefix: ips.prefix });

  const sync = new PodSync({
    api, nodeName, hostIP: simulatedHostIP, ips, random, log,
    restartBackoff: options.restartBackoff ?? { baseMs: 1_000, maxMs: 10_000 },
    ...(options.controllers ? { controllers: buildControllerRuntime(options.kubeConfig, api, options.controllers) } : {}),
  });
  const loops: Loops = { informer: podInformer(options.kubeConfig, api), timers: [], stopped: false };
  watchPods(loops, sync, log);
  await loops.informer.start();
  const beat = (): void => {
    heartbeat(api, nodeName, readySince, kubeletPort).catch((err: unknown) => log({ level: 'warn', msg: 'node heartbeat failed', error: String(err) }));
  };
  loops.timers.push(setInterval(beat, nodeHeartbeatIntervalMs), setInterval(() => resync(loops, sync), resyncIntervalMs));

  return {
    nodeName,
    ipPrefix: ips.prefix,
    async stop() {
      loops.stopped = true;
      for (const timer of loops.timers) clearTimeout(timer);
      await loops.informer.stop();
      await sync.stop();
      await logServer?.stop();
      log({ msg: 'kubelet stopped' });
    },
  };
}
