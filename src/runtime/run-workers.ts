import type { Logger } from '../telemetry/logger.js';
import type { WorkQueue } from './workqueue.js';

/** What a reconcile asks of the queue when it succeeds. */
export interface ReconcileResult {
  /** Process the key again after this many milliseconds (a timer, e.g. a timed pause). */
  requeueAfterMs?: number;
}

export type ReconcileFn = (key: string) => Promise<ReconcileResult | void>;

export interface RunWorkersOptions {
  queue: WorkQueue;
  /** Number of concurrent workers (at least 1). */
  count: number;
  reconcile: ReconcileFn;
  /** Called with every error a reconcile throws, before the key is requeued. */
  onError?: (key: string, error: unknown) => void;
  logger: Logger;
}

/** True for errors that ask for an immediate retry, such as a 409 Conflict. */
export function isRequeueImmediately(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { requeueImmediately?: unknown }).requeueImmediately === true
  );
}

async function processKey(options: RunWorkersOptions, key: string): Promise<void> {
  const { queue, reconcile, logger } = options;
  try {
    const result = await reconcile(key);
    queue.forget(key);
    const requeueAfterMs = result ? result.requeueAfterMs : undefined;
    if (requeueAfterMs !== undefined) queue.addAfter(key, requeueAfterMs);
  } catch (error) {
    reportError(options, key, error);
    if (isRequeueImmediately(error)) {
      logger.debug('reconcile conflict, requeued at once', { key });
      queue.add(key);
    } else {
      logger.warn('reconcile failed, retrying with backoff', {
        key,
        error,
        retries: queue.numRequeues(key) + 1,
      });
      queue.addRateLimited(key);
    }
  } finally {
    queue.done(key);
  }
}

function reportError(options: RunWorkersOptions, key: string, error: unknown): void {
  try {
    options.onError?.(key, error);
  } catch (hookError) {
    options.logger.error('onError hook threw', { key, error: hookError });
  }
}

async function runWorker(options: RunWorkersOptions): Promise<void> {
  for (let key = await options.queue.get(); key !== undefined; key = await options.queue.get()) {
    await processKey(options, key);
  }
}

/**
 * Starts `count` workers that take keys from the queue until it shuts down. A success forgets the
 * key's backoff (and schedules `requeueAfterMs`); a thrown error requeues it with backoff, or at
 * once when the error carries `requeueImmediately: true`. Resolves when every worker has stopped.
 */
export async function runWorkers(options: RunWorkersOptions): Promise<void> {
  const count = Math.max(1, Math.floor(options.count));
  const workers = Array.from({ length: count }, () => runWorker(options));
  await Promise.all(workers);
}
