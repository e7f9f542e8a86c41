import type * as k8s from '@kubernetes/client-node';
import { podNetworkAddress } from '../pod-network.js';
import { BlockedContainer } from './blocked-container.js';
import { ContainerRunner } from './container-runner.js';
import { ControllerPod, type ControllerRuntime, isControllerContainer, type PodContainer } from './controller-runtime.js';
import { buildPodPlan, type PodPlan } from './pod-spec.js';
import { buildPodStatus, type PodConditionJson, type PodStatusJson } from './pod-status.js';
import type { RandomSource } from './random.js';
import { createCoalescingWriter, type CoalescingWriter, type WriteOutcome } from './status-writer.js';
import { findUnsupportedPodFeature } from './unsupported-pod.js';

export interface PodRunnerOptions {
  pod: k8s.V1Pod;
  ip: string;
  hostIP: string;
  random: RandomSource;
  restartBackoff: { baseMs: number; maxMs: number };
  patchStatus: (status: PodStatusJson) => Promise<WriteOutcome>;
  log: (line: Record<string, unknown>) => void;
  /** Runs containers of the Kanary controller image as the real controller; absent: all are simulated. */
  controllers?: ControllerRuntime;
}

/** Runs one bound pod: its containers on the pod's loopback IP, and its status kept truthful. */
export class PodRunner {
  private readonly plan: PodPlan;
  private readonly containers: PodContainer[];
  private readonly controllerPod: ControllerPod | undefined;
  private readonly writer: CoalescingWriter;
  private readonly startTime = new Date();
  private conditions: PodConditionJson[] = [];

  constructor(private readonly options: PodRunnerOptions) {
    this.plan = buildPodPlan(options.pod);
    const specs = options.pod.spec?.containers ?? [];
    const hasController = specs.some((spec) => isControllerContainer(options.controllers, spec));
    this.controllerPod = options.controllers && hasController ? this.createControllerPod(options.controllers) : undefined;
    const unsupported = findUnsupportedPodFeature(options.pod);
    this.containers = this.plan.containers.map((container, i) => {
      if (unsupported !== undefined) return new BlockedContainer(container, 'CreateContainerConfigError', unsupported);
      const spec = specs[i];
      if (this.controllerPod && spec && isControllerContainer(options.controllers, spec)) return this.controllerPod.createContainer(spec);
      return this.createContainer(container);
    });
    this.writer = createCoalescingWriter({
      write: () => options.patchStatus(this.currentStatus()),
      retryDelayMs: 1_000,
      onError: (err) => options.log({ level: 'warn', msg: 'pod status write failed', error: String(err) }),
    });
  }

  get ip(): string {
    return this.options.ip;
  }

  /** Reports Pending with the pod IP, then starts every container. */
  async start(): Promise<void> {
    if (this.plan.annotationError !== undefined) {
      this.options.log({ level: 'warn', msg: 'ignoring malformed behaviour annotation', error: this.plan.annotationError });
    }
    this.writer.request();
    if (!(await this.prepareControllerPod())) return;
    await Promise.all(this.containers.map((container) => container.start()));
  }

  /** Stops every container (a real process gets SIGTERM, then SIGKILL after the grace period) and stops writing status. */
  async stop(gracePeriodMs = 0): Promise<void> {
    await Promise.all(this.containers.map((container) => container.stop(gracePeriodMs)));
    await this.controllerPod?.cleanUp();
    await this.writer.close();
  }

  private createControllerPod(controllers: ControllerRuntime): ControllerPod {
    const { pod, ip, restartBackoff, log } = this.options;
    return new ControllerPod({
      runtime: controllers, pod, podIP: ip, restartPolicy: this.plan.restartPolicy, restartBackoff, log,
      onChange: () => this.writer.request(),
    });
  }

  /** The ServiceAccount token must be there before a controller starts: no token, no start. */
  private async prepareControllerPod(): Promise<boolean> {
    try {
      await this.controllerPod?.prepare();
      return true;
    } catch (err) {
      const message = `service account token: ${String(err)}`;
      this.options.log({ level: 'warn', msg: 'pod not started', error: message });
      this.containers.splice(0, this.containers.length, ...this.plan.containers.map((c) => new BlockedContainer(c, 'CreateContainerConfigError', message)));
      this.writer.request();
      return false;
    }
  }

  private createContainer(container: PodPlan['containers'][number]): ContainerRunner {
    const { pod, ip, random, restartBackoff, log } = this.options;
    return new ContainerRunner({
      identity: {
        pod: pod.metadata?.name ?? '',
        namespace: pod.metadata?.namespace ?? '',
        container: container.name,
        image: container.image,
        ip,
      },
      ports: container.ports,
      behaviour: container.behaviour,
      readinessDelayMs: container.readinessDelayMs,
      restartPolicy: this.plan.restartPolicy,
      restartBackoff,
      random,
      podUid: pod.metadata?.uid ?? '',
      onChange: () => this.writer.request(),
      log,
    });
  }

  private currentStatus(): PodStatusJson {
    const status = buildPodStatus({
      containers: this.containers.map((container) => container.snapshot()),
      initContainers: this.plan.initContainers,
      podIP: podNetworkAddress(this.options.ip),
      hostIP: this.options.hostIP,
      startTime: this.startTime,
      previousConditions: this.conditions,
      now: new Date(),
    });
    this.conditions = status.conditions;
    return status;
  }
}
