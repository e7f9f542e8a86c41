/**
 * Ambassador / Emissary TrafficRouter: manages `<base>-canary` Mappings next to the user's base
 * Mappings. Reads come from an injected informer cache (zero API calls at rest); writes go to the
 * API in the same apiVersion the cache reads (one per controller), only when a field Kanary owns
 * differs from the cached Mapping, keeping the labels and annotations others put on it.
 * A write from a stale cache fails with ConflictError (409: resourceVersion or AlreadyExists) and
 * the controller requeues at once. Weight 0 stamps `kanary.dev/zero-weight-since`; the controller
 * calls removeCanaryRoute once the propagation delay has passed (no sleeping here).
 */
import { AMBASSADOR_GROUP, CANARY_ZERO_SINCE_ANNOTATION, DEFAULT_AMBASSADOR_API_VERSION, MAPPING_PLURAL } from '../api/labels.js';
import { canaryStrategyOf } from '../api/rollout.js';
import type { KubeClients } from '../kube/clients.js';
import { buildDeleteBody } from '../kube/delete-options.js';
import { callKube, NotFoundError } from '../kube/errors.js';
import { isControlledBy } from '../kube/owner-reference.js';
import {
  buildCanaryMapping,
  buildCanaryUpdate,
  canaryMappingName,
  checkMappingPair,
  isSameMapping,
  mappingWeight,
  type MappingObject,
} from './ambassador-mapping.js';
import type { ManagedRoute, ObservedRoute, RouteToSet } from '../core/managed-routes.js';
import { baselineMappingName, buildBaselineMapping, mappingServiceName, summarizeBaselineMappings } from './ambassador-baseline.js';
import { buildRouteMappings, candidateRouteMappingNames, readRouteFingerprint, routeMappingNames } from './ambassador-routes.js';
import type { MappingApiView } from './mapping-api.js';
import {
  TrafficRoutingError,
  type CanaryRouteView,
  type TrafficRollout,
  type TrafficRouter,
  type TrafficView,
} from './traffic-router.js';

/** Read access to Mappings (an informer cache); H5's informer machinery provides it. */
export interface MappingCache {
  get(namespace: string, name: string): MappingObject | undefined;
}

export interface AmbassadorRouterOptions {
  clients: KubeClients;
  cache: MappingCache;
  clock: { now(): number };
  /**
   * The controller's Mapping API: the version the cache reads in (writes use the same) and whether
   * it is usable now. Without it, `defaultApiVersion` is used and assumed usable.
   */
  mappingApi?: MappingApiView;
  defaultApiVersion?: string;
}

interface AmbassadorSettings {
  namespace: string;
  rolloutUid: string | undefined;
  baseNames: string[];
  canaryService: string | undefined;
  /** canary.baseline.service, when the Rollout has a baseline. */
  baselineService: string | undefined;
  apiVersion: string;
  /** The apiVersion the Rollout names (deprecated field), if any. */
  requestedApiVersion: string | undefined;
}

interface MappingPair {
  baseName: string;
  base: MappingObject | undefined;
  canary: MappingObject | undefined;
  baseline: MappingObject | undefined;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const [group = AMBASSADOR_GROUP, version = ''] = apiVersion.split('/');
  return { group, version };
}

