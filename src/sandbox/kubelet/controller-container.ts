import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chown, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerSnapshot, ContainerState, TerminatedState } from './container-state.js';
import type { ControllerContainerConfig } from './controller-container-config.js';
import { buildContainerCommand } from './mount-namespace.js';
import { ProbeLoop } from './probe-loop.js';

export interface ControllerContainerOptions {
  name: string;
  image: string;
  podUid: string;
  /** The pod's loopback IP: probes go there. */
  podIP: string;
  config: ControllerContainerConfig;
  /** Where this container's log files go (`<restartCount>.log`, stdout and stderr). */
  logDir: string;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  restartBackoff: { baseMs: number; maxMs: number };
  onChange: () => void;
  log: (line: Record<string, unknown>) => void;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The log file of one start of a container, as `kubectl logs` shows it. */
export function containerLogFile(logDir: string, restartCount: number): string {
  return join(logDir, `${restartCount}.log`);
}

/**
 * A container of the Kanary controller image run as a real process: the checkout's controller in its
 * own mount namespace as the pod's user, probed over HTTP, restarted with back-off, stopped with
 * SIGTERM then SIGKILL after the grace period.
 */
export class ControllerContainer {
  private state: ContainerState = { kind: 'waiting', reason: 'ContainerCreating' };
  private ready = false;
  private restartCount = 0;
  private lastTerminated: TerminatedState | undefined;
  private child: ChildProcess | undefined;
  private exited: Promise<Exit> | undefined;
  private probes: ProbeLoop[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: ControllerContainerOptions) {}

  /** The process id while it runs (tests read /proc/<pid>). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  snapshot(): ContainerSnapshot {
    const snapshot: ContainerSnapshot = {
      name: this.options.name,
      image: this.options.image,
      ready: this.ready,
      restartCount: this.restartCount,
      state: this.state,
    };
    if (this.lastTerminated) snapshot.lastTerminated = this.lastTerminated;
    if (this.state.kind !== 'waiting' || this.restartCount > 0) {
      snapshot.containerID = `sim://${this.options.podUid}/${this.options.name}/${this.restartCount}`;
    }
    return snapshot;
  }

  async start(): Promise<void> {
    try {
      await this.prepareVolumes();
    } catch (err) {
      this.state = { kind: 'waiting', reason: 'CreateContainerConfigError', message: (err as Error).message };
      this.options.onChange();
      return;
    }
    if (this.stopped) return;
    this.spawnProcess();
  }

  /** SIGTERM, then SIGKILL once `gracePeriodMs` has passed; no restart follows. */
  async stop(gracePeriodMs: number): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.stopProbes();
    await this.kill(gracePeriodMs);
  }

  private async prepareVolumes(): Promise<void> {
    const { config } = this.options;
    for (const mount of config.mounts.filter((m) => m.kind === 'emptyDir')) {
      await mkdir(mount.source, { recursive: true, mode: 0o755 });
      await chown(mount.source, config.uid, config.gid);
    }
    await mkdir(this.options.logDir, { recursive: true });
  }

  private spawnProcess(): void {
    const { config, log, name } = this.options;
    const { command, args } = buildContainerCommand(config);
    const logFile = createWriteStream(containerLogFile(this.options.logDir, this.restartCount), { flags: 'a' });
    const child = spawn(command, args, { cwd: config.cwd, env: config.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(logFile, { end: false });
    child.stderr.pipe(logFile, { end: false });
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        logFile.end();
        resolve({ code, signal });
      });
    });
    child.on('error', (err) => log({ level: 'warn', msg: 'controller container failed to start', container: name, error: err.message }));
    this.state = { kind: 'running', startedAt: new Date() };
    log({ msg: 'controller container started', container: name, pid: child.pid, uid: config.uid });
    void this.exited.then((exit) => this.onExit(exit));
    this.startProbes();
    this.options.onChange();
  }

  private startProbes(): void {
    const { config, podIP } = this.options;
    if (config.readiness) {
      this.probes.push(new ProbeLoop(config.readiness, podIP, false, (ready) => this.setReady(ready)));
    } else {
      this.ready = true;
    }
    if (config.liveness) {
      this.probes.push(new ProbeLoop(config.liveness, podIP, true, (alive) => {
        if (!alive) this.onLivenessFailure();
      }));
    }
    for (const probe of this.probes) probe.start();
  }

  private stopProbes(): void {
    for (const probe of this.probes) probe.stop();
    this.probes = [];
  }

  private setReady(ready: boolean): void {
    this.ready = ready;
    this.options.onChange();
  }

  private onLivenessFailure(): void {
    this.options.log({ level: 'warn', msg: 'liveness probe failed; killing the container', container: this.options.name });
    void this.kill(this.options.config.gracePeriodMs);
  }

  private onExit(exit: Exit): void {
    this.child = undefined;
    this.stopProbes();
    this.ready = false;
    if (this.stopped) return;
    const startedAt = this.state.kind === 'running' ? this.state.startedAt : new Date();
    const exitCode = exit.code ?? 128 + signalNumber(exit.signal);
    const terminated: TerminatedState = {
      kind: 'terminated',
      exitCode,
      reason: exitCode === 0 ? 'Completed' : 'Error',
      startedAt,
      finishedAt: new Date(),
    };
    this.options.log({ msg: 'container exited', container: this.options.name, exitCode, signal: exit.signal });
    if (this.options.restartPolicy === 'Never' || (this.options.restartPolicy === 'OnFailure' && exitCode === 0)) {
      this.state = terminated;
    } else {
      this.lastTerminated = terminated;
      this.state = { kind: 'waiting', reason: 'CrashLoopBackOff', message: 'back-off restarting failed container' };
      this.restartTimer = setTimeout(() => this.restart(), this.backoffMs());
    }
    this.options.onChange();
  }

  private restart(): void {
    if (this.stopped) return;
    this.restartCount += 1;
    this.spawnProcess();
  }

  private backoffMs(): number {
    const { baseMs, maxMs } = this.options.restartBackoff;
    return Math.min(maxMs, baseMs * 2 ** Math.min(this.restartCount, 16));
  }

  private async kill(gracePeriodMs: number): Promise<void> {
    const child = this.child;
    const exited = this.exited;
    if (!child || !exited || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), gracePeriodMs);
    await exited;
    clearTimeout(timer);
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  if (signal === 'SIGKILL') return 9;
  if (signal === 'SIGTERM') return 15;
  return 0;
}
