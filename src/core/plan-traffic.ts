/**
 * Service selectors and the canary route. A Service moves to a ReplicaSet only when it has available
 * pods; while aborted (and once promoted) the canary Service selects the stable hash. The canary
 * weight rises only for available canary pods, drops to 0 at once on abort or when the canary has
 * no available pods, and a route at weight 0 is removed after the propagation delay (requeue).
 */
import { computeCanaryReplicas, computeDesiredWeight, computeRouterWeight } from './desired-weight.js';
import { computeDesiredRoutes, isSameRouteSet, withFingerprint, type ObservedRoute, type RouteToSet } from './managed-routes.js';
import { addRequeue, findOwnedByHash, isProgressing, type PlanContext, type PlanDraft } from './plan-context.js';
import type { ServiceHashes } from './plan-replica-sets.js';

function hasAvailablePods(ctx: PlanContext, hash: string): boolean {
  return (findOwnedByHash(ctx, hash)?.availableReplicas ?? 0) > 0;
}

function switchable(ctx: PlanContext, observed: string | undefined, target: string): string | undefined {
  return hasAvailablePods(ctx, target) ? target : observed;
}

/** The selector hash each Service will have after this plan. */
export function computeServiceHashes(ctx: PlanContext, draft: PlanDraft): ServiceHashes {
  const { stable, canary } = ctx.snapshot.services;
  const canaryTarget = isProgressing(ctx, draft) && !draft.abort ? ctx.hash : draft.stableHash;
  return {
    stable: stable === undefined ? undefined : switchable(ctx, stable.selectorHash, draft.stableHash),
    canary: canary === undefined ? undefined : switchable(ctx, canary.selectorHash, canaryTarget),
  };
}

type ServiceRole = keyof PlanContext['snapshot']['services'];

/** Points each Service of `roles` at its hash: one selector write and one Event per Service that changes. */
export function planServiceSelectors(ctx: PlanContext, draft: PlanDraft, roles: readonly ServiceRole[], hashes: Partial<Record<ServiceRole, string>>): void {
  for (const role of roles) {
    const service = ctx.snapshot.services[role];
    const hash = hashes[role];
    if (service === undefined || hash === undefined || service.selectorHash === hash) continue;
    draft.actions.push({ type: 'setServiceSelector', role, serviceName: service.name, podTemplateHash: hash });
    draft.actions.push({ type: 'recordEvent', eventType: 'Normal', reason: 'ServiceSelectorUpdated', message: `Switched ${role} Service ${service.name} to ${hash}` });
  }
}

export function planServices(ctx: PlanContext, draft: PlanDraft, hashes: ServiceHashes): void {
  planServiceSelectors(ctx, draft, ['stable', 'canary'], hashes);
}

export function computeWeightToWrite(ctx: PlanContext, draft: PlanDraft, hashes: ServiceHashes): number {
  if (!isProgressing(ctx, draft) || draft.abort) return 0;
  const position = { steps: ctx.steps, stepIndex: draft.stepIndex, aborted: false, promoteFull: draft.promoteFull };
  return computeRouterWeight({
    desiredWeight: computeDesiredWeight(position),
    currentWeight: ctx.routeWeight,
    canaryAvailable: ctx.current?.availableReplicas ?? 0,
    canaryNeeded: computeCanaryReplicas(position, ctx.replicas, ctx.canary.minPodsPerReplicaSet),
    canaryServiceOnCurrent: ctx.snapshot.services.canary === undefined || hashes.canary === ctx.hash,
    canaryEndpointsOnCurrent: endpointsOnlyOn(ctx.snapshot.services.canary?.endpointHashes, ctx.hash),
  });
}

/** True when the endpoints are unknown (no Endpoints object seen) or hold the given hash's pods only. */
function endpointsOnlyOn(endpointHashes: readonly string[] | undefined, hash: string): boolean {
  return endpointHashes === undefined || (endpointHashes.length === 1 && endpointHashes[0] === hash);
}

/** The baseline Mapping does not have the weight to write yet (false without a baseline). */
function isBaselineStale(ctx: PlanContext, baselineWeight: number | undefined): boolean {
  return baselineWeight !== undefined && (ctx.snapshot.traffic?.baselineWeightPercent ?? 0) !== baselineWeight;
}

