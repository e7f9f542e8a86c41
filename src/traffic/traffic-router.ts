/**
 * The TrafficRouter port: what the controller needs from any traffic router (Ambassador today).
 * `observe` and `validate` read only the router's informer cache (no I/O, cheap on every
 * reconcile); `setCanaryWeight` and `removeCanaryRoute` write only when the live state differs.
 */
import type { Rollout } from '../api/rollout.js';
import type { ObservedRoute, RouteToSet } from '../core/managed-routes.js';

/** The slice of a Rollout a router looks at. */
export type TrafficRollout = Pick<Rollout, 'metadata' | 'spec'>;

export interface CanaryRouteView {
  /** The weight the router currently sends to the canary (the lowest one if routes disagree). */
  weightPercent: number;
  /** When the canary weight was set to 0 (epoch ms), for the propagation delay before removal. */
  zeroWeightSinceMs?: number;
}

/** What the pure core sees of the router: the canary route, or null when there is none. */
export interface TrafficView {
  canaryRoute: CanaryRouteView | null;
  /** Header and mirror routes set for this Rollout (managedRoutes), with the fingerprint each was written with. */
  routes?: ObservedRoute[];
  /** canary.baseline: the weight of the baseline Mapping(s) (the lowest); absent when there are none. */
  baselineWeightPercent?: number;
}

export interface TrafficRouter {
  /** The live canary route(s) of this Rollout, from the cache. */
  observe(rollout: TrafficRollout): TrafficView;
  /** Problems that make traffic routing impossible for this Rollout (empty when fine). */
  validate(rollout: TrafficRollout): string[];
  /** Creates or updates the canary route(s) at this weight, and the baseline's when given; no request when already so. */
  setCanaryWeight(rollout: TrafficRollout, weightPercent: number, baselineWeightPercent?: number): Promise<void>;
  /** Deletes the canary route(s) this Rollout owns, baseline ones included; no request when already gone. */
  removeCanaryRoute(rollout: TrafficRollout): Promise<void>;
  /** Makes the header and mirror routes exactly `routes` (creating, updating, deleting); no request when already so. */
  setManagedRoutes(rollout: TrafficRollout, routes: readonly RouteToSet[]): Promise<void>;
}

/** Thrown by a write when the router's configuration for this Rollout is unusable (see `validate`). */
export class TrafficRoutingError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(problems.join('; '));
    this.name = 'TrafficRoutingError';
    this.problems = problems;
  }
}

/**
 * A route write the API refused or could not serve (a conversion webhook down, a version no longer
 * served, RBAC): the Rollout reports it as a condition and the controller retries with backoff.
 */
export class TrafficWriteError extends Error {
  constructor(what: string, cause: unknown) {
    super(`${what} failed: ${cause instanceof Error ? cause.message : String(cause)}; retrying`, { cause });
    this.name = 'TrafficWriteError';
  }
}
