/**
 * Emissary groups HTTP Mappings by their match criteria (IRHTTPMapping._group_id: method, default
 * GET; prefix; headers, with `host` as `:authority` and `method` as `:method`; query parameters;
 * precedence), and, since 2.0, hostname. The Mappings of a group split its traffic by weight.
 * Groups are tried in descending route weight: precedence, then prefix length, then the length of
 * header matches, then the prefix and method themselves.
 */
import type { EdgeMapping, HeaderMatch } from './edge-mapping.js';

export interface MappingGroup {
  /** Identical for every Mapping with the same match criteria. */
  key: string;
  /** The Mappings of the group, ordered by namespace/name. */
  mappings: EdgeMapping[];
}

function matchKey(match: HeaderMatch): string {
  return `${match.name}${match.regex ? '~' : '='}${match.value ?? '*'}`;
}

function sortedMatchKeys(matches: HeaderMatch[]): string[] {
  return matches.map(matchKey).sort();
}

/** The group identity of a Mapping. */
export function computeGroupKey(mapping: EdgeMapping): string {
  return JSON.stringify([
    mapping.method ?? 'GET',
    mapping.methodRegex,
    mapping.prefix,
    mapping.prefixRegex,
    mapping.caseSensitive,
    mapping.host ?? null,
    mapping.hostRegex,
    mapping.hostname ?? null,
    sortedMatchKeys(mapping.headers),
    sortedMatchKeys(mapping.queryParameters),
    mapping.precedence,
  ]);
}

function matchLength(match: HeaderMatch): number {
  return match.name.length + (match.value ?? '*').length + (match.regex ? 1 : 0);
}

function headersLength(mapping: EdgeMapping): number {
  let total = mapping.headers.reduce((sum, h) => sum + matchLength(h), 0);
  if (mapping.host !== undefined) total += matchLength({ name: ':authority', value: mapping.host, regex: mapping.hostRegex });
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
export function buildMappingGroups(mappings: EdgeMapping[]): MappingGroup[] {
  const byKey = new Map<string, EdgeMapping[]>();
  for (const mapping of mappings) {
    const key = computeGroupKey(mapping);
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
