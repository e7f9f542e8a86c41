/**
 * A heap too small for the controller's caches ends the process with a message that says so, not
 * with V8's "JavaScript heap out of memory" abort (and an OOM restart loop with no explanation).
 * Three checks, all before the caches synced (afterwards the heap is the steady state, and the
 * watch deltas are small):
 * - at start (bin/kanary.js, before the controller's code is loaded), a heap limit under
 *   MIN_HEAP_BYTES cannot hold the controller at all;
 * - before a list page is parsed, its size is weighed against the room left (a page is parsed in
 *   one synchronous step, so a timer would never see that one coming);
 * - a periodic sample: used heap above the fraction of the limit twice in a row.
 */
import { getHeapStatistics } from 'node:v8';

export interface HeapStats {
  usedBytes: number;
  limitBytes: number;
}

/**
 * Below this V8 heap limit the controller does not start. The limit counts the young generation
 * (48 MiB at these sizes) besides --max-old-space-size, and the controller's code and client alone
 * take about 35 MiB of old space: --max-old-space-size=48 is the least that starts.
 */
export const MIN_HEAP_BYTES = 96 * 1024 * 1024;
/** Used heap above this share of the limit, before the caches synced, is too little room. */
const FULL_FRACTION = 0.9;
/**
 * A parsed page costs its text, the objects made from it and the informer's cached copies: about
 * four times its size (measured: a 24 MiB page of ReplicaSets did not fit in 80 MiB of old space).
 */
const PARSE_COST_FACTOR = 4;
const SAMPLE_INTERVAL_MS = 250;
/** Exit code of a controller whose heap is too small to start or to sync its caches. */
export const HEAP_TOO_SMALL_EXIT = 3;

const MIB = 1024 * 1024;
const mib = (bytes: number) => Math.round(bytes / MIB);

export function readHeapStats(): HeapStats {
  const stats = getHeapStatistics();
  return { usedBytes: stats.used_heap_size, limitBytes: stats.heap_size_limit };
}

const ADVICE = 'give the controller more memory (the chart\'s resources.limits.memory; heapPercentOfMemoryLimit of it is the heap), '
  + 'watch fewer namespaces (--namespace), or split the Rollouts over shards (--shards)';

/** The start-up check: a message when the limit is under the minimum. */
export function heapFloorProblem(stats: HeapStats): string | undefined {
  if (stats.limitBytes >= MIN_HEAP_BYTES) return undefined;
  return `the V8 heap limit is ${mib(stats.limitBytes)} MiB, under the ${mib(MIN_HEAP_BYTES)} MiB the controller needs to start; ${ADVICE}`;
}

export interface HeapGuardOptions {
  onTooSmall: (message: string) => void;
  read?: () => HeapStats;
}

export class HeapGuard {
  private readonly read: () => HeapStats;
  private fullSamples = 0;
  private done = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: HeapGuardOptions) {
    this.read = options.read ?? readHeapStats;
  }

  /** Samples every 250 ms until `synced()` or `stop()`. */
  start(): void {
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  /** The caches synced: the guard's work is over. */
  synced(): void {
    this.stop();
  }

  stop(): void {
    this.done = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One periodic sample; two full ones in a row trip the guard. */
  sample(): void {
    if (this.done) return;
    const stats = this.read();
    this.fullSamples = stats.usedBytes >= stats.limitBytes * FULL_FRACTION ? this.fullSamples + 1 : 0;
    if (this.fullSamples >= 2) this.trip(`${mib(stats.usedBytes)} MiB of the ${mib(stats.limitBytes)} MiB heap limit in use`);
  }

  /** Before a list page of `bytes` is parsed: would it leave the heap over the full fraction? */
  beforeParse(bytes: number, what: string): void {
    if (this.done) return;
    const stats = this.read();
    const after = stats.usedBytes + PARSE_COST_FACTOR * bytes;
    if (after >= stats.limitBytes * FULL_FRACTION) {
      this.trip(`a ${mib(bytes)} MiB page of ${what} would need about ${mib(after)} MiB of the ${mib(stats.limitBytes)} MiB heap limit`);
    }
  }

  private trip(detail: string): void {
    this.stop();
    this.options.onTooSmall(`heap too small to sync the caches: ${detail}; ${ADVICE}`);
  }
}
