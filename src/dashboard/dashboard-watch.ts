/**
 * The dashboard's view of the cluster: per namespace (or all namespaces) one informer each for
 * Rollouts, their ReplicaSets, pods, AnalysisRuns and canary Mappings, kept current by watches
 * (never polled) and restarted with backoff by the InformerSupervisor. It also remembers how each
 * watch last ended, so the page can say "namespace X is not visible: <the API's 403 message>" or
 * "disconnected from the API server" instead of silently showing less.
 */
import type * as k8s from '@kubernetes/client-node';
import {
  AMBASSADOR_GROUP, ANALYSIS_RUN_PLURAL, KANARY_GROUP, KANARY_VERSION, MAPPING_PLURAL, ROLLOUT_PLURAL,
} from '../api/labels.js';
import { TREE_SELECTORS, type NamespaceObjects } from '../cli/rollout-tree.js';
import { toKubeError } from '../kube/errors.js';
import type { Clock } from '../runtime/clock.js';
import { isForbiddenError } from '../runtime/forbidden.js';
import { ResourceInformer } from '../runtime/informer.js';
import { InformerSupervisor, type SupervisedInformer } from '../runtime/informer-supervisor.js';
import type { ResourceRef } from '../runtime/resource-path.js';
import { createSilentLogger } from '../telemetry/logger.js';

type Kind = keyof NamespaceObjects;

export interface ScopeStatus {
  /** The namespace, or `*` for all namespaces. */
  namespace: string;
  visible: boolean;
  /** Why it is not visible (the API server's message), or which kinds are refused. */
  message?: string;
}

export interface ConnectionStatus {
  connected: boolean;
  message?: string;
}

export interface DashboardSource {
  objects(): NamespaceObjects;
  scopes(): ScopeStatus[];
  connection(): ConnectionStatus;
  onChange(listener: () => void): void;
}

export interface DashboardWatchOptions {
  kubeConfig: k8s.KubeConfig;
  /** Namespaces to watch; `undefined` in the list means all namespaces. */
  namespaces: readonly (string | undefined)[];
  /** The version Mappings are read in (`v2`, `v3alpha1`); none watched when undefined. */
  mappingVersion?: string;
  clock: Clock;
}

interface Tracked {
  kind: Kind;
  namespace: string | undefined;
  informer: ResourceInformer<k8s.KubernetesObject>;
  /** The error the last start ended with, undefined after a clean start. */
  error?: unknown;
}

function targets(namespace: string | undefined, mappingVersion: string | undefined): { kind: Kind; resource: ResourceRef; labelSelector?: string }[] {
  const kanary = (plural: string) => ({ group: KANARY_GROUP, version: KANARY_VERSION, plural, namespace });
  const all: { kind: Kind; resource: ResourceRef; labelSelector?: string }[] = [
    { kind: 'rollouts', resource: kanary(ROLLOUT_PLURAL) },
    { kind: 'replicaSets', resource: { group: 'apps', version: 'v1', plural: 'replicasets', namespace }, labelSelector: TREE_SELECTORS.replicaSets },
    { kind: 'pods', resource: { group: '', version: 'v1', plural: 'pods', namespace }, labelSelector: TREE_SELECTORS.pods },
    { kind: 'analysisRuns', resource: kanary(ANALYSIS_RUN_PLURAL) },
    // Every Mapping, not only Kanary's canary copies: the page shows the stable (base) one too.
    { kind: 'mappings', resource: { group: AMBASSADOR_GROUP, version: mappingVersion ?? '', plural: MAPPING_PLURAL, namespace } },
  ];
  return mappingVersion === undefined ? all.filter((t) => t.kind !== 'mappings') : all;
}

function statusCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown; statusCode?: unknown } | undefined);
  const value = code?.statusCode ?? code?.code;
  return typeof value === 'number' ? value : undefined;
}

/** The API server's own words for a failed list/watch. */
export function describeWatchError(error: unknown, kind: string, namespace: string | undefined): string {
  return toKubeError(error, { verb: 'list', resource: kind, ...(namespace ? { namespace } : {}) }).message;
}

export class DashboardWatch implements DashboardSource {
  private readonly supervisor: InformerSupervisor;
  private readonly tracked: Tracked[] = [];
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly options: DashboardWatchOptions) {
    const logger = createSilentLogger();
    this.supervisor = new InformerSupervisor({ clock: options.clock, logger, backoff: { baseMs: 250, maxMs: 5_000 } });
    for (const namespace of options.namespaces) {
      for (const target of targets(namespace, options.mappingVersion)) {
        const informer = new ResourceInformer<k8s.KubernetesObject>({
          kubeConfig: options.kubeConfig, resource: target.resource, labelSelector: target.labelSelector, logger,
        });
        const tracked: Tracked = { kind: target.kind, namespace, informer };
        informer.onChange(() => this.emit());
        informer.onError((error) => this.record(tracked, error));
        this.tracked.push(tracked);
        this.supervisor.add(this.supervised(tracked));
      }
    }
  }

  /** Wraps an informer so each start's outcome is remembered (a clean start clears the error). */
  private supervised(tracked: Tracked): SupervisedInformer {
    const inner = tracked.informer;
    return {
      name: inner.name,
      get synced() { return inner.synced; },
      whenSynced: () => inner.whenSynced(),
      onError: (handler) => inner.onError(handler),
      start: async () => {
        const outcome = await inner.start();
        this.record(tracked, outcome.ok ? undefined : outcome.error);
        return outcome;
      },
      stop: () => inner.stop(),
    };
  }

  private record(tracked: Tracked, error: unknown): void {
    if (tracked.error === error) return;
    tracked.error = error;
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Starts every watch; resolves true once all have listed (or were refused), false after `timeoutMs`. */
  async start(timeoutMs: number): Promise<boolean> {
    await this.supervisor.start();
    return this.supervisor.waitForSync(timeoutMs);
  }

  async stop(): Promise<void> {
    await this.supervisor.stop();
  }

  objects(): NamespaceObjects {
    const of = <T>(kind: Kind): T[] => this.tracked.filter((t) => t.kind === kind).flatMap((t) => [...t.informer.list()] as T[]);
    return {
      rollouts: of('rollouts'), replicaSets: of('replicaSets'), pods: of('pods'), analysisRuns: of('analysisRuns'), mappings: of('mappings'),
    };
  }

  scopes(): ScopeStatus[] {
    return this.options.namespaces.map((namespace) => {
      const label = namespace ?? '*';
      const mine = this.tracked.filter((t) => t.namespace === namespace && isForbiddenError(t.error));
      const rollouts = mine.find((t) => t.kind === 'rollouts');
      if (rollouts) return { namespace: label, visible: false, message: describeWatchError(rollouts.error, ROLLOUT_PLURAL, namespace) };
      if (mine.length === 0) return { namespace: label, visible: true };
      return { namespace: label, visible: true, message: mine.map((t) => describeWatchError(t.error, t.informer.name, namespace)).join('; ') };
    });
  }

  connection(): ConnectionStatus {
    const broken = this.tracked.find((t) => t.error !== undefined && statusCode(t.error) === undefined);
    if (!broken) return { connected: true };
    const server = this.options.kubeConfig.getCurrentCluster()?.server ?? 'the API server';
    const detail = broken.error instanceof Error ? broken.error.message : String(broken.error);
    return { connected: false, message: `disconnected from ${server}: ${detail}` };
  }
}
