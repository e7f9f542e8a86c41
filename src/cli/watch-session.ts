/**
 * How a watching verb ends: Ctrl-C (SIGINT), `--timeout`, or the verb itself deciding (status).
 * Also the 1-second render tick that keeps countdowns and ages moving between changes; it only
 * redraws from the watch caches and never calls the API.
 */
import type { Cancel, Clock } from '../runtime/clock.js';

export type SessionEndReason = 'interrupt' | 'timeout' | 'finished';

export interface SessionOptions {
  clock: Clock;
  /** No limit when undefined. */
  timeoutMs?: number;
  /** Where SIGINT/SIGTERM come from (default: this process). */
  signals?: Pick<NodeJS.Process, 'once' | 'removeListener'>;
}

export interface WatchSession {
  /** Resolves with why the session ended. */
  readonly ended: Promise<SessionEndReason>;
  finish(): void;
  /** Calls `fn` every `intervalMs` until the session ends. */
  every(intervalMs: number, fn: () => void): void;
  dispose(): void;
}

export function startWatchSession(options: SessionOptions): WatchSession {
  const signals = options.signals ?? process;
  const timers: Cancel[] = [];
  let resolve: (reason: SessionEndReason) => void = () => undefined;
  let done = false;
  const ended = new Promise<SessionEndReason>((r) => { resolve = r; });
  const end = (reason: SessionEndReason) => {
    if (done) return;
    done = true;
    resolve(reason);
  };
  const onSignal = () => end('interrupt');
  signals.once('SIGINT', onSignal);
  signals.once('SIGTERM', onSignal);
  if (options.timeoutMs !== undefined) timers.push(options.clock.setTimer(() => end('timeout'), options.timeoutMs));
  const session: WatchSession = {
    ended,
    finish: () => end('finished'),
    every(intervalMs, fn) {
      const tick = () => {
        if (done) return;
        fn();
        timers.push(options.clock.setTimer(tick, intervalMs));
      };
      timers.push(options.clock.setTimer(tick, intervalMs));
    },
    dispose() {
      end('finished');
      timers.forEach((cancel) => cancel());
      signals.removeListener('SIGINT', onSignal);
      signals.removeListener('SIGTERM', onSignal);
    },
  };
  return session;
}
