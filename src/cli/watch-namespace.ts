/**
 * Keeps the objects of one namespace (or all) current with watches, for `get rollout -w`,
 * `list rollouts -w` and `status`: one informer (list, then watch; relist after 410) per resource,
 * restarted with backoff after errors. Never polls: changes arrive from the API server.
 */
import type * as k8s from '@kubernetes/client-node';
import {
  AMBASSADOR_GROUP,
  ANALYSIS_RUN_PLURAL,
  KANARY_GROUP,
  KANARY_VERSION,
  MAPPING_PLURAL,
  ROLLOUT_PLURAL,
} from '../api/labels.js';
import { createSystemClock, type Clock } from '../runtime/clock.js';
import { ResourceInformer } from '../runtime/informer.js';
import { InformerSupervisor } from '../runtime/informer-supervisor.js';
import type { ResourceRef } from '../runtime/resource-path.js';
import { createSilentLogger } from '../telemetry/logger.js';
import type { MappingObject } from '../traffic/ambassador-mapping.js';
import type { RolloutObject } from './rollout-client.js';
import { TREE_SELECTORS, type AnalysisRunObject, type NamespaceObjects } from './rollout-tree.js';

export type WatchedKind = keyof NamespaceObjects;

export interface WatchTarget {
  kind: WatchedKind;
  resource: ResourceRef;
  labelSelector?: string;
  /** Not waited for before the first frame (e.g. Mappings, whose CRD may be missing). */
  optional?: boolean;
}

export interface NamespaceWatchOptions {
  kubeConfig: k8s.KubeConfig;
  targets: readonly WatchTarget[];
  /** Called after every change of any watched object. */
  onChange: () => void;
  clock?: Clock;
}

/** The watch targets of `get rollout NAME -w` in `namespace`. */
export function rolloutTreeTargets(namespace: string, rolloutName: string, mappingVersion: string | undefined): WatchTarget[] {
  const targets: WatchTarget[] = [
    { kind: 'rollouts', resource: { group: KANARY_GROUP, version: KANARY_VERSION, plural: ROLLOUT_PLURAL, namespace } },
    { kind: 'replicaSets', resource: { group: 'apps', version: 'v1', plural: 'replicasets', namespace }, labelSelector: TREE_SELECTORS.replicaSets },
    { kind: 'pods', resource: { group: '', version: 'v1', plural: 'pods', namespace }, labelSelector: TREE_SELECTORS.pods },
    {
      kind: 'analysisRuns',
      resource: { group: KANARY_GROUP, version: KANARY_VERSION, plural: ANALYSIS_RUN_PLURAL, namespace },
      labelSelector: TREE_SELECTORS.analysisRuns(rolloutName),
    },
  ];
  if (mappingVersion === undefined) return targets;
  return [...targets, {
    kind: 'mappings', optional: true, labelSelector: TREE_SELECTORS.mappings,
    resource: { group: AMBASSADOR_GROUP, version: mappingVersion, plural: MAPPING_PLURAL, namespace },
  }];
}

/** Rollouts only, in one namespace or (namespace undefined) all of them. */
export function rolloutTargets(namespace: string | undefined): WatchTarget[] {
  return [{ kind: 'rollouts', resource: { group: KANARY_GROUP, version: KANARY_VERSION, plural: ROLLOUT_PLURAL, namespace } }];
}

type AnyInformer = ResourceInformer<k8s.KubernetesObject>;

export class NamespaceWatch {
  private readonly supervisor: InformerSupervisor;
  private readonly clock: Clock;
  private readonly informers = new Map<WatchedKind, AnyInformer>();
  private readonly required: AnyInformer[] = [];

  constructor(options: NamespaceWatchOptions) {
    this.clock = options.clock ?? createSystemClock();
    const logger = createSilentLogger();
    this.supervisor = new InformerSupervisor({ clock: this.clock, logger });
    for (const target of options.targets) {
      const informer = new ResourceInformer<k8s.KubernetesObject>({
        kubeConfig: options.kubeConfig, resource: target.resource, labelSelector: target.labelSelector, logger,
      });
      informer.onChange(() => options.onChange());
      this.informers.set(target.kind, informer);
      if (!target.optional) this.required.push(informer);
      this.supervisor.add(informer);
    }
  }

  /** Starts every watch; resolves true once the required ones have listed, false after `timeoutMs`. */
  async start(timeoutMs: number): Promise<boolean> {
    await this.supervisor.start();
    return new Promise((resolve) => {
      const cancel = this.clock.setTimer(() => resolve(false), timeoutMs);
      void Promise.all(this.required.map((i) => i.whenSynced())).then(() => {
        cancel();
        resolve(true);
      });
    });
  }

  async stop(): Promise<void> {
    await this.supervisor.stop();
  }

  private list<T>(kind: WatchedKind): T[] {
    return [...(this.informers.get(kind)?.list() ?? [])] as T[];
  }

  /** What the watches hold now. */
  objects(): NamespaceObjects {
    return {
      rollouts: this.list<RolloutObject>('rollouts'),
      replicaSets: this.list<k8s.V1ReplicaSet>('replicaSets'),
      pods: this.list<k8s.V1Pod>('pods'),
      analysisRuns: this.list<AnalysisRunObject>('analysisRuns'),
      mappings: this.list<MappingObject>('mappings'),
    };
  }
}
