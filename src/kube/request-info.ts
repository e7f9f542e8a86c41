/**
 * Derives the Kubernetes verb and resource of an API request from its HTTP method and URL, the way
 * the API server's RequestInfoFactory does, for request metrics.
 */

export interface RequestInfo {
  /** get | list | watch | create | update | patch | delete | deletecollection (lowercase method otherwise). */
  verb: string;
  /** The plural, with the subresource when there is one (`rollouts/status`); `` for non-resource URLs. */
  resource: string;
}

/** Subresources of a Namespace that the namespaced-path rule must not mistake for a resource. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function pathSegments(url: string): { segments: string[]; isWatch: boolean } {
  const parsed = new URL(url, 'http://localhost');
  const isWatch = ['true', '1'].includes(parsed.searchParams.get('watch') ?? '');
  return { segments: parsed.pathname.split('/').filter((s) => s.length > 0), isWatch };
}

/** The segments after `/api/v1` or `/apis/<group>/<version>`, or undefined for non-resource paths. */
function resourceSegments(segments: string[]): string[] | undefined {
  const apiIndex = segments.findIndex((s) => s === 'api' || s === 'apis');
  if (apiIndex < 0) return undefined;
  const prefixLength = segments[apiIndex] === 'api' ? 2 : 3;
  const rest = segments.slice(apiIndex + prefixLength);
  return rest.length > 0 ? rest : undefined;
}

/** Drops the `namespaces/<ns>` prefix of namespaced paths (keeping Namespace's own subresources). */
function stripNamespace(parts: string[]): string[] {
  if (parts[0] !== 'namespaces' || parts.length < 3) return parts;
  const next = parts[2] ?? '';
  return NAMESPACE_SUBRESOURCES.has(next) ? parts : parts.slice(2);
}

function verbFor(method: string, hasName: boolean, isWatch: boolean): string {
  switch (method.toUpperCase()) {
    case 'GET':
      if (isWatch) return 'watch';
      return hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

export function describeRequest(method: string, url: string): RequestInfo {
  const { segments, isWatch: watchParam } = pathSegments(url);
  let rest = resourceSegments(segments);
  if (!rest) return { verb: method.toLowerCase(), resource: '' };
  const legacyWatch = rest[0] === 'watch';
  if (legacyWatch) rest = rest.slice(1);
  const parts = stripNamespace(rest);
  const [resource = '', name, subresource] = parts;
  return {
    verb: verbFor(method, name !== undefined, watchParam || legacyWatch),
    resource: subresource ? `${resource}/${subresource}` : resource,
  };
}
