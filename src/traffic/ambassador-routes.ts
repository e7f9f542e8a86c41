/**
 * Pure construction of the Mappings behind header and mirror routes (Argo's setHeaderRoute and
 * setMirrorRoute), next to each base Mapping. Each starts as the canary Mapping's copy of the base
 * (every match field, labels, annotations, ownerReference, canary Service, own stats_name) and then:
 *
 * - a header route `<base>-<route>-header` adds the route's header conditions and raises the
 *   precedence above the base's by the route's rank, so Emissary puts it in its own group, tried
 *   before the base group; it has no weight: every matching request goes to the canary;
 * - a mirror route, for each match entry i, `<base>-<route>-mirror-<i>`: a `shadow: true` Mapping
 *   whose `weight` is the mirrored percentage. An entry without conditions shadows the base group
 *   itself (same match fields, so Emissary attaches it to that group's route without it taking part
 *   in the weights). An entry with a method or headers makes its own group, which needs a real
 *   route: `<base>-<route>-mirror-<i>-primary`, a copy of the base (base Service, base stats) with
 *   those conditions and the raised precedence, and the shadow beside it.
 *
 * Emissary's exact `headers` take exact values; a prefix or regex goes to `regex_headers` (RE2,
 * whole-value match, as Envoy applies it).
 */
import { MANAGED_ROUTE_FINGERPRINT_ANNOTATION, MANAGED_ROUTE_LABEL } from '../api/labels.js';
import type { HeaderCondition, ManagedRoute, MirrorRoute, RequestMatch, RouteToSet, ValueMatch } from '../core/managed-routes.js';
import type { OwnerMeta } from '../kube/owner-reference.js';
import { buildCanaryMapping, mappingNameWithSuffix, setStatsNames, type MappingObject } from './ambassador-mapping.js';

export interface RouteMappingInput {
  rollout: OwnerMeta;
  canaryService: string;
  apiVersion: string;
  route: RouteToSet;
}

type Spec = Record<string, unknown>;

function isNarrowing(match: RequestMatch): boolean {
  return match.method !== undefined || match.headers.length > 0;
}

/** The Mapping names a route has next to one base Mapping: shadow first, then its primary if any. */
export function routeMappingNames(baseName: string, route: ManagedRoute): string[] {
  if (route.kind === 'header') return [mappingNameWithSuffix(baseName, `-${route.name}-header`)];
  return route.matches.flatMap((match, i) => {
    const shadow = mappingNameWithSuffix(baseName, `-${route.name}-mirror-${i}`);
    return isNarrowing(match) ? [shadow, mappingNameWithSuffix(baseName, `-${route.name}-mirror-${i}-primary`)] : [shadow];
  });
}

