/**
 * EventRecorder: writes core/v1 Events about Kanary's objects (source component
 * `kanary-controller`). Off the reconcile's critical path: `record` queues the event and returns at
 * once (its promise settles when the event is written, for whoever wants to wait); one writer
 * drains the queue in order. An identical event (same object, type, reason and message) recorded
 * again, still queued or within the aggregation window, bumps `count` and `lastTimestamp` of one
 * Event instead of creating another, as `kubectl describe` users expect (`x5 over 2m`). Recording
 * never throws: a failed write, or an event refused because the queue is full, goes to `onError`
 * (never dropped silently). `flush` waits for the queue to empty (shutdown).
 */
import type * as k8s from '@kubernetes/client-node';
import { KANARY_API_VERSION, ROLLOUT_KIND } from '../api/labels.js';
import type { KubeClients } from './clients.js';
import { callKube, NotFoundError } from './errors.js';
import { mergePatchOptions } from './patch-options.js';

export const EVENT_SOURCE_COMPONENT = 'kanary-controller';
const AGGREGATION_WINDOW_MS = 10 * 60 * 1000;
const MAX_TRACKED_EVENTS = 1000;
const MAX_NAME_PREFIX = 200;
/** Events waiting to be written; beyond this one is refused (reported through onError). */
export const MAX_QUEUED_EVENTS = 5_000;

export type EventType = 'Normal' | 'Warning';

export interface EventInput {
  type: EventType;
  reason: string;
  message: string;
}

/** The object an event is about. apiVersion/kind default to the Rollout's when absent. */
export interface EventSubject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string };
}

export interface EventRecorderOptions {
  clients: KubeClients;
  clock: { now(): number };
  component?: string;
  host?: string;
  onError?: (err: unknown, event: EventInput) => void;
}

interface PendingEvent {
  key: string;
  subject: EventSubject;
  event: EventInput;
  /** When it was last recorded (the Event's lastTimestamp). */
  atMs: number;
  /** How many times it was recorded while queued. */
  times: number;
  settle: (() => void)[];
}

interface TrackedEvent {
  namespace: string;
  name: string;
  count: number;
  firstMs: number;
}

export function buildInvolvedObject(subject: EventSubject): k8s.V1ObjectReference {
  const { name, namespace, uid, resourceVersion } = subject.metadata;
  return {
    apiVersion: subject.apiVersion ?? KANARY_API_VERSION,
    kind: subject.kind ?? ROLLOUT_KIND,
    name,
    namespace,
    uid,
    resourceVersion,
  };
}

export class EventRecorder {
  private readonly tracked = new Map<string, TrackedEvent>();
  private readonly queue: PendingEvent[] = [];
  private readonly queued = new Map<string, PendingEvent>();
  private draining: Promise<void> | undefined;
  private sequence = 0;

  constructor(private readonly options: EventRecorderOptions) {}

  /** Queues an event and returns at once; the promise settles once it is written (or reported). */
  record(subject: EventSubject, event: EventInput): Promise<void> {
    const key = [subject.metadata.namespace, subject.metadata.name, subject.metadata.uid, event.type, event.reason, event.message].join('\u0000');
    const atMs = this.options.clock.now();
    return new Promise((resolve) => {
      const waiting = this.queued.get(key);
      if (waiting !== undefined) {
        Object.assign(waiting, { atMs, times: waiting.times + 1 });
        waiting.settle.push(resolve);
        return;
      }
      if (this.queue.length >= MAX_QUEUED_EVENTS) {
        this.options.onError?.(new Error(`event queue full (${MAX_QUEUED_EVENTS} waiting): event not recorded`), event);
        resolve();
        return;
      }
      const pending: PendingEvent = { key, subject, event, atMs, times: 1, settle: [resolve] };
      this.queue.push(pending);
      this.queued.set(key, pending);
      this.drain();
    });
  }

  /** Resolves once every queued event is written (or reported). */
  async flush(): Promise<void> {
    while (this.draining !== undefined) await this.draining;
  }

  private drain(): void {
    if (this.draining !== undefined) return;
    this.draining = this.writeQueued().finally(() => {
      this.draining = undefined;
      // An event queued between the last write and this callback starts the next drain.
      if (this.queue.length > 0) this.drain();
    });
  }

  private async writeQueued(): Promise<void> {
    for (let pending = this.queue.shift(); pending !== undefined; pending = this.queue.shift()) {
      this.queued.delete(pending.key);
      try {
        await this.write(pending);
      } catch (err) {
        this.options.onError?.(err, pending.event);
      }
      for (const settle of pending.settle) settle();
    }
  }

  private async write(pending: PendingEvent): Promise<void> {
    const { key, atMs: nowMs, times } = pending;
    const previous = this.tracked.get(key);
    if (previous && nowMs - previous.firstMs < AGGREGATION_WINDOW_MS) {
      const bumped = await this.bump(previous, nowMs, times);
      if (bumped) return;
    }
    const created = await this.create(pending.subject, pending.event, { nowMs, count: times });
    this.remember(key, created);
  }

  private async bump(tracked: TrackedEvent, nowMs: number, times: number): Promise<boolean> {
    const count = tracked.count + times;
    const { namespace, name } = tracked;
    try {
      await callKube({ verb: 'patch', resource: 'events', namespace, name }, () =>
        this.options.clients.core.patchNamespacedEvent(
          { namespace, name, body: { count, lastTimestamp: new Date(nowMs).toISOString() } },
          mergePatchOptions(),
        ),
      );
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
    tracked.count = count;
    return true;
  }

  private async create(subject: EventSubject, event: EventInput, at: { nowMs: number; count: number }): Promise<TrackedEvent> {
    const { nowMs, count } = at;
    const namespace = subject.metadata.namespace ?? 'default';
    const name = this.eventName(subject.metadata.name, nowMs);
    const body: k8s.CoreV1Event = {
      metadata: { name, namespace },
      involvedObject: buildInvolvedObject(subject),
      type: event.type,
      reason: event.reason,
      message: event.message,
      count,
      firstTimestamp: new Date(nowMs),
      lastTimestamp: new Date(nowMs),
      source: { component: this.options.component ?? EVENT_SOURCE_COMPONENT, host: this.options.host },
      reportingComponent: this.options.component ?? EVENT_SOURCE_COMPONENT,
      reportingInstance: this.options.host,
    };
    await callKube({ verb: 'create', resource: 'events', namespace, name }, () =>
      this.options.clients.core.createNamespacedEvent({ namespace, body }),
    );
    return { namespace, name, count, firstMs: nowMs };
  }

  /** `<object>.<hex>` as client-go names events, unique per recorder even within one millisecond. */
  private eventName(objectName: string, nowMs: number): string {
    this.sequence = (this.sequence + 1) % 1_000_000;
    const suffix = (BigInt(nowMs) * 1_000_000n + BigInt(this.sequence)).toString(16);
    return `${objectName.slice(0, MAX_NAME_PREFIX)}.${suffix}`;
  }

  private remember(key: string, event: TrackedEvent): void {
    this.tracked.delete(key);
    this.tracked.set(key, event);
    if (this.tracked.size > MAX_TRACKED_EVENTS) {
      const oldest = this.tracked.keys().next();
      if (!oldest.done) this.tracked.delete(oldest.value);
    }
  }
}