function planZeroWeight(ctx: PlanContext, draft: PlanDraft, withBaseline: { baselineWeightPercent?: number }): void {
  const route = ctx.snapshot.traffic?.canaryRoute;
  if (route === null || route === undefined) return;
  const since = route.zeroWeightSinceMs;
  if (route.weightPercent !== 0 || since === undefined || isBaselineStale(ctx, withBaseline.baselineWeightPercent)) {
    draft.actions.push({ type: 'setCanaryWeight', weightPercent: 0, ...withBaseline });
    if (route.weightPercent !== 0) {
      draft.actions.push({ type: 'recordEvent', eventType: 'Normal', reason: 'TrafficWeightUpdated', message: `Canary weight ${route.weightPercent} -> 0` });
    }
    addRequeue(draft, ctx.propagationDelayMs);
  } else if (ctx.now - since >= ctx.propagationDelayMs) {
    draft.actions.push({ type: 'removeCanaryRoute' });
    draft.actions.push({ type: 'recordEvent', eventType: 'Normal', reason: 'CanaryMappingDeleted', message: 'Canary route removed after the propagation delay' });
  } else {
    addRequeue(draft, since + ctx.propagationDelayMs - ctx.now);
  }
}

/**
 * The canary weight to write and, with canary.baseline, the baseline's: in the steps the canary
 * waits for the baseline (both arms carry the same share); out of them the baseline has 0.
 */
function computeWeights(ctx: PlanContext, draft: PlanDraft, hashes: ServiceHashes, baseline: BaselineWeight | undefined): { weight: number; baselineWeight?: number } {
  const weight = computeWeightToWrite(ctx, draft, hashes);
  if (baseline === undefined) return { weight };
  return { weight: baseline.inSteps ? Math.min(weight, baseline.weightPercent) : weight, baselineWeight: baseline.weightPercent };
}

/** What planRoute needs of the baseline decision (baseline.ts). */
export interface BaselineWeight {
  inSteps: boolean;
  weightPercent: number;
}

export function planRoute(ctx: PlanContext, draft: PlanDraft, hashes: ServiceHashes, baseline?: BaselineWeight): void {
  if (!ctx.trafficRouted) return;
  const { weight, baselineWeight } = computeWeights(ctx, draft, hashes, baseline);
  const withBaseline = baselineWeight !== undefined ? { baselineWeightPercent: baselineWeight } : {};
  if (weight === 0) {
    planZeroWeight(ctx, draft, withBaseline);
    return;
  }
  const route = ctx.snapshot.traffic?.canaryRoute;
  if (route !== null && route !== undefined && route.weightPercent === weight && !isBaselineStale(ctx, baselineWeight)) return;
  draft.actions.push({ type: 'setCanaryWeight', weightPercent: weight, ...withBaseline });
  draft.actions.push({ type: 'recordEvent', eventType: 'Normal', reason: 'TrafficWeightUpdated', message: `Canary weight ${ctx.routeWeight} -> ${weight}` });
}

/** Header and mirror routes send requests to the canary Service: only while its pods can serve them. */
function isCanaryReadyForRoutes(ctx: PlanContext, hashes: ServiceHashes): boolean {
  const canaryServiceOnCurrent = ctx.snapshot.services.canary === undefined || hashes.canary === ctx.hash;
  return canaryServiceOnCurrent && endpointsOnlyOn(ctx.snapshot.services.canary?.endpointHashes, ctx.hash);
}

/**
 * The routes to have on the router now: those the steps put in force, once the canary has available
 * pods behind its Service; while its Service or endpoints catch up, only those already set are kept;
 * none without available canary pods, when aborted, promoted, or past the last step.
 */
export function computeRoutesToSet(ctx: PlanContext, draft: PlanDraft, hashes: ServiceHashes): RouteToSet[] {
  if (!isProgressing(ctx, draft) || draft.abort || (ctx.current?.availableReplicas ?? 0) === 0) return [];
  const desired = computeDesiredRoutes({
    steps: ctx.steps,
    stepIndex: draft.stepIndex,
    managedRoutes: (ctx.canary.trafficRouting?.managedRoutes ?? []).map((r) => r.name),
    active: !draft.promoteFull,
  }).map(withFingerprint);
  if (isCanaryReadyForRoutes(ctx, hashes)) return desired;
  const observed = observedRoutes(ctx);
  return desired.filter((route) => observed.some((o) => o.name === route.name && o.fingerprint === route.fingerprint));
}

export function observedRoutes(ctx: PlanContext): ObservedRoute[] {
  return ctx.snapshot.traffic?.routes ?? [];
}

export function planManagedRoutes(ctx: PlanContext, draft: PlanDraft, hashes: ServiceHashes): void {
  if (!ctx.trafficRouted) return;
  const routes = computeRoutesToSet(ctx, draft, hashes);
  const observed = observedRoutes(ctx);
  if (isSameRouteSet(observed, routes)) return;
  draft.actions.push({ type: 'setManagedRoutes', routes });
  const names = (list: readonly { name: string }[]) => (list.length === 0 ? 'none' : list.map((r) => r.name).join(', '));
  draft.actions.push({ type: 'recordEvent', eventType: 'Normal', reason: 'TrafficRoutesUpdated', message: `Header/mirror routes ${names(observed)} -> ${names(routes)}` });
}
