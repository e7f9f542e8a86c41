/** Polls `check` until it returns a value, the timeout passes or the signal aborts. */
export interface WaitOptions {
  description: string;
  timeoutMs: number;
  signal: AbortSignal;
  intervalMs?: number;
}

export class DemoInterruptedError extends Error {
  constructor() {
    super('interrupted');
    this.name = 'DemoInterruptedError';
  }
}

export function sleepMs(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new DemoInterruptedError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new DemoInterruptedError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export async function waitUntil<T>(check: () => Promise<T | undefined> | T | undefined, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${options.description}`);
    await sleepMs(options.intervalMs ?? 200, options.signal);
  }
}
