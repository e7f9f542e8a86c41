/**
 * A watch on one collection that timestamps every event as it arrives, so a benchmark can ask
 * "when did the watch first see X after time T". Times are Date.now() in this process.
 */
import * as k8s from '@kubernetes/client-node';

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface WatchEvent {
  atMs: number;
  type: string;
  object: Obj;
}

interface Waiter {
  predicate: (event: WatchEvent) => boolean;
  resolve: (event: WatchEvent) => void;
}

export class ObjectWatch {
  readonly events: WatchEvent[] = [];
  private readonly waiters = new Set<Waiter>();
  private controller: AbortController | undefined;
  private stopped = false;

  constructor(private readonly kc: k8s.KubeConfig, private readonly path: string) {}

  async start(): Promise<void> {
    this.controller = await new k8s.Watch(this.kc).watch(this.path, {}, (type, object) => this.record(type, object as Obj), () => {
      if (!this.stopped) void this.start();
    });
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
  }

  private record(type: string, object: Obj): void {
    const event = { atMs: Date.now(), type, object };
    this.events.push(event);
    for (const waiter of [...this.waiters]) {
      if (!waiter.predicate(event)) continue;
      this.waiters.delete(waiter);
      waiter.resolve(event);
    }
  }

  /** The first event at or after sinceMs matching predicate (already seen or still to come). */
  next(predicate: (event: WatchEvent) => boolean, options: { sinceMs: number; timeoutMs: number; what: string }): Promise<WatchEvent> {
    const seen = this.events.find((e) => e.atMs >= options.sinceMs && predicate(e));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { predicate, resolve: (e) => { clearTimeout(timer); resolve(e); } };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}; last event: ${this.describeLast()}`));
      }, options.timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private describeLast(): string {
    const last = this.events.at(-1);
    if (!last) return 'none';
    const { metadata, status } = last.object;
    return `${last.type} ${metadata?.name} ${JSON.stringify(status ?? {}).slice(0, 600)}`;
  }

  /** Drops recorded events (long runs). */
  clear(): void {
    this.events.length = 0;
  }
}

export const isNamed = (name: string) => (e: WatchEvent): boolean => e.object.metadata?.name === name;