/** Every name a managed route could have next to a base (header, and mirrors up to `maxEntries` entries). */
export function candidateRouteMappingNames(baseName: string, routeName: string, maxEntries: number): string[] {
  const names = [mappingNameWithSuffix(baseName, `-${routeName}-header`)];
  for (let i = 0; i < maxEntries; i += 1) {
    names.push(mappingNameWithSuffix(baseName, `-${routeName}-mirror-${i}`), mappingNameWithSuffix(baseName, `-${routeName}-mirror-${i}-primary`));
  }
  return names;
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** An exact value, or an RE2 whole-value pattern for a prefix or a regex. */
function toPattern(match: ValueMatch): { exact: string } | { regex: string } {
  if (match.type === 'exact') return { exact: match.value };
  return { regex: match.type === 'prefix' ? `${escapeRegex(match.value)}.*` : match.value };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
}

function addHeaders(spec: Spec, headers: readonly HeaderCondition[]): void {
  if (headers.length === 0) return;
  const exact = asRecord(spec['headers']);
  const regex = asRecord(spec['regex_headers']);
  for (const condition of headers) {
    const pattern = toPattern(condition);
    if ('exact' in pattern) exact[condition.header] = pattern.exact;
    else regex[condition.header] = pattern.regex;
  }
  if (Object.keys(exact).length > 0) spec['headers'] = exact;
  if (Object.keys(regex).length > 0) spec['regex_headers'] = regex;
}

function addMethod(spec: Spec, method: ValueMatch | undefined): void {
  if (method === undefined) return;
  const pattern = toPattern(method);
  if ('exact' in pattern) {
    spec['method'] = pattern.exact;
    delete spec['method_regex'];
  } else {
    spec['method'] = pattern.regex;
    spec['method_regex'] = true;
  }
}

function raisePrecedence(spec: Spec, by: number): void {
  const base = typeof spec['precedence'] === 'number' ? spec['precedence'] : 0;
  spec['precedence'] = base + by;
}

function startFrom(base: MappingObject, input: RouteMappingInput, name: string): MappingObject {
  const mapping = buildCanaryMapping(base, { rollout: input.rollout, canaryService: input.canaryService, weightPercent: 0, apiVersion: input.apiVersion });
  const spec: Spec = { ...mapping.spec };
  delete spec['weight'];
  const metadata = mapping.metadata ?? {};
  return {
    ...mapping,
    metadata: {
      ...metadata,
      name,
      labels: { ...metadata.labels, [MANAGED_ROUTE_LABEL]: input.route.name },
      annotations: { ...metadata.annotations, [MANAGED_ROUTE_FINGERPRINT_ANNOTATION]: input.route.fingerprint },
    },
    spec,
  };
}

function buildHeaderMapping(base: MappingObject, baseName: string, input: RouteMappingInput, route: ManagedRoute & { kind: 'header' }): MappingObject {
  const mapping = startFrom(base, input, mappingNameWithSuffix(baseName, `-${route.name}-header`));
  const spec = mapping.spec ?? {};
  addHeaders(spec, route.headers);
  raisePrecedence(spec, route.precedence);
  return mapping;
}

/** The primary route of a narrowed mirror group: the base's Service and stats, with the conditions. */
function buildMirrorPrimary(base: MappingObject, input: RouteMappingInput, name: string, conditions: Spec): MappingObject {
  const mapping = startFrom(base, input, name);
  const spec: Spec = { ...mapping.spec, ...conditions, service: base.spec?.['service'] };
  setStatsNames(spec, base, '');
  return { ...mapping, spec };
}

function buildMirrorMappings(base: MappingObject, baseName: string, input: RouteMappingInput, route: MirrorRoute): MappingObject[] {
  return route.matches.flatMap((match, i) => {
    const shadow = startFrom(base, input, mappingNameWithSuffix(baseName, `-${route.name}-mirror-${i}`));
    const spec = shadow.spec ?? {};
    spec['shadow'] = true;
    spec['weight'] = route.percentage;
    if (!isNarrowing(match)) return [shadow];
    const conditions: Spec = { ...base.spec };
    addMethod(conditions, match.method);
    addHeaders(conditions, match.headers);
    raisePrecedence(conditions, route.precedence);
    const narrowed: Spec = {};
    for (const field of ['method', 'method_regex', 'headers', 'regex_headers', 'precedence']) {
      if (conditions[field] !== undefined) narrowed[field] = conditions[field];
    }
    Object.assign(spec, narrowed);
    return [shadow, buildMirrorPrimary(base, input, mappingNameWithSuffix(baseName, `-${route.name}-mirror-${i}-primary`), narrowed)];
  });
}

/** Every Mapping a route needs next to one base Mapping (pure). */
export function buildRouteMappings(base: MappingObject, input: RouteMappingInput): MappingObject[] {
  const baseName = base.metadata?.name ?? '';
  const { route } = input;
  return route.kind === 'header' ? [buildHeaderMapping(base, baseName, input, route)] : buildMirrorMappings(base, baseName, input, route);
}

/** The route a Mapping was written for, as its fingerprint annotation records it (undefined when unreadable). */
export function readRouteFingerprint(mapping: MappingObject | undefined): { fingerprint: string; route: ManagedRoute } | undefined {
  const fingerprint = mapping?.metadata?.annotations?.[MANAGED_ROUTE_FINGERPRINT_ANNOTATION];
  if (fingerprint === undefined) return undefined;
  try {
    const route = JSON.parse(fingerprint) as ManagedRoute;
    const valid = (route.kind === 'header' && Array.isArray(route.headers)) || (route.kind === 'mirror' && Array.isArray(route.matches));
    return valid ? { fingerprint, route } : undefined;
  } catch {
    return undefined;
  }
}
