/**
 * The edge proxy's routing table: Mappings grouped and split by weight, groups in route order.
 * A group that Emissary would reject (weights over 100) keeps the routing it had in the previous
 * table, as Emissary keeps its last good configuration; a new group that is rejected gets no route.
 */
import { buildEnvoyClusterName } from './cluster-name.js';
import type { EdgeMapping } from './edge-mapping.js';
import { type HostSelector, buildMappingGroups } from './mapping-groups.js';
import { matchesRequest, rewriteUrl, type RequestInfo } from './route-match.js';
import { resolveServiceTarget, type ServiceTarget } from './service-ref.js';
import { computeWeightSplit, pickByPercent } from './weight-split.js';

export interface RouteEntry {
  mapping: EdgeMapping;
  /** Share of the group's requests, 0..100. */
  percent: number;
  clusterName: string;
  /** undefined when the service text cannot be parsed: such a route answers 503. */
  target: ServiceTarget | undefined;
}

export interface RouteGroup {
  key: string;
  entries: RouteEntry[];
  /** The group's shadow Mapping (Emissary takes one per group): `percent` of its requests are copied to it. */
  shadow?: RouteEntry;
}

export interface RoutingTable {
  groups: RouteGroup[];
}

export interface RoutingProblem {
  /** The group key, or the Mapping key for a Mapping problem. */
  key: string;
  mappings: string[];
  message: string;
  keptPrevious: boolean;
}

export interface BuildRoutingTableInput {
  mappings: EdgeMapping[];
  previous?: RoutingTable | undefined;
  /** Emissary's own namespace: service names are qualified outside it (cluster names). */
  ambassadorNamespace: string;
  /** Only Mappings whose ambassador_id lists this id are used (Emissary's default: `default`). */
  ambassadorId: string;
  /** The Hosts' mappingSelectors (they take part in grouping host-less Mappings). */
  hosts?: readonly HostSelector[];
}

export interface RoutingTableResult {
  table: RoutingTable;
  problems: RoutingProblem[];
}

export const emptyRoutingTable: RoutingTable = { groups: [] };

function buildEntry(mapping: EdgeMapping, percent: number, ambassadorNamespace: string): RouteEntry {
  const clusterName = buildEnvoyClusterName({
    service: mapping.service,
    mappingNamespace: mapping.namespace,
    ambassadorNamespace,
    ...(mapping.statsName !== undefined ? { statsName: mapping.statsName } : {}),
  });
  return { mapping, percent, clusterName, target: resolveServiceTarget(mapping.service, mapping.namespace) };
}

export function buildRoutingTable(input: BuildRoutingTableInput): RoutingTableResult {
  const previous = new Map((input.previous?.groups ?? []).map((g) => [g.key, g]));
  const mine = input.mappings.filter((m) => m.ambassadorIds.includes(input.ambassadorId));
  const groups: RouteGroup[] = [];
  const problems: RoutingProblem[] = [];
  for (const group of buildMappingGroups(mine, input.hosts ?? [])) {
    const routed = group.mappings.filter((m) => !m.shadow);
    const shadows = group.mappings.filter((m) => m.shadow);
    problems.push(...shadowProblems(group.key, routed, shadows));
    if (routed.length === 0) continue;
    const split = computeWeightSplit(routed.map((m) => ({ name: m.key, weight: m.weight })));
    if (split.ok) {
      const entries = routed.map((m, i) => buildEntry(m, split.percents[i] ?? 0, input.ambassadorNamespace));
      const shadow = shadows[0];
      groups.push(shadow ? { key: group.key, entries, shadow: buildEntry(shadow, shadowPercent(shadow), input.ambassadorNamespace) } : { key: group.key, entries });
      continue;
    }
    const kept = previous.get(group.key);
    if (kept) groups.push(kept);
    problems.push({ key: group.key, mappings: group.mappings.map((m) => m.key), message: split.error, keptPrevious: kept !== undefined });
  }
  return { table: { groups }, problems };
}

/** A shadow's `weight` is the share of the group's requests it gets a copy of (all without one). */
function shadowPercent(mapping: EdgeMapping): number {
  return Math.min(100, Math.max(0, mapping.weight ?? 100));
}

/** Emissary keeps the first shadow of a group and refuses the others; a group of shadows only routes nothing. */
function shadowProblems(key: string, routed: EdgeMapping[], shadows: EdgeMapping[]): RoutingProblem[] {
  const problems: RoutingProblem[] = [];
  const [first, ...extra] = shadows;
  if (first && extra.length > 0) {
    problems.push({ key: `${key}#shadows`, mappings: shadows.map((m) => m.key), message: `cannot accept ${extra.map((m) => m.key).join(', ')} as second shadow after ${first.key}`, keptPrevious: false });
  }
  if (first && routed.length === 0) {
    problems.push({ key: `${key}#shadows`, mappings: shadows.map((m) => m.key), message: 'a group of shadow Mappings only has no route to shadow', keptPrevious: false });
  }
  return problems;
}

export interface SelectedRoute {
  group: RouteGroup;
  entry: RouteEntry;
  /** The URL to send upstream (prefix rewritten). */
  upstreamUrl: string;
  /** Where a copy of the request goes (its answer discarded), when the group has a shadow and the draw falls in its share. */
  shadow?: { entry: RouteEntry; upstreamUrl: string };
}

/**
 * The route for a request. `draw` in [0, 100) is drawn once per request and reused across groups,
 * as Envoy evaluates runtime fractions: a draw past a group's total falls through to the next group.
 * `shadowDraw` gives a number in [0, 100), drawn only for a group with a shadow (Envoy's mirror policy
 * has its own runtime fraction): the request is copied to the shadow when it falls below its share.
 */
export function selectRoute(table: RoutingTable, request: RequestInfo, draw: number, shadowDraw: () => number = () => 0): SelectedRoute | undefined {
  for (const group of table.groups) {
    const first = group.entries[0];
    if (!first || !matchesRequest(first.mapping, request)) continue;
    const index = pickByPercent(group.entries.map((e) => e.percent), draw);
    const entry = index === undefined ? undefined : group.entries[index];
    if (!entry) continue;
    const selected: SelectedRoute = { group, entry, upstreamUrl: rewriteUrl(entry.mapping, request.url) };
    const shadow = group.shadow;
    if (shadow && shadowDraw() < shadow.percent) selected.shadow = { entry: shadow, upstreamUrl: rewriteUrl(shadow.mapping, request.url) };
    return selected;
  }
  return undefined;
}
