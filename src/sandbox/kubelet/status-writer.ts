/** Outcome of one status write: `gone` when the pod no longer exists. */
export type WriteOutcome = 'ok' | 'gone';

export interface CoalescingWriter {
  /** Asks for a write of the latest state; requests made while one is in flight collapse into one. */
  request(): void;
  /** No write starts after this; resolves once the one in flight (if any) has finished. */
  close(): Promise<void>;
}

export interface CoalescingWriterOptions {
  write: () => Promise<WriteOutcome>;
  retryDelayMs: number;
  onError: (err: unknown) => void;
}

/** Serialises writes of a changing state: at most one in flight, the latest state always written last. */
export function createCoalescingWriter(options: CoalescingWriterOptions): CoalescingWriter {
  let pending = false;
  let closed = false;
  let running: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  const attempt = async (): Promise<boolean> => {
    try {
      return (await options.write()) === 'gone';
    } catch (err) {
      options.onError(err);
      await new Promise<void>((resolve) => {
        wake = resolve;
        retryTimer = setTimeout(resolve, options.retryDelayMs);
      });
      wake = undefined;
      pending = true;
      return false;
    }
  };

  const loop = async (): Promise<void> => {
    while (pending && !closed) {
      pending = false;
      if (await attempt()) closed = true;
    }
    running = undefined;
  };

  return {
    request() {
      pending = true;
      if (!running && !closed) running = loop();
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      wake?.();
      await running;
    },
  };
}