function zeroSinceMs(mapping: MappingObject): number | undefined {
  const value = mapping.metadata?.annotations?.[CANARY_ZERO_SINCE_ANNOTATION];
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Combines the owned canary Mappings' weights: the lowest weight, and when it is 0 the latest zero time. */
export function summarizeCanaryMappings(owned: readonly (MappingObject | undefined)[]): CanaryRouteView | null {
  if (!owned.some((m) => m !== undefined)) return null;
  const weights = owned.map((m) => (m ? (mappingWeight(m) ?? 0) : 0));
  const weightPercent = Math.min(...weights);
  if (weightPercent > 0) return { weightPercent };
  const zeroTimes = owned.filter((m): m is MappingObject => m !== undefined).map(zeroSinceMs);
  if (zeroTimes.some((t) => t === undefined)) return { weightPercent };
  return { weightPercent, zeroWeightSinceMs: Math.max(...(zeroTimes as number[])) };
}

function managedRouteNames(rollout: TrafficRollout): string[] {
  return (canaryStrategyOf(rollout).trafficRouting?.managedRoutes ?? []).map((r) => r.name);
}

/** The most match entries any setMirrorRoute step gives this route (how many mirror Mappings it can have per base). */
function maxMirrorEntries(rollout: TrafficRollout, routeName: string): number {
  const steps = canaryStrategyOf(rollout).steps ?? [];
  return steps.reduce((max, step) => (step.setMirrorRoute?.name === routeName ? Math.max(max, step.setMirrorRoute.match?.length ?? 0) : max), 0);
}

export class AmbassadorTrafficRouter implements TrafficRouter {
  constructor(private readonly options: AmbassadorRouterOptions) {}

  observe(rollout: TrafficRollout): TrafficView {
    const settings = this.settings(rollout);
    const owned = this.pairs(settings).map((pair) => (this.isOwned(pair.canary, settings) ? pair.canary : undefined));
    const routes = this.observeRoutes(rollout, settings);
    const baselineWeightPercent = summarizeBaselineMappings(this.pairs(settings).map((pair) => (this.isOwned(pair.baseline, settings) ? pair.baseline : undefined)));
    return {
      canaryRoute: summarizeCanaryMappings(owned),
      ...(routes.length > 0 ? { routes } : {}),
      ...(baselineWeightPercent !== undefined ? { baselineWeightPercent } : {}),
    };
  }

  /** Each managed route with Mappings of this Rollout; a route whose Mappings disagree gets an empty fingerprint (rewritten). */
  private observeRoutes(rollout: TrafficRollout, settings: AmbassadorSettings): ObservedRoute[] {
    const observed: ObservedRoute[] = [];
    for (const routeName of managedRouteNames(rollout)) {
      const found = this.ownedRouteMappings(settings, routeName, maxMirrorEntries(rollout, routeName));
      if (found.length === 0) continue;
      const recorded = readRouteFingerprint(found[0]);
      const consistent = recorded !== undefined && this.isCompleteRoute(settings, found, recorded);
      observed.push({ name: routeName, kind: recorded?.route.kind ?? 'header', fingerprint: consistent ? recorded.fingerprint : '' });
    }
    return observed;
  }

  private isCompleteRoute(settings: AmbassadorSettings, found: readonly MappingObject[], recorded: { fingerprint: string; route: ManagedRoute }): boolean {
    const expected = settings.baseNames.flatMap((baseName) => routeMappingNames(baseName, recorded.route));
    const byName = new Map(found.map((m) => [m.metadata?.name ?? '', m]));
    return found.length === expected.length && expected.every((name) => readRouteFingerprint(byName.get(name))?.fingerprint === recorded.fingerprint);
  }

  private ownedRouteMappings(settings: AmbassadorSettings, routeName: string, maxEntries: number): MappingObject[] {
    const names = settings.baseNames.flatMap((baseName) => candidateRouteMappingNames(baseName, routeName, maxEntries));
    return names
      .map((name) => this.options.cache.get(settings.namespace, name))
      .filter((m): m is MappingObject => this.isOwned(m, settings));
  }

  validate(rollout: TrafficRollout): string[] {
    const settings = this.settings(rollout);
    if (settings.baseNames.length === 0) return [];
    const problems = settings.canaryService ? [] : ['spec.strategy.canary.canaryService is required with Ambassador traffic routing'];
    const apiProblem = this.options.mappingApi?.problem();
    if (apiProblem !== undefined) return [...problems, apiProblem];
    if (settings.requestedApiVersion !== undefined && settings.requestedApiVersion !== settings.apiVersion) {
      problems.push(
        `spec.strategy.canary.trafficRouting.ambassador.apiVersion is ${settings.requestedApiVersion}, but this controller reads and writes every Mapping in ${settings.apiVersion}; remove the field (one Mapping apiVersion per controller, chosen with --ambassador-api-version)`,
      );
    }
    for (const pair of this.pairs(settings)) {
      problems.push(...checkMappingPair({ ...pair, namespace: settings.namespace, rolloutUid: settings.rolloutUid }));
      if (pair.baseline !== undefined && !this.isOwned(pair.baseline, settings)) {
        problems.push(`Mapping ${settings.namespace}/${baselineMappingName(pair.baseName)} exists and is not owned by this Rollout; Kanary will not adopt or modify it`);
      }
    }
    return problems;
  }

  async setCanaryWeight(rollout: TrafficRollout, weightPercent: number, baselineWeightPercent?: number): Promise<void> {
    const problems = this.validate(rollout);
    if (problems.length > 0) throw new TrafficRoutingError(problems);
    const settings = this.settings(rollout);
    for (const pair of this.pairs(settings)) {
      // The weight that goes down is written first: a group whose weights sum over 100 is rejected.
      const baselineFirst = baselineWeightPercent !== undefined && baselineWeightPercent < (pair.baseline ? (mappingWeight(pair.baseline) ?? 0) : 0);
      if (baselineFirst) await this.writeBaseline({ rollout, settings, pair, weightPercent: baselineWeightPercent });
      await this.writeCanary({ rollout, settings, pair, weightPercent });
      if (baselineWeightPercent !== undefined && !baselineFirst) await this.writeBaseline({ rollout, settings, pair, weightPercent: baselineWeightPercent });
    }
  }

  async removeCanaryRoute(rollout: TrafficRollout): Promise<void> {
    const settings = this.settings(rollout);
    for (const pair of this.pairs(settings)) {
      if (pair.baseline && this.isOwned(pair.baseline, settings)) await this.deleteCanary(settings, pair.baseline);
      if (pair.canary && this.isOwned(pair.canary, settings)) await this.deleteCanary(settings, pair.canary);
    }
  }

  /** The baseline Mapping at this weight; none is created at weight 0. */
  private async writeBaseline(write: { rollout: TrafficRollout; settings: AmbassadorSettings; pair: MappingPair; weightPercent: number }): Promise<void> {
    const { rollout, settings, pair, weightPercent } = write;
    const live = this.isOwned(pair.baseline, settings) ? pair.baseline : undefined;
    const baselineService = settings.baselineService ?? mappingServiceName(live);
    if (!pair.base || baselineService === undefined || (live === undefined && weightPercent === 0)) return;
    const desired = buildBaselineMapping(pair.base, {
      rollout,
      baselineService,
      weightPercent,
      apiVersion: settings.apiVersion,
      zeroWeightSince: this.zeroWeightSince(live, weightPercent),
    });
    desired.metadata = { ...desired.metadata, namespace: settings.namespace };
    if (!live) await this.createCanary(settings, desired);
    else if (!isSameMapping(desired, live)) await this.replaceCanary(settings, desired, live);
  }

  async setManagedRoutes(rollout: TrafficRollout, routes: readonly RouteToSet[]): Promise<void> {
    const settings = this.settings(rollout);
    if (routes.length > 0) {
      const problems = this.validate(rollout);
      if (problems.length > 0) throw new TrafficRoutingError(problems);
    }
    const desired = this.pairs(settings).flatMap((pair) => routes.flatMap((route) => this.buildRoute(settings, rollout, pair, route)));
    for (const mapping of desired) await this.writeRouteMapping(settings, mapping);
    await this.deleteRoutesExcept(rollout, settings, new Set(desired.map((m) => m.metadata?.name ?? '')));
  }

  /** Deletes this Rollout's route Mappings whose names are not wanted. */
  private async deleteRoutesExcept(rollout: TrafficRollout, settings: AmbassadorSettings, wanted: ReadonlySet<string>): Promise<void> {
    for (const routeName of managedRouteNames(rollout)) {
      for (const live of this.ownedRouteMappings(settings, routeName, maxMirrorEntries(rollout, routeName))) {
        if (!wanted.has(live.metadata?.name ?? '')) await this.deleteCanary(settings, live);
      }
    }
  }

  private buildRoute(settings: AmbassadorSettings, rollout: TrafficRollout, pair: MappingPair, route: RouteToSet): MappingObject[] {
    if (!pair.base) throw new TrafficRoutingError([`Mapping ${settings.namespace}/${pair.baseName} not found`]);
    const built = buildRouteMappings(pair.base, { rollout, canaryService: settings.canaryService ?? '', apiVersion: settings.apiVersion, route });
    return built.map((m) => ({ ...m, metadata: { ...m.metadata, namespace: settings.namespace } }));
  }

  private async writeRouteMapping(settings: AmbassadorSettings, desired: MappingObject): Promise<void> {
    const name = desired.metadata?.name ?? '';
    const live = this.options.cache.get(settings.namespace, name);
    if (live === undefined) {
      await this.createCanary(settings, desired);
      return;
    }
    if (!this.isOwned(live, settings)) {
      throw new TrafficRoutingError([`Mapping ${settings.namespace}/${name} exists and is not owned by this Rollout; Kanary will not adopt or modify it`]);
    }
    if (!isSameMapping(desired, live)) await this.replaceCanary(settings, desired, live);
  }

  private settings(rollout: TrafficRollout): AmbassadorSettings {
    const canary = canaryStrategyOf(rollout);
    const ambassador = canary.trafficRouting?.ambassador;
    return {
      namespace: rollout.metadata.namespace ?? 'default',
      rolloutUid: rollout.metadata.uid,
      baseNames: ambassador?.mappings ?? [],
      canaryService: canary.canaryService,
      baselineService: canary.baseline?.service,
      apiVersion: this.options.mappingApi?.apiVersion() ?? this.options.defaultApiVersion ?? DEFAULT_AMBASSADOR_API_VERSION,
      requestedApiVersion: ambassador?.apiVersion,
    };
  }

  private pairs(settings: AmbassadorSettings): MappingPair[] {
    const { cache } = this.options;
    return settings.baseNames.map((baseName) => ({
      baseName,
      base: cache.get(settings.namespace, baseName),
      canary: cache.get(settings.namespace, canaryMappingName(baseName)),
      baseline: cache.get(settings.namespace, baselineMappingName(baseName)),
    }));
  }

  private isOwned(mapping: MappingObject | undefined, settings: AmbassadorSettings): boolean {
    return mapping !== undefined && isControlledBy(mapping.metadata?.ownerReferences, settings.rolloutUid);
  }

  /** Keeps the zero-weight time of a Mapping already at 0, so the propagation delay is not restarted. */
  private zeroWeightSince(live: MappingObject | undefined, weightPercent: number): string | undefined {
    if (weightPercent !== 0) return undefined;
    const liveSince = live && mappingWeight(live) === 0 ? live.metadata?.annotations?.[CANARY_ZERO_SINCE_ANNOTATION] : undefined;
    return liveSince ?? new Date(this.options.clock.now()).toISOString();
  }

  private async writeCanary(write: { rollout: TrafficRollout; settings: AmbassadorSettings; pair: MappingPair; weightPercent: number }): Promise<void> {
    const { rollout, settings, pair, weightPercent } = write;
    if (!pair.base) throw new TrafficRoutingError([`Mapping ${settings.namespace}/${pair.baseName} not found`]);
    const desired = buildCanaryMapping(pair.base, {
      rollout,
      canaryService: settings.canaryService ?? '',
      weightPercent,
      apiVersion: settings.apiVersion,
      zeroWeightSince: this.zeroWeightSince(pair.canary, weightPercent),
    });
    desired.metadata = { ...desired.metadata, namespace: settings.namespace };
    if (!pair.canary) {
      await this.createCanary(settings, desired);
    } else if (!isSameMapping(desired, pair.canary)) {
      await this.replaceCanary(settings, desired, pair.canary);
    }
  }

  private async createCanary(settings: AmbassadorSettings, body: MappingObject): Promise<void> {
    const { namespace } = settings;
    const name = body.metadata?.name ?? '';
    await callKube({ verb: 'create', resource: MAPPING_PLURAL, namespace, name }, () =>
      this.options.clients.custom.createNamespacedCustomObject({ ...splitApiVersion(settings.apiVersion), plural: MAPPING_PLURAL, namespace, body }),
    );
  }

  private async replaceCanary(settings: AmbassadorSettings, desired: MappingObject, live: MappingObject): Promise<void> {
    const { namespace } = settings;
    const name = desired.metadata?.name ?? '';
    const body = buildCanaryUpdate(desired, live);
    await callKube({ verb: 'update', resource: MAPPING_PLURAL, namespace, name }, () =>
      this.options.clients.custom.replaceNamespacedCustomObject({
        ...splitApiVersion(settings.apiVersion),
        plural: MAPPING_PLURAL,
        namespace,
        name,
        body,
      }),
    );
  }

  private async deleteCanary(settings: AmbassadorSettings, live: MappingObject): Promise<void> {
    const { namespace } = settings;
    const name = live.metadata?.name ?? '';
    try {
      await callKube({ verb: 'delete', resource: MAPPING_PLURAL, namespace, name }, () =>
        this.options.clients.custom.deleteNamespacedCustomObject({
          ...splitApiVersion(settings.apiVersion),
          plural: MAPPING_PLURAL,
          namespace,
          name,
          body: buildDeleteBody(live.metadata?.uid),
        }),
      );
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
}
