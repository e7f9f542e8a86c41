/**
 * Header and mirror routes (Argo's setHeaderRoute / setMirrorRoute over trafficRouting.managedRoutes),
 * decided from the steps alone: the routes in force at a step are what the route steps up to and
 * including it last set (a step without `match` removes its route). None are in force once aborted,
 * promoted in full or past the last step, as Argo removes its managed routes at the end of a
 * rollout and at abort. The order of managedRoutes is the precedence: the first is tried first.
 */
import type { CanaryStep, HeaderRouteMatch, MirrorRouteMatch, StringMatch } from '../api/rollout.js';

export type ValueMatchType = 'exact' | 'prefix' | 'regex';

/** One value condition, normalised from Argo's StringMatch. */
export interface ValueMatch {
  type: ValueMatchType;
  value: string;
}

export interface HeaderCondition extends ValueMatch {
  /** Lower-case header name. */
  header: string;
}

/** One mirror match entry: every condition given must hold (none: every request of the base route). */
export interface RequestMatch {
  method?: ValueMatch;
  headers: HeaderCondition[];
}

export interface HeaderRoute {
  kind: 'header';
  name: string;
  /** Higher is tried first: managedRoutes.length for the first route, 1 for the last. */
  precedence: number;
  /** All must hold. */
  headers: HeaderCondition[];
}

export interface MirrorRoute {
  kind: 'mirror';
  name: string;
  precedence: number;
  /** Share of the matching requests copied to the canary, 0..100. */
  percentage: number;
  /** Any entry may match. */
  matches: RequestMatch[];
}

export type ManagedRoute = HeaderRoute | MirrorRoute;

/** What the router reports of a route it has set: the fingerprint written with it. */
export interface ObservedRoute {
  name: string;
  kind: ManagedRoute['kind'];
  fingerprint: string;
}

/** The managed route as the router should set it, with the fingerprint it records. */
export type RouteToSet = ManagedRoute & { fingerprint: string };

export interface RoutePosition {
  steps: readonly CanaryStep[];
  stepIndex: number;
  /** managedRoutes names, in order. */
  managedRoutes: readonly string[];
  /** False when aborted, promoted in full, or not progressing: no route is in force. */
  active: boolean;
}

const DEFAULT_MIRROR_PERCENTAGE = 100;

function toValueMatch(match: StringMatch | undefined): ValueMatch | undefined {
  if (match?.exact !== undefined) return { type: 'exact', value: match.exact };
  if (match?.prefix !== undefined) return { type: 'prefix', value: match.prefix };
  if (match?.regex !== undefined) return { type: 'regex', value: match.regex };
  return undefined;
}

function toHeaderCondition(header: string, match: StringMatch | undefined): HeaderCondition[] {
  const value = toValueMatch(match);
  return value === undefined || header === '' ? [] : [{ header: header.toLowerCase(), ...value }];
}

function headerConditions(match: readonly HeaderRouteMatch[]): HeaderCondition[] {
  return match.flatMap((m) => toHeaderCondition(m.headerName ?? '', m.headerValue));
}

function requestMatch(match: MirrorRouteMatch): RequestMatch {
  const method = toValueMatch(match.method);
  const headers = Object.entries(match.headers ?? {}).flatMap(([name, value]) => toHeaderCondition(name, value));
  return method === undefined ? { headers } : { method, headers };
}

type Pending = Map<string, Omit<HeaderRoute, 'precedence'> | Omit<MirrorRoute, 'precedence'>>;

function applyStep(routes: Pending, step: CanaryStep): void {
  const header = step.setHeaderRoute;
  if (header !== undefined) {
    if (header.match === undefined) routes.delete(header.name);
    else routes.set(header.name, { kind: 'header', name: header.name, headers: headerConditions(header.match) });
  }
  const mirror = step.setMirrorRoute;
  if (mirror !== undefined) {
    if (mirror.match === undefined) routes.delete(mirror.name);
    else routes.set(mirror.name, { kind: 'mirror', name: mirror.name, percentage: mirror.percentage ?? DEFAULT_MIRROR_PERCENTAGE, matches: mirror.match.map(requestMatch) });
  }
}

/** The routes in force at a position, in precedence order (highest first). */
export function computeDesiredRoutes(p: RoutePosition): ManagedRoute[] {
  if (!p.active || p.stepIndex >= p.steps.length) return [];
  const pending: Pending = new Map();
  for (let i = 0; i <= p.stepIndex; i += 1) {
    const step = p.steps[i];
    if (step !== undefined) applyStep(pending, step);
  }
  const count = p.managedRoutes.length;
  return p.managedRoutes.flatMap((name, index) => {
    const route = pending.get(name);
    return route === undefined ? [] : [{ ...route, precedence: count - index } as ManagedRoute];
  });
}

/** Whether any route step sets a route at or before `stepIndex` (such a step needs a canary pod). */
export function hasRoutesInForce(steps: readonly CanaryStep[], stepIndex: number): boolean {
  const names = [...new Set(steps.flatMap((s) => [s.setHeaderRoute?.name, s.setMirrorRoute?.name]).filter((n): n is string => n !== undefined))];
  return computeDesiredRoutes({ steps, stepIndex, managedRoutes: names, active: true }).length > 0;
}

/** A stable text naming everything the router writes for a route (recorded on its Mappings). */
export function computeRouteFingerprint(route: ManagedRoute): string {
  return JSON.stringify(route);
}

export function withFingerprint(route: ManagedRoute): RouteToSet {
  return { ...route, fingerprint: computeRouteFingerprint(route) };
}

/** True when the router already has exactly these routes. */
export function isSameRouteSet(observed: readonly ObservedRoute[], wanted: readonly RouteToSet[]): boolean {
  if (observed.length !== wanted.length) return false;
  return wanted.every((route) => observed.some((o) => o.name === route.name && o.fingerprint === route.fingerprint));
}
