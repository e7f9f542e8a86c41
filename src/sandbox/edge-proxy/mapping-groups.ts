/**
 * Emissary groups HTTP Mappings by their match criteria (IRHTTPMapping._group_id, Emissary 3.10):
 * the method (default GET); the prefix (or prefix_regex, the same string); the headers — exact and
 * presence matches, regex matches, then an `:authority` made from `hostname` or else `host`
 * (hostname wins) and `:method` —, each by name and value; the query parameters; for a Mapping
 * without a (non-regex) host, the labels of every Host `mappingSelector.matchLabels` its metadata
 * labels satisfy (since 3.8); and a non-zero precedence. The Mappings of a group split its traffic
 * by weight; a Mapping in another group gets none of it. Groups are tried in descending route
 * weight: precedence, then prefix length, then the length of header matches, then the prefix and
 * method themselves.
 */
import type { EdgeMapping, HeaderMatch } from './edge-mapping.js';

export interface MappingGroup {
  /** Identical for every Mapping with the same match criteria. */
  key: string;
  /** The Mappings of the group, ordered by namespace/name. */
  mappings: EdgeMapping[];
}

/** What the edge proxy uses of a getambassador.io Host: its `mappingSelector.matchLabels`. */
export interface HostSelector {
  /** `namespace/name`, for messages. */
  key: string;
  matchLabels: Record<string, string>;
}

/** The `:authority` match Emissary adds: `hostname` (a glob) wins over `host` (exact or regex). */
export function computeAuthority(mapping: EdgeMapping): HeaderMatch | undefined {
  if (mapping.hostname !== undefined && mapping.hostname !== '') return { name: ':authority', value: mapping.hostname, regex: false };
  if (mapping.host !== undefined && mapping.host !== '') return { name: ':authority', value: mapping.host, regex: mapping.hostRegex };
  return undefined;
}

function idPart(match: HeaderMatch): string[] {
  return match.value === undefined ? [match.name] : [match.name, match.value];
}

function sortedParts(matches: HeaderMatch[]): string[][] {
  return matches.map(idPart).sort((a, b) => compareValues(a.join('\u0000'), b.join('\u0000')));
}

/** The header part of the group id, in Emissary's order: exact, regex, :authority, :method. */
function headerParts(mapping: EdgeMapping): string[][] {
  const parts = [
    ...sortedParts(mapping.headers.filter((h) => !h.regex)),
    ...sortedParts(mapping.headers.filter((h) => h.regex)),
  ];
  const authority = computeAuthority(mapping);
  if (authority) parts.push(idPart(authority));
  if (mapping.method !== undefined) parts.push([':method', mapping.method]);
  return parts;
}

function selectorMatches(selector: HostSelector, labels: Record<string, string>): boolean {
  const wanted = Object.entries(selector.matchLabels);
  return wanted.length > 0 && wanted.every(([key, value]) => labels[key] === value);
}

/** The matchLabels of every Host that selects the Mapping, when the Mapping has no exact host. */
function hostSelectorParts(mapping: EdgeMapping, hosts: readonly HostSelector[]): string[][] {
  const authority = computeAuthority(mapping);
  if (authority && !authority.regex) return [];
  return hosts
    .filter((host) => selectorMatches(host, mapping.labels))
    .flatMap((host) => Object.entries(host.matchLabels));
}

/** The group identity of a Mapping (given the Hosts whose mappingSelector may select it). */
export function computeGroupKey(mapping: EdgeMapping, hosts: readonly HostSelector[] = []): string {
  return JSON.stringify([
    mapping.method ?? 'GET',
    mapping.prefix,
    headerParts(mapping),
    sortedParts(mapping.queryParameters),
    hostSelectorParts(mapping, hosts),
    mapping.precedence === 0 ? null : mapping.precedence,
  ]);
}

function matchLength(match: HeaderMatch): number {
  return match.name.length + (match.value ?? '*').length + (match.regex ? 1 : 0);
}

function headersLength(mapping: EdgeMapping): number {
  let total = mapping.headers.reduce((sum, h) => sum + matchLength(h), 0);
  const authority = computeAuthority(mapping);
  if (authority) total += matchLength(authority);
  if (mapping.method !== undefined) total += matchLength({ name: ':method', value: mapping.method, regex: mapping.methodRegex });
  return total;
}

/** Emissary's route weight; larger sorts first. */
export function computeRouteWeight(mapping: EdgeMapping): Array<number | string> {
  return [
    mapping.precedence,
    mapping.prefix.length,
    headersLength(mapping),
    mapping.queryParameters.reduce((sum, q) => sum + matchLength(q), 0),
    mapping.prefix,
    mapping.method ?? 'GET',
  ];
}

function compareValues(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = String(a);
  const right = String(b);
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

/** Negative when `a` must be tried before `b`. */
export function compareRouteWeights(a: Array<number | string>, b: Array<number | string>): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const diff = compareValues(b[i] ?? '', a[i] ?? '');
    if (diff !== 0) return diff;
  }
  return 0;
}

/** Groups Mappings and orders the groups as Emissary orders their routes. */
export function buildMappingGroups(mappings: EdgeMapping[], hosts: readonly HostSelector[] = []): MappingGroup[] {
  const byKey = new Map<string, EdgeMapping[]>();
  for (const mapping of mappings) {
    const key = computeGroupKey(mapping, hosts);
    byKey.set(key, [...(byKey.get(key) ?? []), mapping]);
  }
  const groups = [...byKey.entries()].map(([key, members]) => ({
    key,
    mappings: [...members].sort((a, b) => compareValues(a.key, b.key)),
  }));
  return groups.sort((a, b) => {
    const first = a.mappings[0];
    const second = b.mappings[0];
    const byWeight = first && second ? compareRouteWeights(computeRouteWeight(first), computeRouteWeight(second)) : 0;
    return byWeight !== 0 ? byWeight : compareValues(a.key, b.key);
  });
}
