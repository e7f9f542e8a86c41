/**
 * A Mapping's `service` (`[scheme://]name[.namespace][:port]`) as Emissary reads it: the scheme
 * picks TLS origination (ignored here: the sandbox only speaks plain HTTP), a bare name is
 * qualified with the Mapping's namespace, and a missing port means 80 (443 for https).
 */
import { parseServiceRef } from '../../api/mapping.js';

export interface ParsedService {
  /** Lower-case scheme without `://`, when one was given. */
  scheme?: string;
  /** Host as written: `name`, `name.namespace`, `name.namespace.svc.cluster.local`, an IP... */
  host: string;
  port?: number;
}

/** Where a Mapping sends traffic once qualified. */
export type ServiceTarget =
  | { kind: 'service'; name: string; namespace: string; port: number }
  | { kind: 'address'; host: string; port: number };

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const HOSTNAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

/**
 * Parses `[scheme://]host[:port]` with the project's parseServiceRef (src/api/mapping.ts);
 * undefined when the text has another shape or the port is out of range.
 */
export function parseService(service: string): ParsedService | undefined {
  const ref = parseServiceRef(service);
  if (!ref) return undefined;
  const host = ref.namespace ? `${ref.name}.${ref.namespace}` : ref.name;
  if (!HOSTNAME.test(host)) return undefined;
  const parsed: ParsedService = { host };
  if (ref.scheme) parsed.scheme = ref.scheme.toLowerCase();
  if (ref.port !== undefined) {
    const port = Number(ref.port);
    if (port < 1 || port > 65535) return undefined;
    parsed.port = port;
  }
  return parsed;
}

function isAddress(host: string): boolean {
  return IPV4.test(host) || host === 'localhost';
}

function defaultPort(parsed: ParsedService): number {
  return parsed.port ?? (parsed.scheme === 'https' ? 443 : 80);
}

/**
 * The Service (or literal address) a Mapping in `mappingNamespace` sends traffic to.
 * `name.namespace[.svc[.cluster.local]]` names a Service in another namespace.
 */
export function resolveServiceTarget(service: string, mappingNamespace: string): ServiceTarget | undefined {
  const parsed = parseService(service);
  if (!parsed) return undefined;
  const port = defaultPort(parsed);
  if (isAddress(parsed.host)) return { kind: 'address', host: parsed.host, port };
  const [name, namespace] = parsed.host.split('.');
  if (!name) return undefined;
  return { kind: 'service', name, namespace: namespace || mappingNamespace, port };
}

export interface QualifyOptions {
  service: string;
  mappingNamespace: string;
  /** The namespace Emissary itself runs in (its AMBASSADOR_NAMESPACE). */
  ambassadorNamespace: string;
}

/**
 * Emissary >= 2 rewrites an unqualified service name of a Mapping outside its own namespace to
 * `name.namespace` (keeping scheme and port) before it names clusters and stats after it.
 */
export function qualifyService(options: QualifyOptions): string {
  const { service, mappingNamespace, ambassadorNamespace } = options;
  const parsed = parseService(service);
  if (!parsed) return service.trim();
  const qualified = parsed.host.includes('.') || parsed.host === 'localhost';
  const host = qualified || mappingNamespace === ambassadorNamespace || mappingNamespace === ''
    ? parsed.host
    : `${parsed.host}.${mappingNamespace}`;
  const scheme = parsed.scheme ? `${parsed.scheme}://` : '';
  const port = parsed.port !== undefined ? `:${parsed.port}` : '';
  return `${scheme}${host}${port}`;
}

/** A stable key for one target, used to keep round-robin positions and caches. */
export function serviceTargetKey(target: ServiceTarget): string {
  return target.kind === 'service'
    ? `svc/${target.namespace}/${target.name}:${target.port}`
    : `addr/${target.host}:${target.port}`;
}
