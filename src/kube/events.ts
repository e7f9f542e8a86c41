/**
 * EventRecorder: writes core/v1 Events about Kanary's objects (source component
 * `kanary-controller`). An identical event (same object, type, reason and message) recorded again
 * within the aggregation window bumps `count` and `lastTimestamp` of the existing Event instead of
 * creating a new one, as `kubectl describe` users expect (`x5 over 2m`).
 * Recording never throws: a failed write goes to `onError` (events are best effort).
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
  private sequence = 0;

  constructor(private readonly options: EventRecorderOptions) {}

  /** Records an event; resolves once written (or once the failure was passed to onError). */
  async record(subject: EventSubject, event: EventInput): Promise<void> {
    try {
      await this.write(subject, event);
    } catch (err) {
      this.options.onError?.(err, event);
    }
  }

  private async write(subject: EventSubject, event: EventInput): Promise<void> {
    const key = [subject.metadata.namespace, subject.metadata.name, subject.metadata.uid, event.type, event.reason, event.message].join('\u0000');
    const nowMs = this.options.clock.now();
    const previous = this.tracked.get(key);
    if (previous && nowMs - previous.firstMs < AGGREGATION_WINDOW_MS) {
      const bumped = await this.bump(previous, nowMs);
      if (bumped) return;
    }
    const created = await this.create(subject, event, nowMs);
    this.remember(key, created);
  }

  private async bump(tracked: TrackedEvent, nowMs: number): Promise<boolean> {
    const count = tracked.count + 1;
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

  private async create(subject: EventSubject, event: EventInput, nowMs: number): Promise<TrackedEvent> {
    const namespace = subject.metadata.namespace ?? 'default';
    const name = this.eventName(subject.metadata.name, nowMs);
    const body: k8s.CoreV1Event = {
      metadata: { name, namespace },
      involvedObject: buildInvolvedObject(subject),
      type: event.type,
      reason: event.reason,
      message: event.message,
      count: 1,
      firstTimestamp: new Date(nowMs),
      lastTimestamp: new Date(nowMs),
      source: { component: this.options.component ?? EVENT_SOURCE_COMPONENT, host: this.options.host },
      reportingComponent: this.options.component ?? EVENT_SOURCE_COMPONENT,
      reportingInstance: this.options.host,
    };
    await callKube({ verb: 'create', resource: 'events', namespace, name }, () =>
      this.options.clients.core.createNamespacedEvent({ namespace, body }),
    );
    return { namespace, name, count: 1, firstMs: nowMs };
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
