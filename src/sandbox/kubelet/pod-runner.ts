import type * as k8s from '@kubernetes/client-node';
import { podNetworkAddress } from '../pod-network.js';
import { ContainerRunner } from './container-runner.js';
import { buildPodPlan, type PodPlan } from './pod-spec.js';
import { buildPodStatus, type PodConditionJson, type PodStatusJson } from './pod-status.js';
import type { RandomSource } from './random.js';
import { createCoalescingWriter, type CoalescingWriter, type WriteOutcome } from './status-writer.js';

export interface PodRunnerOptions {
  pod: k8s.V1Pod;
  ip: string;
  hostIP: string;
  random: RandomSource;
  restartBackoff: { baseMs: number; maxMs: number };
  patchStatus: (status: PodStatusJson) => Promise<WriteOutcome>;
  log: (line: Record<string, unknown>) => void;
}

/** Runs one bound pod: its containers on the pod's loopback IP, and its status kept truthful. */
export class PodRunner {
  private readonly plan: PodPlan;
  private readonly containers: ContainerRunner[];
  private readonly writer: CoalescingWriter;
  private readonly startTime = new Date();
  private conditions: PodConditionJson[] = [];

  constructor(private readonly options: PodRunnerOptions) {
    this.plan = buildPodPlan(options.pod);
    this.containers = this.plan.containers.map((container) => this.createContainer(container));
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
    await Promise.all(this.containers.map((container) => container.start()));
  }

  /** Stops serving at once and stops writing status. */
  async stop(): Promise<void> {
    await Promise.all(this.containers.map((container) => container.stop()));
    await this.writer.close();
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
