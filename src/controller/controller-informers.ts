/**
 * The informers the controller runs (one per resource, or one per resource and watched namespace)
 * and the caches over them. Change handlers only turn objects into queue keys.
 */
import type * as k8s from '@kubernetes/client-node';
import {
  AMBASSADOR_GROUP,
  ANALYSIS_RUN_PLURAL,
  ANALYSIS_TEMPLATE_PLURAL,
  CLUSTER_ANALYSIS_TEMPLATE_PLURAL,
  KANARY_GROUP,
  KANARY_VERSION,
  MAPPING_PLURAL,
  POD_TEMPLATE_HASH_LABEL,
  SERVICE_NAME_LABEL,
} from '../api/labels.js';
import { ResourceInformer, type ChangeHandler } from '../runtime/informer.js';
import type { RequestRecord } from '../runtime/raw-list.js';
import type { Logger } from '../telemetry/logger.js';
import { joinCaches, type ClusterObjectCache, type ObjectCache } from './object-cache.js';
import type { KubeObject } from './rollout-world.js';

interface ResourceKind {
  group: string;
  version: string;
  plural: string;
  clusterScoped?: boolean;
  /** Only objects matching this label selector are listed, watched and cached. */
  labelSelector?: string;
}

export interface InformerFactoryOptions {
  kubeConfig: k8s.KubeConfig;
  /** Watched namespaces; empty = all. */
  namespaces: readonly string[];
  logger: Logger;
  onRequest?: (record: RequestRecord) => void;
  beforeParse?: (bytes: number, what: string) => void;
}

/** The informers of one resource kind, joined behind one cache. */
export class InformerGroup<T extends k8s.KubernetesObject> {
  readonly informers: ResourceInformer<T>[];
  readonly cache: ObjectCache<T>;

  constructor(options: InformerFactoryOptions, kind: ResourceKind) {
    const scopes = kind.clusterScoped || options.namespaces.length === 0 ? [''] : [...options.namespaces];
    const byScope = new Map<string, ResourceInformer<T>>();
    for (const scope of scopes) {
      byScope.set(scope, new ResourceInformer<T>({
        kubeConfig: options.kubeConfig,
        resource: { group: kind.group, version: kind.version, plural: kind.plural, namespace: scope || undefined },
        ...(kind.labelSelector ? { labelSelector: kind.labelSelector } : {}),
        logger: options.logger,
        onRequest: options.onRequest,
        beforeParse: options.beforeParse,
      }));
    }
    this.informers = [...byScope.values()];
    this.cache = joinCaches(byScope);
  }

  onChange(handler: ChangeHandler<T>): void {
    for (const informer of this.informers) informer.onChange(handler);
  }

  clusterCache(): ClusterObjectCache<T> {
    return { get: (name) => this.cache.get('', name) };
  }
}

export interface ControllerInformers {
  rollouts: InformerGroup<KubeObject>;
  replicaSets: InformerGroup<k8s.V1ReplicaSet>;
  services: InformerGroup<k8s.V1Service>;
  /** discovery.k8s.io/v1 EndpointSlices of Services (those with the service-name label). */
  endpointSlices: InformerGroup<k8s.V1EndpointSlice>;
  /** Pods of Kanary's ReplicaSets only (those with the pod-template-hash label). */
  pods: InformerGroup<k8s.V1Pod>;
  analysisRuns: InformerGroup<KubeObject>;
  analysisTemplates: InformerGroup<KubeObject>;
  clusterAnalysisTemplates: InformerGroup<KubeObject>;
  /** apps/v1 Deployments (spec.workloadRef: the pod template, and the Deployment Kanary scales down). */
  deployments: InformerGroup<k8s.V1Deployment>;
}

/** The core informers: readiness and the workers wait for these, never for the Mapping informers. */
export function createControllerInformers(options: InformerFactoryOptions): ControllerInformers {
  const kanary = (plural: string, clusterScoped = false): ResourceKind => ({ group: KANARY_GROUP, version: KANARY_VERSION, plural, clusterScoped });
  return {
    rollouts: new InformerGroup(options, kanary('rollouts')),
    replicaSets: new InformerGroup(options, { group: 'apps', version: 'v1', plural: 'replicasets', labelSelector: POD_TEMPLATE_HASH_LABEL }),
    services: new InformerGroup(options, { group: '', version: 'v1', plural: 'services' }),
    endpointSlices: new InformerGroup(options, { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', labelSelector: SERVICE_NAME_LABEL }),
    pods: new InformerGroup(options, { group: '', version: 'v1', plural: 'pods', labelSelector: POD_TEMPLATE_HASH_LABEL }),
    analysisRuns: new InformerGroup(options, kanary(ANALYSIS_RUN_PLURAL)),
    analysisTemplates: new InformerGroup(options, kanary(ANALYSIS_TEMPLATE_PLURAL)),
    clusterAnalysisTemplates: new InformerGroup(options, kanary(CLUSTER_ANALYSIS_TEMPLATE_PLURAL, true)),
    deployments: new InformerGroup(options, { group: 'apps', version: 'v1', plural: 'deployments' }),
  };
}

/**
 * The Mapping informers, created once discovery chose the version they read in (the same version
 * the router writes in). They may fail or never sync (CRD deleted, conversion webhook down) without
 * holding anything else up.
 */
export function createMappingInformers(options: InformerFactoryOptions, mappingApiVersion: string): InformerGroup<KubeObject> {
  const version = mappingApiVersion.split('/')[1] ?? '';
  return new InformerGroup(options, { group: AMBASSADOR_GROUP, version, plural: MAPPING_PLURAL });
}

export function allInformers(set: ControllerInformers): ResourceInformer<k8s.KubernetesObject>[] {
  return Object.values(set).flatMap((group: InformerGroup<k8s.KubernetesObject>) => group.informers);
}
