/**
 * Which getambassador.io version the controller reads and writes Mappings in (one per controller),
 * and whether that API is usable right now. At start-up API discovery says which versions serve
 * `mappings`; the configured version is taken when served, or with `auto` the one Emissary stores
 * (v2 on Emissary 2.x/3.x: no conversion webhook on the path) and otherwise v3alpha1 (Emissary 4.x
 * serves nothing else). While no usable version is found, discovery is asked again with backoff and
 * the problem is reported to the Rollouts that route through Ambassador; everything else runs on.
 */
import { AMBASSADOR_GROUP, AMBASSADOR_V2_API_VERSION, AMBASSADOR_V3ALPHA1_API_VERSION, MAPPING_PLURAL } from '../api/labels.js';
import type { KubeClients } from '../kube/clients.js';
import { KubeError, NotFoundError, callKube } from '../kube/errors.js';
import { computeBackoffMs, type BackoffPolicy } from '../runtime/backoff.js';
import type { Cancel, Clock } from '../runtime/clock.js';
import type { SupervisedInformer } from '../runtime/informer-supervisor.js';
import type { Logger } from '../telemetry/logger.js';

export const AUTO_MAPPING_API_VERSION = 'auto';
/** The versions `auto` considers, in order of preference. */
export const AUTO_PREFERENCE = [AMBASSADOR_V2_API_VERSION, AMBASSADOR_V3ALPHA1_API_VERSION] as const;
export const DISCOVERY_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 30_000 };

export type MappingApiChoice = { ok: true; apiVersion: string } | { ok: false; problem: string };

function describeServed(served: readonly string[]): string {
  return served.length === 0 ? 'none' : served.join(', ');
}

/** Picks the Mapping apiVersion from the setting (`auto` or a full apiVersion) and the served ones (pure). */
export function chooseMappingApiVersion(setting: string, served: readonly string[]): MappingApiChoice {
  if (served.length === 0) {
    return { ok: false, problem: `the Mapping CRD (${MAPPING_PLURAL}.${AMBASSADOR_GROUP}) is not installed or serves no version` };
  }
  if (setting === AUTO_MAPPING_API_VERSION) {
    const preferred = AUTO_PREFERENCE.find((version) => served.includes(version));
    if (preferred) return { ok: true, apiVersion: preferred };
    return { ok: false, problem: `Mappings are served only in ${describeServed(served)}; Kanary supports ${AUTO_PREFERENCE.join(' and ')}` };
  }
  if (served.includes(setting)) return { ok: true, apiVersion: setting };
  return { ok: false, problem: `Mapping apiVersion ${setting} (--ambassador-api-version) is not served; the cluster serves ${describeServed(served)}` };
}

/** A discovery request, for the request counter (verb `discover`, so it is not taken for a polling GET). */
export type OnDiscoveryRequest = (record: { verb: 'discover'; resource: string; code: number }) => void;

/**
 * The getambassador.io versions that serve `mappings`, as full apiVersions (asks API discovery;
 * `custom` should be a client that does not count requests itself: each is reported to `onRequest`).
 */
