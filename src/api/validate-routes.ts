/**
 * The rules for header and mirror routes (Argo's `setHeaderRoute`, `setMirrorRoute` and
 * `trafficRouting.managedRoutes`) that the schema cannot express. Read from the document as
 * written, like the other semantic rules: a field of the wrong shape is the schema's to report.
 */
import { RE2JS } from 're2js';
import type { Problem } from './problems.js';

const CANARY = 'spec.strategy.canary';
const MANAGED_ROUTES = `${CANARY}.trafficRouting.managedRoutes`;
/** A route name becomes part of Mapping names: a DNS label. */
const ROUTE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ROUTE_NAME_MAX = 63;
const MATCH_KINDS = ['exact', 'prefix', 'regex'] as const;

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkRouteName(name: unknown, path: string): Problem[] {
  if (typeof name !== 'string' || name === '') return [];
  if (name.length <= ROUTE_NAME_MAX && ROUTE_NAME.test(name)) return [];
  return [{ path, message: `"${name}" is not a valid route name: Kanary names Mappings after it, so use at most ${ROUTE_NAME_MAX} lower-case letters, digits and '-', starting and ending with a letter or digit.` }];
}

function managedRouteNames(trafficRouting: unknown): string[] {
  const routes = isFields(trafficRouting) ? trafficRouting.managedRoutes : undefined;
  if (!Array.isArray(routes)) return [];
  return routes.map((r) => (isFields(r) && typeof r.name === 'string' ? r.name : '')).filter((n) => n !== '');
}

function checkManagedRoutes(trafficRouting: unknown): Problem[] {
  const routes = isFields(trafficRouting) ? trafficRouting.managedRoutes : undefined;
  if (!Array.isArray(routes)) return [];
  const seen = new Set<string>();
  const problems: Problem[] = [];
  routes.forEach((route, index) => {
    const name = isFields(route) ? route.name : undefined;
    const path = `${MANAGED_ROUTES}[${index}].name`;
    problems.push(...checkRouteName(name, path));
    if (typeof name === 'string' && seen.has(name)) problems.push({ path, message: `"${name}" is listed twice: each managed route has one name.` });
    if (typeof name === 'string') seen.add(name);
  });
  return problems;
}

/** Exactly one of exact, prefix, regex (a regex must compile). */
function checkStringMatch(value: unknown, path: string): Problem[] {
  if (value === undefined) return [{ path, message: 'is required: set exactly one of exact, prefix, regex.' }];
  if (!isFields(value)) return [];
  const kinds = MATCH_KINDS.filter((k) => value[k] !== undefined);
  if (kinds.length !== 1) return [{ path, message: 'must set exactly one of exact, prefix, regex.' }];
  return checkRegex(value.regex, `${path}.regex`);
}

/** Envoy matches regex_headers with RE2: a pattern must compile as RE2 (no lookaround, no backreferences). */
function checkRegex(pattern: unknown, path: string): Problem[] {
  if (typeof pattern !== 'string') return [];
  try {
    RE2JS.compile(pattern);
    return [];
  } catch {
    return [{ path, message: `"${pattern}" is not a valid regular expression.` }];
  }
}

function checkMatchList(match: unknown, path: string): Problem[] {
  if (!Array.isArray(match) || match.length > 0) return [];
  return [{ path, message: 'is empty: list at least one match, or leave match out to remove the route.' }];
}

function checkHeaderEntry(entry: unknown, path: string): Problem[] {
  if (!isFields(entry)) return [];
  const missingName = entry.headerName === undefined || entry.headerName === '';
  const nameProblems = missingName ? [{ path: `${path}.headerName`, message: 'is required: a header route matches on a request header.' }] : [];
  return [...nameProblems, ...checkStringMatch(entry.headerValue, `${path}.headerValue`)];
}

function checkHeaderRoute(route: Fields, path: string): Problem[] {
  const match = route.match;
  const entries = Array.isArray(match) ? match.flatMap((entry, i) => checkHeaderEntry(entry, `${path}.match[${i}]`)) : [];
  return [...checkMatchList(match, `${path}.match`), ...entries];
}

function checkMirrorEntry(entry: unknown, path: string): Problem[] {
  if (!isFields(entry)) return [];
  const problems: Problem[] = [];
  if (entry.path !== undefined) {
    problems.push({ path: `${path}.path`, message: 'is not supported by Kanary on Emissary: a mirror copies what the base Mapping\'s prefix matches; narrow it by method or headers.' });
  }
  if (entry.method !== undefined) problems.push(...checkStringMatch(entry.method, `${path}.method`));
  if (isFields(entry.headers)) {
    for (const [name, value] of Object.entries(entry.headers)) problems.push(...checkStringMatch(value, `${path}.headers.${name}`));
  }
  return problems;
}

function checkMirrorRoute(route: Fields, path: string): Problem[] {
  const problems: Problem[] = [];
  const percentage = route.percentage;
  if (typeof percentage === 'number' && (percentage < 0 || percentage > 100)) {
    problems.push({ path: `${path}.percentage`, message: `must be between 0 and 100 (the share of matching requests mirrored), got ${percentage}.` });
  }
  const match = route.match;
  const entries = Array.isArray(match) ? match.flatMap((entry, i) => checkMirrorEntry(entry, `${path}.match[${i}]`)) : [];
  return [...problems, ...checkMatchList(match, `${path}.match`), ...entries];
}

interface RouteContext {
  routed: boolean;
  names: readonly string[];
}

function checkRouteReference(route: Fields, path: string, ctx: RouteContext): Problem[] {
  if (!ctx.routed) return [{ path, message: 'needs spec.strategy.canary.trafficRouting: header and mirror routes are set on the traffic router.' }];
  const name = route.name;
  if (typeof name !== 'string' || name === '' || ctx.names.includes(name)) return [];
  return [{ path: `${path}.name`, message: `"${name}" is not listed in ${MANAGED_ROUTES}: list every route the steps set there (the order is the precedence).` }];
}

function checkStepRoutes(step: unknown, index: number, ctx: RouteContext): Problem[] {
  if (!isFields(step)) return [];
  const path = `${CANARY}.steps[${index}]`;
  const problems: Problem[] = [];
  if (isFields(step.setHeaderRoute)) {
    problems.push(...checkRouteReference(step.setHeaderRoute, `${path}.setHeaderRoute`, ctx), ...checkHeaderRoute(step.setHeaderRoute, `${path}.setHeaderRoute`));
  }
  if (isFields(step.setMirrorRoute)) {
    problems.push(...checkRouteReference(step.setMirrorRoute, `${path}.setMirrorRoute`, ctx), ...checkMirrorRoute(step.setMirrorRoute, `${path}.setMirrorRoute`));
  }
  return problems;
}

/** Problems with managedRoutes and the setHeaderRoute / setMirrorRoute steps of a canary strategy. */
export function routeProblems(canary: Fields): Problem[] {
  const ctx: RouteContext = { routed: canary.trafficRouting !== undefined, names: managedRouteNames(canary.trafficRouting) };
  const steps = Array.isArray(canary.steps) ? canary.steps : [];
  return [...checkManagedRoutes(canary.trafficRouting), ...steps.flatMap((step, index) => checkStepRoutes(step, index, ctx))];
}
