import { DEFAULT_BACKOFF, computeBackoffMs, type BackoffPolicy } from './backoff.js';
import type { Cancel, Clock } from './clock.js';

/** Optional hooks so the caller can export queue depth and retries without this file knowing how. */
export interface WorkQueueMetrics {
  depth?(depth: number): void;
  retry?(): void;
}

/**
 * A bound on how many keys of one group may be processing at once, so that one group (e.g. one
 * namespace) cannot hold every worker: while a group is at its bound, other groups' keys go first.
 */
export interface WorkQueueFairness {
  groupOf(key: string): string;
  /** At least 1. */
  maxInFlightPerGroup: number;
}

/** The namespace of a `namespace/name` key (`''` for a cluster-scoped `name`). */
export function namespaceOfKey(key: string): string {
  const slash = key.indexOf('/');
  return slash === -1 ? '' : key.slice(0, slash);
}

export interface WorkQueueOptions {
  clock: Clock;
  /** Per-key exponential backoff for `addRateLimited` (default 100 ms doubling, capped at 60 s). */
  backoff?: BackoffPolicy;
  metrics?: WorkQueueMetrics;
  fairness?: WorkQueueFairness;
  /** Keys this queue takes; others are ignored (a shard's queue takes only its own keys). */
  accepts?: (key: string) => boolean;
}

interface DelayedEntry {
  dueMs: number;
  cancel: Cancel;
}

/**
 * A work queue with client-go semantics. A key is queued at most once; a key handed out by `get()`
 * is "processing" until `done(key)`, and is never handed to a second worker meanwhile: re-adding
 * it marks it dirty, and `done` puts it back in the queue.
 */
export class WorkQueue {
  private readonly clock: Clock;
  private readonly backoff: BackoffPolicy;
  private readonly metrics: WorkQueueMetrics;
  private readonly accepts: (key: string) => boolean;
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly delayed = new Map<string, DelayedEntry>();
  private readonly failures = new Map<string, number>();
  private readonly waiters: Array<(key: string | undefined) => void> = [];
  private readonly fairness?: WorkQueueFairness;
  private readonly inFlightByGroup = new Map<string, number>();
  private shuttingDown = false;

  constructor(options: WorkQueueOptions) {
    this.clock = options.clock;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.metrics = options.metrics ?? {};
    this.accepts = options.accepts ?? (() => true);
    if (options.fairness !== undefined) {
      this.fairness = { groupOf: options.fairness.groupOf, maxInFlightPerGroup: Math.max(1, Math.floor(options.fairness.maxInFlightPerGroup)) };
    }
  }

  /** Queues `key` unless it is already queued; if it is processing, it runs again after `done`. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key) || !this.accepts(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.handOut();
  }

  /** Adds `key` after `delayMs`; of several pending delays for one key the earliest wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown || !this.accepts(key)) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const dueMs = this.clock.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending && pending.dueMs <= dueMs) return;
    pending?.cancel();
    const cancel = this.clock.setTimer(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.delayed.set(key, { dueMs, cancel });
  }

  /** Adds `key` after its own backoff, which doubles on every call until `forget(key)`. */
  addRateLimited(key: string): void {
    if (this.shuttingDown) return;
    const attempt = this.failures.get(key) ?? 0;
    this.failures.set(key, attempt + 1);
    this.metrics.retry?.();
    this.addAfter(key, computeBackoffMs(this.backoff, attempt));
  }

  /** Resets the backoff of `key` (call after a successful reconcile). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** How many times `key` was rate-limited since it was last forgotten. */
  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Keys waiting for a worker (not counting processing or delayed keys). */
  len(): number {
    return this.queue.length;
  }

  /** When `addAfter` will next add `key`, if it is waiting (epoch ms). */
  pendingDeadline(key: string): number | undefined {
    return this.delayed.get(key)?.dueMs;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** The next key to process, waiting for one if needed; `undefined` once shut down. */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.take();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks `key` as finished; if it was re-added meanwhile it is queued again. */
  done(key: string): void {
    if (this.processing.delete(key)) this.countInFlight(key, -1);
    if (this.shuttingDown) return;
    if (this.dirty.has(key)) this.queue.push(key);
    this.handOut();
  }

  /** Stops the queue: pending delays are cancelled and every waiting `get()` resolves undefined. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const entry of this.delayed.values()) entry.cancel();
    this.delayed.clear();
    this.queue.length = 0;
    this.dirty.clear();
    this.reportDepth();
    for (const resolve of this.waiters.splice(0)) resolve(undefined);
  }

  /** The first queued key whose group is below its bound (the first key without fairness). */
  private nextIndex(): number {
    const fairness = this.fairness;
    if (fairness === undefined) return this.queue.length > 0 ? 0 : -1;
    return this.queue.findIndex((key) => (this.inFlightByGroup.get(fairness.groupOf(key)) ?? 0) < fairness.maxInFlightPerGroup);
  }

  private countInFlight(key: string, delta: 1 | -1): void {
    if (this.fairness === undefined) return;
    const group = this.fairness.groupOf(key);
    const next = (this.inFlightByGroup.get(group) ?? 0) + delta;
    if (next <= 0) this.inFlightByGroup.delete(group);
    else this.inFlightByGroup.set(group, next);
  }

  private take(): string | undefined {
    const index = this.nextIndex();
    if (index < 0) return undefined;
    const [key] = this.queue.splice(index, 1);
    if (key === undefined) return undefined;
    this.dirty.delete(key);
    this.processing.add(key);
    this.countInFlight(key, 1);
    this.reportDepth();
    return key;
  }

  private handOut(): void {
    this.reportDepth();
    while (this.waiters.length > 0) {
      const key = this.take();
      if (key === undefined) return;
      this.waiters.shift()?.(key);
    }
  }

  private reportDepth(): void {
    this.metrics.depth?.(this.queue.length);
  }
}