export async function discoverServedMappingVersions(
  custom: Pick<KubeClients['custom'], 'getAPIResources'>,
  candidates: readonly string[],
  onRequest: OnDiscoveryRequest = () => undefined,
): Promise<string[]> {
  const served: string[] = [];
  for (const apiVersion of candidates) {
    const version = apiVersion.split('/')[1] ?? '';
    try {
      const list = await callKube({ verb: 'get', resource: 'apiresources', namespace: '', name: apiVersion }, () =>
        custom.getAPIResources({ group: AMBASSADOR_GROUP, version }),
      );
      onRequest({ verb: 'discover', resource: MAPPING_PLURAL, code: 200 });
      if ((list.resources ?? []).some((r) => r.name === MAPPING_PLURAL)) served.push(apiVersion);
    } catch (error) {
      onRequest({ verb: 'discover', resource: MAPPING_PLURAL, code: error instanceof KubeError ? error.statusCode : 0 });
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  return served;
}

/** What the traffic router needs to know about the Mapping API. */
export interface MappingApiView {
  /** The version Mappings are read and written in; undefined until discovery found a usable one. */
  apiVersion(): string | undefined;
  /** Why Mappings cannot be used right now (names the version and the cause), or undefined. */
  problem(): string | undefined;
}

export interface MappingApiResolverOptions {
  /** `auto` or a full apiVersion. */
  setting: string;
  /** Served versions among the candidates; throws when discovery itself fails. */
  discover: (candidates: readonly string[]) => Promise<string[]>;
  clock: Clock;
  logger: Logger;
  backoff?: BackoffPolicy;
}

/** Asks discovery until a usable Mapping version is found (with backoff), then calls `onResolved`. */
export class MappingApiResolver {
  private chosen: string | undefined;
  private lastProblem: string | undefined = 'API discovery of Mappings has not answered yet';
  private failures = 0;
  private timer: Cancel | undefined;
  private stopped = false;
  private firstAttempt: Promise<void> | undefined;
  private readonly resolvedHandlers: Array<(apiVersion: string) => void> = [];

  constructor(private readonly options: MappingApiResolverOptions) {}

  /** Registers a handler called once, with the version chosen (before `start()`). */
  onResolved(handler: (apiVersion: string) => void): void {
    this.resolvedHandlers.push(handler);
  }

  /** Starts discovery; resolves after the first attempt (found or not). */
  start(): Promise<void> {
    this.firstAttempt ??= this.attempt();
    return this.firstAttempt;
  }

  stop(): void {
    this.stopped = true;
    this.timer?.();
    this.timer = undefined;
  }

  get apiVersion(): string | undefined {
    return this.chosen;
  }

  /** Why no version is chosen yet (undefined once one is). */
  get problem(): string | undefined {
    return this.chosen ? undefined : this.lastProblem;
  }

  private candidates(): string[] {
    const { setting } = this.options;
    return setting === AUTO_MAPPING_API_VERSION || AUTO_PREFERENCE.some((v) => v === setting) ? [...AUTO_PREFERENCE] : [setting, ...AUTO_PREFERENCE];
  }

  private async attempt(): Promise<void> {
    if (this.stopped || this.chosen) return;
    let choice: MappingApiChoice;
    try {
      choice = chooseMappingApiVersion(this.options.setting, await this.options.discover(this.candidates()));
    } catch (error) {
      choice = { ok: false, problem: `API discovery failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (choice.ok) {
      this.chosen = choice.apiVersion;
      this.options.logger.info('Mapping apiVersion chosen', { apiVersion: choice.apiVersion, setting: this.options.setting });
      for (const handler of this.resolvedHandlers) handler(choice.apiVersion);
      return;
    }
    this.schedule(choice.problem);
  }

  private schedule(problem: string): void {
    if (this.stopped) return;
    const delayMs = computeBackoffMs(this.options.backoff ?? DISCOVERY_BACKOFF, this.failures);
    this.failures += 1;
    if (problem !== this.lastProblem || this.failures === 1) {
      this.options.logger.warn('Mapping API unavailable; Rollouts with Ambassador routing wait for it', { problem, retryInMs: delayMs });
    }
    this.lastProblem = problem;
    this.timer = this.options.clock.setTimer(() => {
      this.timer = undefined;
      void this.attempt();
    }, delayMs);
  }
}

/** What the health tracker needs of an informer: what the supervisor needs (ResourceInformer satisfies both). */
export type TrackableInformer = SupervisedInformer;

function errorText(error: unknown): string {
  const status = (error as { statusCode?: unknown; code?: unknown } | undefined);
  const code = typeof status?.statusCode === 'number' ? status.statusCode : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined ? message : `HTTP ${code}: ${message}`;
}

/**
 * An informer whose last failure is remembered until a start succeeds: a Mapping list or watch that
 * fails (CRD deleted, version no longer served, conversion webhook down) becomes a problem the
 * routed Rollouts report, and clears by itself once the informer (restarted by the supervisor) is back.
 */
export class TrackedInformer implements TrackableInformer {
  private lastError: unknown = undefined;
  /** Whether the last (re)start failed: a watch cut alone is not a problem while the cache serves and the supervisor relists. */
  private lastStartFailed = false;
  private settledOnce = false;
  private resolveSettled: () => void = () => undefined;
  private readonly settledPromise = new Promise<void>((resolve) => { this.resolveSettled = resolve; });

  constructor(private readonly inner: TrackableInformer, private readonly onRecovered: () => void = () => undefined) {
    inner.onError((error) => {
      this.lastError = error;
      this.markSettled();
    });
  }

  get name(): string {
    return this.inner.name;
  }

  get synced(): boolean {
    return this.inner.synced;
  }

  whenSynced(): Promise<void> {
    return this.inner.whenSynced();
  }

  /** Resolves after the first start attempt ended, in success or failure. */
  whenSettled(): Promise<void> {
    return this.settledPromise;
  }

  onError(handler: (error: unknown) => void): void {
    this.inner.onError(handler);
  }

  async start(): Promise<{ ok: boolean; error?: unknown }> {
    const outcome = await this.inner.start();
    const recovered = outcome.ok && this.lastError !== undefined;
    this.lastStartFailed = !outcome.ok;
    if (outcome.ok) this.lastError = undefined;
    this.markSettled();
    if (recovered) this.onRecovered();
    return outcome;
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  /**
   * The failure of the last start (list or watch could not be set up again), or a note that the first
   * list has not landed. A watch that breaks after a good start is not a problem by itself: the cache
   * still serves, and the supervisor lists and watches again; only if that fails does it become one.
   */
  problem(): string | undefined {
    if (this.lastError !== undefined && (this.lastStartFailed || !this.inner.synced)) {
      return `listing or watching ${this.inner.name} fails (${errorText(this.lastError)})`;
    }
    return this.inner.synced ? undefined : `the ${this.inner.name} cache is not synced yet`;
  }

  private markSettled(): void {
    if (this.settledOnce) return;
    this.settledOnce = true;
    this.resolveSettled();
  }
}

/** The Mapping API as the router sees it: discovery's choice plus the health of the Mapping informers. */
export class MappingApiState implements MappingApiView {
  private informers: TrackedInformer[] = [];

  constructor(private readonly resolver: Pick<MappingApiResolver, 'apiVersion' | 'problem'>) {}

  /** Called once the informers of the chosen version exist. */
  track(informers: TrackedInformer[]): void {
    this.informers = informers;
  }

  apiVersion(): string | undefined {
    return this.resolver.apiVersion;
  }

  problem(): string | undefined {
    const version = this.resolver.apiVersion;
    if (version === undefined) return `Mapping API unavailable: ${this.resolver.problem ?? 'not discovered yet'}; traffic routing resumes once it is served`;
    const failing = this.informers.map((i) => i.problem()).find((p) => p !== undefined);
    return failing === undefined ? undefined : `Mapping API ${version} unavailable: ${failing}; traffic routing resumes once it works`;
  }

  /** For logs and /readyz: the version in use, or why there is none. */
  describe(): string {
    const version = this.resolver.apiVersion;
    return version ? `Mapping apiVersion ${version}` : `Mapping apiVersion not chosen (${this.resolver.problem ?? 'pending'})`;
  }
}
