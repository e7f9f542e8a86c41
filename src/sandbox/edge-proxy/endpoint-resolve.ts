/**
 * From a Service port to the ready endpoints behind it, the way kube-proxy (or Emissary's endpoint
 * resolver) sees them: the Service port named by the Mapping, the EndpointSlice port with the same
 * name, and every address of every endpoint whose `conditions.ready` is not false (a pod-network
 * address turned into the loopback address the simulated pod listens on, see pod-network.ts).
 */
import { loopbackAddressOf } from '../pod-network.js';

export interface ServicePortLike {
  name?: string | undefined;
  port: number;
  protocol?: string | undefined;
}

export interface ServiceLike {
  spec?: { ports?: ServicePortLike[] | undefined } | undefined;
}

export interface EndpointSliceLike {
  addressType?: string | undefined;
  endpoints?: Array<{ addresses?: string[] | undefined; conditions?: { ready?: boolean | null | undefined } | undefined }> | undefined;
  ports?: Array<{ name?: string | null | undefined; port?: number | null | undefined; protocol?: string | null | undefined }> | null | undefined;
}

export interface Endpoint {
  host: string;
  port: number;
}

function slicePort(slice: EndpointSliceLike, portName: string): number | undefined {
  const match = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === 'TCP');
  return match?.port ?? undefined;
}

function readyAddresses(slice: EndpointSliceLike): string[] {
  return (slice.endpoints ?? [])
    .filter((e) => e.conditions?.ready !== false)
    .flatMap((e) => e.addresses ?? [])
    .map(loopbackAddressOf);
}

function sliceEndpoints(slice: EndpointSliceLike, portName: string): Endpoint[] {
  if (slice.addressType !== undefined && slice.addressType !== 'IPv4') return [];
  const targetPort = slicePort(slice, portName);
  if (targetPort === undefined) return [];
  return readyAddresses(slice).map((host) => ({ host, port: targetPort }));
}

function compareEndpoints(a: Endpoint, b: Endpoint): number {
  if (a.host !== b.host) return a.host < b.host ? -1 : 1;
  return a.port - b.port;
}

/** Ready endpoints for `servicePort` of a Service, sorted and without duplicates. */
export function resolveEndpoints(service: ServiceLike, slices: EndpointSliceLike[], servicePort: number): Endpoint[] {
  const port = (service.spec?.ports ?? []).find((p) => p.port === servicePort && (p.protocol ?? 'TCP') === 'TCP');
  if (!port) return [];
  const unique = new Map<string, Endpoint>();
  for (const endpoint of slices.flatMap((slice) => sliceEndpoints(slice, port.name ?? ''))) {
    unique.set(`${endpoint.host}:${endpoint.port}`, endpoint);
  }
  return [...unique.values()].sort(compareEndpoints);
}
