/**
 * Where the edge proxy learns Mappings and endpoints: the Kubernetes API (kube-routing-source.ts)
 * or, in tests, a static source set by hand.
 */
import type { Endpoint } from './endpoint-resolve.js';

export type RoutingChange = 'mappings' | 'hosts' | 'endpoints';

export interface ServiceKey {
  name: string;
  namespace: string;
  port: number;
}

export interface RoutingSource {
  /** Starts watching; resolves once the initial state is known. `onChange` runs after each change. */
  start(onChange: (change: RoutingChange) => void): Promise<void>;
  stop(): Promise<void>;
  /** Raw Mapping objects (any served apiVersion), one per namespace/name. */
  listMappings(): unknown[];
  /** Raw getambassador.io Host objects (empty when Hosts are not served). */
  listHosts(): unknown[];
  /** Ready endpoints behind a Service port; empty when unknown. */
  resolveEndpoints(service: ServiceKey): Endpoint[];
}

export interface StaticRoutingSource extends RoutingSource {
  setMappings(mappings: unknown[]): void;
  setHosts(hosts: unknown[]): void;
  /** Endpoints by `namespace/name:port`. */
  setEndpoints(key: string, endpoints: Endpoint[]): void;
}

/** A hand-driven source: tests change Mappings and endpoints and the proxy follows. */
export function createStaticRoutingSource(
  initial: { mappings?: unknown[]; hosts?: unknown[]; endpoints?: Record<string, Endpoint[]> } = {},
): StaticRoutingSource {
  let mappings = initial.mappings ?? [];
  let hosts = initial.hosts ?? [];
  const endpoints = new Map(Object.entries(initial.endpoints ?? {}));
  let listener: ((change: RoutingChange) => void) | undefined;
  return {
    start(onChange) {
      listener = onChange;
      return Promise.resolve();
    },
    stop() {
      listener = undefined;
      return Promise.resolve();
    },
    listMappings: () => mappings,
    listHosts: () => hosts,
    resolveEndpoints: (s) => endpoints.get(`${s.namespace}/${s.name}:${s.port}`) ?? [],
    setMappings(next) {
      mappings = next;
      listener?.('mappings');
    },
    setHosts(next) {
      hosts = next;
      listener?.('hosts');
    },
    setEndpoints(key, list) {
      endpoints.set(key, list);
      listener?.('endpoints');
    },
  };
}
