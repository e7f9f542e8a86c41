import type { Behaviour } from './behaviour.js';
import type { ContainerSnapshot, ContainerState, TerminatedState } from './container-state.js';
import type { RandomSource } from './random.js';
import { createWorkloadMetrics } from './workload-metrics.js';
import type { WorkloadIdentity } from './workload-response.js';
import { startWorkloadServer, type WorkloadServer } from './workload-server.js';

export interface ContainerRunnerOptions {
  identity: WorkloadIdentity;
  /** TCP container ports to serve; empty: the container just runs. */
  ports: number[];
  behaviour: Behaviour;
  /** Delay before Ready: the behaviour's, or longer when the pod's readiness probe asks for it. */
  readinessDelayMs: number;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  restartBackoff: { baseMs: number; maxMs: number };
  random: RandomSource;
  /** Called after every state change (the pod runner then writes status). */
  onChange: () => void;
  log: (line: Record<string, unknown>) => void;
  /** Distinguishes container ids across pods. */
  podUid: string;
}

/** One simulated container: serves its ports, turns Ready, crashes and restarts as its behaviour says. */
export class ContainerRunner {
  private state: ContainerState = { kind: 'waiting', reason: 'ContainerCreating' };
  private ready = false;
  private restartCount = 0;
  private lastTerminated: TerminatedState | undefined;
  private servers: WorkloadServer[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: ContainerRunnerOptions) {}

  snapshot(): ContainerSnapshot {
    const { identity } = this.options;
    const snapshot: ContainerSnapshot = {
      name: identity.container,
      image: identity.image,
      ready: this.ready,
      restartCount: this.restartCount,
      state: this.state,
    };
    if (this.lastTerminated) snapshot.lastTerminated = this.lastTerminated;
    if (this.state.kind !== 'waiting' || this.restartCount > 0) {
      snapshot.containerID = `sim://${this.options.podUid}/${identity.container}/${this.restartCount}`;
    }
    return snapshot;
  }

  /** Starts the container (first start or a restart after backoff). */
  async start(): Promise<void> {
    const { identity, ports, behaviour, random } = this.options;
    const metrics = createWorkloadMetrics();
    try {
      for (const port of ports) {
        this.servers.push(await startWorkloadServer({ identity, port, behaviour, random, metrics }));
      }
    } catch (err) {
      await this.terminate({ exitCode: 128, reason: 'StartError', message: (err as Error).message });
      return;
    }
    if (this.stopped) {
      await this.stopServers();
      return;
    }
    this.state = { kind: 'running', startedAt: new Date() };
    this.scheduleLifecycle();
    this.options.onChange();
  }

  /** Stops serving at once; no restart follows. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    await this.stopServers();
  }

  private scheduleLifecycle(): void {
    const { behaviour, readinessDelayMs } = this.options;
    if (!behaviour.neverReady) {
      this.after(readinessDelayMs, () => {
        this.ready = true;
        this.options.onChange();
      });
    }
    if (behaviour.crashAfterMs !== undefined) {
      this.after(behaviour.crashAfterMs, () => this.terminate({ exitCode: 1, reason: 'Error', message: 'simulated crash' }));
    }
  }

  private after(delayMs: number, action: () => void | Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) void action();
    }, delayMs);
    this.timers.add(timer);
  }

  private async terminate(exit: { exitCode: number; reason: string; message: string }): Promise<void> {
    this.clearTimers();
    await this.stopServers();
    if (this.stopped) return;
    const startedAt = this.state.kind === 'running' ? this.state.startedAt : new Date();
    const terminated: TerminatedState = { kind: 'terminated', ...exit, startedAt, finishedAt: new Date() };
    this.ready = false;
    this.options.log({ msg: 'container exited', container: this.options.identity.container, ...exit });
    if (this.options.restartPolicy === 'Never') {
      this.state = terminated;
    } else {
      this.lastTerminated = terminated;
      this.state = { kind: 'waiting', reason: 'CrashLoopBackOff', message: 'back-off restarting failed container' };
      this.after(this.backoffMs(), () => this.restart());
    }
    this.options.onChange();
  }

  private async restart(): Promise<void> {
    this.restartCount += 1;
    await this.start();
  }

  private backoffMs(): number {
    const { baseMs, maxMs } = this.options.restartBackoff;
    return Math.min(maxMs, baseMs * 2 ** Math.min(this.restartCount, 16));
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async stopServers(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    await Promise.all(servers.map((server) => server.stop()));
  }
}
