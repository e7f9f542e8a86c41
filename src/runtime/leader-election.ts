import * as k8s from '@kubernetes/client-node';
import type { Logger } from '../telemetry/logger.js';
import type { Cancel, Clock } from './clock.js';

export interface LeaderElectionOptions {
  coordination: k8s.CoordinationV1Api;
  namespace: string;
  /** Lease name. */
  name: string;
  /** This process's identity, unique among candidates (e.g. hostname_pid). */
  identity: string;
  clock: Clock;
  logger: Logger;
  /** How long a lease holds without renewal (default 15 s). */
  leaseDurationMs?: number;
  /** The leader steps down when it could not renew for this long (default 10 s). */
  renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  /** Called when the observed holder changes (empty string: nobody). */
  onNewLeader?: (identity: string) => void;
  /** Annotations written on the Lease with every acquire and renewal (e.g. the shard count). */
  annotations?: Record<string, string>;
  /**
   * Asked before every acquire or renewal: a reason this process must not hold the Lease now, or
   * undefined. A refused renewal lets the lease run out like a failed one (the leader steps down
   * after the renew deadline); the reason is logged each time it changes.
   */
  mayHold?: (state: { leading: boolean; acquireTimeMs: number | undefined }) => Promise<string | undefined>;
}

interface Observation {
  resourceVersion: string;
  holder: string;
  leaseDurationMs: number;
  /** Local clock time at which this resourceVersion was first seen. */
  seenAtMs: number;
}

