import type * as k8s from '@kubernetes/client-node';
import type { Logger } from '../telemetry/logger.js';
import { isForbiddenError } from './forbidden.js';
import { DEFAULT_BACKOFF, computeBackoffMs, type BackoffPolicy } from './backoff.js';
import type { Cancel, Clock } from './clock.js';
import type { ResourceInformer } from './informer.js';

/** What the supervisor needs from an informer (ResourceInformer satisfies it). */
export interface SupervisedInformer {
  readonly name: string;
  readonly synced: boolean;
  whenSynced(): Promise<void>;
  onError(handler: (error: unknown) => void): void;
  start(): Promise<{ ok: boolean; error?: unknown }>;
  stop(): Promise<void>;
}

export interface InformerSupervisorOptions {
  clock: Clock;
  logger: Logger;
  /** Delay between restarts of a failing informer (default 100 ms doubling, capped at 60 s). */
  backoff?: BackoffPolicy;
}

interface Entry {
  informer: SupervisedInformer;
  failures: number;
  restartTimer?: Cancel;
  starting: boolean;
  restarts: number;
  reportedForbidden?: boolean;
}

/**
 * Starts informers and keeps them running: after an error (API server gone, watch refused,
 * network cut) an informer is started again after a capped exponential backoff, which resets once
 * a start succeeds. 410 Gone needs no help: ListWatch relists by itself.
 */
export class InformerSupervisor {
  private readonly entries: Entry[] = [];
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly backoff: BackoffPolicy;
  private running = false;

  constructor(options: InformerSupervisorOptions) {
    this.clock = options.clock;
    this.logger = options.logger;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  /** Registers an informer; it starts with `start()` (or at once if already started). */
  add<T extends k8s.KubernetesObject>(informer: ResourceInformer<T>): ResourceInformer<T>;
  add(informer: SupervisedInformer): SupervisedInformer;
  add(informer: SupervisedInformer): SupervisedInformer {
    const entry: Entry = { informer, failures: 0, starting: false, restarts: 0 };
    this.entries.push(entry);
    informer.onError((error) => this.handleError(entry, error));
    if (this.running) void this.attempt(entry);
    return informer;
  }

  /** Starts every informer; resolves after each made its first attempt (failures are retried). */
  async start(): Promise<void> {
    this.running = true;
    await Promise.all(this.entries.map((entry) => this.attempt(entry)));
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const entry of this.entries) {
      entry.restartTimer?.();
      entry.restartTimer = undefined;
    }
    await Promise.all(this.entries.map((entry) => entry.informer.stop()));
  }

  /** True when every informer has synced at least once. */
  get synced(): boolean {
    return this.entries.every((entry) => entry.informer.synced);
  }

  /** Names of informers not synced yet (for /readyz). */
  unsyncedNames(): string[] {
    return this.entries.filter((entry) => !entry.informer.synced).map((entry) => entry.informer.name);
  }

  /** For /readyz: ready once every informer has synced, else which ones have not. */
  readiness(): { ready: true } | { ready: false; reason: string } {
    const unsynced = this.unsyncedNames();
    if (unsynced.length === 0) return { ready: true };
    return { ready: false, reason: `informer caches not synced: ${unsynced.join(', ')}` };
  }

  /** How many times the informer named `name` was restarted after an error. */
  restartCount(name: string): number {
    return this.entries.filter((e) => e.informer.name === name).reduce((sum, e) => sum + e.restarts, 0);
  }

  waitForSync(timeoutMs: number): Promise<boolean> {
    return waitForSync(this.entries.map((e) => e.informer), { clock: this.clock, timeoutMs });
  }

  private async attempt(entry: Entry): Promise<void> {
    if (!this.running || entry.starting) return;
    entry.starting = true;
    const outcome = await entry.informer.start();
    entry.starting = false;
    if (outcome.ok) {
      entry.failures = 0;
      return;
    }
    this.scheduleRestart(entry, outcome.error);
  }

  private handleError(entry: Entry, error: unknown): void {
    // During a start attempt the outcome reports the error; attempt() schedules the restart.
    if (entry.starting) return;
    this.scheduleRestart(entry, error);
  }

  private reportFailure(entry: Entry, error: unknown, delayMs: number): void {
    if (!isForbiddenError(error)) {
      this.logger.warn('informer failed, restarting', { informer: entry.informer.name, error, delayMs });
      return;
    }
    if (entry.reportedForbidden) return;
    entry.reportedForbidden = true;
    this.logger.error(`forbidden: cannot list/watch ${entry.informer.name}; continuing without it (grant list and watch to fix)`, { informer: entry.informer.name });
  }

  private scheduleRestart(entry: Entry, error: unknown): void {
    if (!this.running || entry.restartTimer) return;
    const delayMs = computeBackoffMs(this.backoff, entry.failures);
    entry.failures += 1;
    this.reportFailure(entry, error, delayMs);
    entry.restartTimer = this.clock.setTimer(() => {
      entry.restartTimer = undefined;
      entry.restarts += 1;
      void this.attempt(entry);
    }, delayMs);
  }
}

/** Resolves true once every informer has synced, false if `timeoutMs` passes first. */
export function waitForSync(
  informers: ReadonlyArray<Pick<SupervisedInformer, 'whenSynced'>>,
  options: { clock: Clock; timeoutMs: number },
): Promise<boolean> {
  return new Promise((resolve) => {
    const cancel = options.clock.setTimer(() => resolve(false), options.timeoutMs);
    void Promise.all(informers.map((i) => i.whenSynced())).then(() => {
      cancel();
      resolve(true);
    });
  });
}
