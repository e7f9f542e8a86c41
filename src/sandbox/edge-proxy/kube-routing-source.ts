/**
 * Mappings, Services and EndpointSlices from the Kubernetes API through client-node informers
 * (list, then watch; restarted after an error). Mappings are watched in getambassador.io v2 and
 * v3alpha1 (all namespaces); both views of one object are merged by namespace/name, the newer
 * resourceVersion winning and, at the same resourceVersion (one object converted by Emissary 3's
 * webhook), the v3alpha1 view, which is what Emissary 3 reads. Hosts (v3alpha1, when served) give
 * the mappingSelectors that take part in grouping. EndpointSlices come from discovery.k8s.io/v1.
 */
import * as k8s from '@kubernetes/client-node';
import type { Logger } from '../../telemetry/logger.js';
import { resolveEndpoints, type Endpoint, type EndpointSliceLike, type ServiceLike } from './endpoint-resolve.js';
import type { RoutingChange, RoutingSource, ServiceKey } from './routing-source.js';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const MAPPING_VERSIONS = ['v2', 'v3alpha1'] as const;
const RESTART_DELAY_MS = 1000;

type Obj = k8s.KubernetesObject;
type AnyInformer = k8s.Informer<Obj> & k8s.ObjectCache<Obj>;

interface Watched {
  name: string;
  informer: AnyInformer;
  change: RoutingChange;
}

export interface KubeRoutingSourceOptions {
  kubeConfig: k8s.KubeConfig;
  logger: Logger;
}

function metaKey(obj: Obj): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

function isNotFound(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 404;
}

function customList(api: k8s.CustomObjectsApi, group: string, version: string, plural: string): k8s.ListPromise<Obj> {
  return () => api.listClusterCustomObject({ group, version, plural }) as Promise<k8s.KubernetesListObject<Obj>>;
}

/** Whether a group/version/plural is served (a 404 on a one-item list means no). */
async function isServed(api: k8s.CustomObjectsApi, group: string, version: string, plural: string): Promise<boolean> {
  try {
    await api.listClusterCustomObject({ group, version, plural, limit: 1 });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

async function buildWatched(kubeConfig: k8s.KubeConfig, logger: Logger): Promise<Watched[]> {
  const custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
  const watched: Watched[] = [];
  for (const version of MAPPING_VERSIONS) {
    if (!(await isServed(custom, 'getambassador.io', version, 'mappings'))) {
      logger.warn('Mapping version not served, not watched', { apiVersion: `getambassador.io/${version}` });
      continue;
    }
    const path = `/apis/getambassador.io/${version}/mappings`;
    watched.push({ name: path, change: 'mappings', informer: k8s.makeInformer(kubeConfig, path, customList(custom, 'getambassador.io', version, 'mappings')) });
  }
  if (await isServed(custom, 'getambassador.io', 'v3alpha1', 'hosts')) {
    const path = '/apis/getambassador.io/v3alpha1/hosts';
    watched.push({ name: path, change: 'hosts', informer: k8s.makeInformer(kubeConfig, path, customList(custom, 'getambassador.io', 'v3alpha1', 'hosts')) });
  }
  const slicePath = '/apis/discovery.k8s.io/v1/endpointslices';
  watched.push({ name: slicePath, change: 'endpoints', informer: k8s.makeInformer(kubeConfig, slicePath, customList(custom, 'discovery.k8s.io', 'v1', 'endpointslices')) });
  const servicesList: k8s.ListPromise<Obj> = () => core.listServiceForAllNamespaces();
  watched.push({ name: '/api/v1/services', change: 'endpoints', informer: k8s.makeInformer(kubeConfig, '/api/v1/services', servicesList) });
  return watched;
}

/** The newer view; at the same resourceVersion the v3alpha1 one. */
function newer(a: Obj, b: Obj): Obj {
  const left = Number(a.metadata?.resourceVersion ?? 0);
  const right = Number(b.metadata?.resourceVersion ?? 0);
  if (left !== right) return right > left ? b : a;
  return b.apiVersion === 'getambassador.io/v3alpha1' ? b : a;
}

function indexSlicesByService(slices: readonly Obj[]): Map<string, EndpointSliceLike[]> {
  const index = new Map<string, EndpointSliceLike[]>();
  for (const slice of slices) {
    const serviceName = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!serviceName) continue;
    const key = `${slice.metadata?.namespace ?? ''}/${serviceName}`;
    index.set(key, [...(index.get(key) ?? []), slice as EndpointSliceLike]);
  }
  return index;
}

class KubeRoutingSource implements RoutingSource {
  private watched: Watched[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private endpointCache = new Map<string, Endpoint[]>();
  private slicesByService: Map<string, EndpointSliceLike[]> | undefined;

  constructor(private readonly options: KubeRoutingSourceOptions) {}

  async start(onChange: (change: RoutingChange) => void): Promise<void> {
    this.watched = await buildWatched(this.options.kubeConfig, this.options.logger);
    for (const entry of this.watched) this.wire(entry, onChange);
    await Promise.all(this.watched.map((entry) => entry.informer.start()));
  }

  private wire(entry: Watched, onChange: (change: RoutingChange) => void): void {
    const changed = (): void => {
      if (entry.change === 'endpoints') this.invalidateEndpoints();
      onChange(entry.change);
    };
    for (const verb of [k8s.ADD, k8s.UPDATE, k8s.DELETE] as const) entry.informer.on(verb, changed);
    entry.informer.on(k8s.ERROR, (err: unknown) => {
      if (this.stopped) return;
      this.options.logger.warn('watch failed, restarting', { resource: entry.name, error: String(err) });
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!this.stopped) entry.informer.start().catch(() => undefined);
      }, RESTART_DELAY_MS);
      this.timers.add(timer);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.watched.map((entry) => entry.informer.stop()));
  }

  listMappings(): unknown[] {
    const byKey = new Map<string, Obj>();
    for (const entry of this.watched) {
      if (entry.change !== 'mappings') continue;
      for (const obj of entry.informer.list()) {
        const seen = byKey.get(metaKey(obj));
        byKey.set(metaKey(obj), seen ? newer(seen, obj) : obj);
      }
    }
    return [...byKey.values()];
  }

  listHosts(): unknown[] {
    return this.watched.filter((entry) => entry.change === 'hosts').flatMap((entry) => entry.informer.list());
  }

  resolveEndpoints(service: ServiceKey): Endpoint[] {
    const key = `${service.namespace}/${service.name}:${service.port}`;
    const cached = this.endpointCache.get(key);
    if (cached) return cached;
    const svc = this.informerFor('/api/v1/services')?.get(service.name, service.namespace) as ServiceLike | undefined;
    const slices = this.slicesIndex().get(`${service.namespace}/${service.name}`) ?? [];
    const endpoints = svc ? resolveEndpoints(svc, slices, service.port) : [];
    this.endpointCache.set(key, endpoints);
    return endpoints;
  }

  private informerFor(name: string): AnyInformer | undefined {
    return this.watched.find((entry) => entry.name === name)?.informer;
  }

  private slicesIndex(): Map<string, EndpointSliceLike[]> {
    if (!this.slicesByService) {
      const slices = this.watched.find((entry) => entry.name.includes('/endpointslices'))?.informer.list() ?? [];
      this.slicesByService = indexSlicesByService(slices);
    }
    return this.slicesByService;
  }

  private invalidateEndpoints(): void {
    this.endpointCache = new Map();
    this.slicesByService = undefined;
  }
}

export function createKubeRoutingSource(options: KubeRoutingSourceOptions): RoutingSource {
  return new KubeRoutingSource(options);
}