function statusCodeOf(error: unknown): number | undefined {
  if (error instanceof k8s.ApiException) return error.code;
  const code = (error as { code?: unknown; statusCode?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function microTime(ms: number): k8s.V1MicroTime {
  return new k8s.V1MicroTime(ms);
}

function microTimeMs(time: Date | string | undefined): number | undefined {
  if (time === undefined) return undefined;
  const ms = new Date(time).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: acquire a free or
 * expired lease, renew it every retry period, step down when renewal failed for the renew deadline.
 * Writes carry the read resourceVersion, so of two racing candidates one gets 409 and loses.
 * Expiry is judged by the local clock from when this process last saw the lease change, never by
 * comparing the holder's timestamps with our clock.
 */
export class LeaderElector {
  private readonly options: LeaderElectionOptions;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private observed: Observation | undefined;
  private leading = false;
  private running = false;
  private lastRenewMs = 0;
  private tickTimer: Cancel | undefined;
  private deadlineTimer: Cancel | undefined;
  private inFlight: Promise<void> | undefined;
  private lastHolder: string | undefined;
  private lastRefusal: string | undefined;
  private acquireTimeMs: number | undefined;

  constructor(options: LeaderElectionOptions) {
    this.options = options;
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (this.leaseDurationMs <= this.renewDeadlineMs || this.renewDeadlineMs <= this.retryPeriodMs) {
      throw new Error('leader election needs leaseDuration > renewDeadline > retryPeriod');
    }
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Starts trying to acquire the lease; returns at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.tick();
  }

  /**
   * Stops campaigning. A leader releases the lease (unless `release: false`, which simulates a
   * crash: the lease then expires on its own) and gets `onStoppedLeading`.
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.running = false;
    this.tickTimer?.();
    this.tickTimer = undefined;
    await this.settleInFlight();
    if (options.release ?? true) await this.release();
    else this.stepDown('stopped without releasing the lease');
  }

  /**
   * Gives the lease up at once (holder empty, duration 1 s) so a standby can take over. Reads the
   * lease even when not leading, in case an attempt that was in flight during stop() acquired it.
   */
  async release(): Promise<void> {
    const { coordination, namespace, name } = this.options;
    try {
      const lease = await coordination.readNamespacedLease({ name, namespace });
      if (lease.spec?.holderIdentity === this.options.identity) {
        const now = this.options.clock.now();
        lease.spec = {
          ...lease.spec,
          holderIdentity: '',
          leaseDurationSeconds: 1,
          acquireTime: microTime(now),
          renewTime: microTime(now),
        };
        await coordination.replaceNamespacedLease({ name, namespace, body: lease });
      }
    } catch (error) {
      this.options.logger.warn('could not release the leader lease', { error, lease: `${namespace}/${name}` });
    }
    this.stepDown('released the lease');
  }

  /** Waits for a pending attempt, but not longer than one retry period (a request may hang). */
  private async settleInFlight(): Promise<void> {
    const pending = this.inFlight;
    if (!pending) return;
    let cancel: Cancel | undefined;
    const timeout = new Promise<void>((resolve) => { cancel = this.options.clock.setTimer(resolve, this.retryPeriodMs); });
    await Promise.race([pending, timeout]);
    cancel?.();
  }

  private tick(): void {
    if (!this.running) return;
    this.inFlight = this.tryAcquireOrRenew().then(
      (ok) => this.afterAttempt(ok),
      (error: unknown) => {
        this.options.logger.warn('leader election request failed', { error });
        this.afterAttempt(false);
      },
    );
  }

  private afterAttempt(ok: boolean): void {
    this.inFlight = undefined;
    if (!this.running) return;
    if (ok) this.onRenewed();
    else if (this.leading && this.options.clock.now() - this.lastRenewMs >= this.renewDeadlineMs) {
      this.stepDown('could not renew the lease before the renew deadline');
    }
    this.tickTimer = this.options.clock.setTimer(() => {
      this.tickTimer = undefined;
      this.tick();
    }, this.retryPeriodMs);
  }

  private onRenewed(): void {
    this.lastRenewMs = this.options.clock.now();
    this.deadlineTimer?.();
    this.deadlineTimer = this.options.clock.setTimer(() => {
      this.deadlineTimer = undefined;
      this.stepDown('renew deadline passed without a successful renewal');
    }, this.renewDeadlineMs);
    if (this.leading) return;
    this.leading = true;
    this.options.logger.info('started leading', { identity: this.options.identity });
    this.options.onStartedLeading();
  }

  private stepDown(reason: string): void {
    this.deadlineTimer?.();
    this.deadlineTimer = undefined;
    if (!this.leading) return;
    this.leading = false;
    this.options.logger.info('stopped leading', { identity: this.options.identity, reason });
    this.options.onStoppedLeading();
  }

  /** One attempt; true when we hold the lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { coordination, namespace, name } = this.options;
    let lease: k8s.V1Lease;
    try {
      lease = await coordination.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (statusCodeOf(error) === 404) return this.createLease();
      throw error;
    }
    this.observe(lease);
    if (this.heldByOther()) return false;
    if (await this.refused()) return false;
    return this.writeLease(lease);
  }

  /** Whether `mayHold` refuses this attempt (logged once per distinct reason). */
  private async refused(): Promise<boolean> {
    const reason = await this.options.mayHold?.({ leading: this.leading, acquireTimeMs: this.acquireTimeMs });
    if (reason !== undefined && reason !== this.lastRefusal) {
      this.options.logger.warn('not holding the leader lease', { lease: `${this.options.namespace}/${this.options.name}`, reason });
    }
    this.lastRefusal = reason;
    return reason !== undefined;
  }

  private leaseMetadata(metadata: k8s.V1ObjectMeta | undefined): k8s.V1ObjectMeta {
    const { name, namespace, annotations } = this.options;
    if (annotations === undefined) return metadata ?? { name, namespace };
    return { ...(metadata ?? { name, namespace }), annotations: { ...(metadata?.annotations ?? {}), ...annotations } };
  }

  private async createLease(): Promise<boolean> {
    const { coordination, namespace, identity, clock } = this.options;
    if (await this.refused()) return false;
    const now = clock.now();
    const body: k8s.V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: this.leaseMetadata(undefined),
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
        acquireTime: microTime(now),
        renewTime: microTime(now),
        leaseTransitions: 0,
      },
    };
    try {
      this.observe(await coordination.createNamespacedLease({ namespace, body }));
      return true;
    } catch (error) {
      if (statusCodeOf(error) === 409) return false;
      throw error;
    }
  }

  private async writeLease(lease: k8s.V1Lease): Promise<boolean> {
    const { coordination, namespace, name, identity, clock } = this.options;
    const now = clock.now();
    const spec = lease.spec ?? {};
    const takingOver = spec.holderIdentity !== identity;
    lease.metadata = this.leaseMetadata(lease.metadata);
    lease.spec = {
      ...spec,
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
      renewTime: microTime(now),
      acquireTime: takingOver ? microTime(now) : spec.acquireTime,
      leaseTransitions: takingOver ? (spec.leaseTransitions ?? 0) + 1 : spec.leaseTransitions ?? 0,
    };
    try {
      this.observe(await coordination.replaceNamespacedLease({ name, namespace, body: lease }));
      return true;
    } catch (error) {
      if (statusCodeOf(error) === 409) return false;
      throw error;
    }
  }

  private observe(lease: k8s.V1Lease): void {
    const resourceVersion = lease.metadata?.resourceVersion ?? '';
    const holder = lease.spec?.holderIdentity ?? '';
    this.noteAcquireTime(lease, holder);
    if (this.observed?.resourceVersion !== resourceVersion) {
      const durationSeconds = lease.spec?.leaseDurationSeconds ?? Math.ceil(this.leaseDurationMs / 1000);
      this.observed = { resourceVersion, holder, leaseDurationMs: durationSeconds * 1000, seenAtMs: this.options.clock.now() };
    }
    this.noteHolder(holder);
  }

  private noteAcquireTime(lease: k8s.V1Lease, holder: string): void {
    if (holder === this.options.identity) this.acquireTimeMs = microTimeMs(lease.spec?.acquireTime);
  }

  private noteHolder(holder: string): void {
    if (holder === this.lastHolder) return;
    this.lastHolder = holder;
    this.options.onNewLeader?.(holder);
  }

  private heldByOther(): boolean {
    const seen = this.observed;
    if (!seen || seen.holder === '' || seen.holder === this.options.identity) return false;
    return seen.seenAtMs + seen.leaseDurationMs > this.options.clock.now();
  }
}
