import { DEFAULT_BACKOFF, computeBackoffMs, type BackoffPolicy } from './backoff.js';
import type { Cancel, Clock } from './clock.js';

/** Optional hooks so the caller can export queue depth and retries without this file knowing how. */
export interface WorkQueueMetrics {
  depth?(depth: number): void;
  retry?(): void;
}

export interface WorkQueueOptions {
  clock: Clock;
  /** Per-key exponential backoff for `addRateLimited` (default 100 ms doubling, capped at 60 s). */
  backoff?: BackoffPolicy;
  metrics?: WorkQueueMetrics;
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
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly delayed = new Map<string, DelayedEntry>();
  private readonly failures = new Map<string, number>();
  private readonly waiters: Array<(key: string | undefined) => void> = [];
  private shuttingDown = false;

  constructor(options: WorkQueueOptions) {
    this.clock = options.clock;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.metrics = options.metrics ?? {};
  }

  /** Queues `key` unless it is already queued; if it is processing, it runs again after `done`. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.handOut();
  }

  /** Adds `key` after `delayMs`; of several pending delays for one key the earliest wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
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
    this.processing.delete(key);
    if (this.shuttingDown || !this.dirty.has(key)) return;
    this.queue.push(key);
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

  private take(): string | undefined {
    const key = this.queue.shift();
    if (key === undefined) return undefined;
    this.dirty.delete(key);
    this.processing.add(key);
    this.reportDepth();
    return key;
  }

  private handOut(): void {
    this.reportDepth();
    while (this.waiters.length > 0 && this.queue.length > 0) {
      const resolve = this.waiters.shift();
      resolve?.(this.take());
    }
  }

  private reportDepth(): void {
    this.metrics.depth?.(this.queue.length);
  }
}
