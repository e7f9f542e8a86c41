/**
 * A tiny model of the cluster around planCanary (ReplicaSets that become available, a route,
 * Services, AnalysisRuns, intents as the CLI patches them), for tests of what the plan records.
 * test/core/plan-canary.test.ts, journal.test.ts and report.test.ts drive it.
 */
import { rolloutSchema, type Rollout, type RolloutInput } from '../../src/api/rollout.js';
import type { Action } from '../../src/core/actions.js';
import { computeIntentPatch, type IntentVerb } from '../../src/core/intent-patches.js';
import { planCanary, type CanaryPlan } from '../../src/core/plan-canary.js';
import { computePodTemplateHash } from '../../src/core/pod-template-hash.js';
import { formatRoleMetadata } from '../../src/core/role-metadata.js';
import type { ObservedRoute } from '../../src/core/managed-routes.js';
import type { AnalysisRunView, CanaryRouteView, CanarySnapshot, ReplicaSetView } from '../../src/core/snapshot.js';

export const T0 = Date.parse('2025-01-01T00:00:00Z');

// ------------------------------------------------------------------ a tiny model of the cluster

export interface Cluster {
  rollout: Rollout;
  replicaSets: ReplicaSetView[];
  services: CanarySnapshot['services'];
  route: CanaryRouteView | null;
  /** Header and mirror routes the router has set. */
  routes: ObservedRoute[];
  trafficRouted: boolean;
  runs: AnalysisRunView[];
  specProblems: string[];
  now: number;
  /** Pod-template hashes whose pods never become available. */
  broken: Set<string>;
  events: string[];
  weightHistory: number[];
  /** canary.baseline: the baseline Mappings' weight; undefined while there are none. */
  baselineWeight?: number;
}

export function template(image: string) {
  return { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } };
}

export const AMBASSADOR_STEPS = [{ setWeight: 30 }, { pause: {} }, { setWeight: 60 }, { pause: {} }, { setWeight: 100 }, { pause: {} }];

export function makeRollout(overrides: { steps?: unknown[]; trafficRouted?: boolean; canary?: Record<string, unknown>; spec?: Record<string, unknown> } = {}): Rollout {
  const trafficRouted = overrides.trafficRouted ?? true;
  const input = {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'default', generation: 1 },
    spec: {
      replicas: 10,
      selector: { matchLabels: { app: 'web' } },
      template: template('v1'),
      strategy: {
        canary: {
          steps: overrides.steps ?? AMBASSADOR_STEPS,
          ...(trafficRouted ? { canaryService: 'web-canary', stableService: 'web-stable', trafficRouting: { ambassador: { mappings: ['web'] } } } : {}),
          ...overrides.canary,
        },
      },
      ...overrides.spec,
    },
  } as RolloutInput;
  return rolloutSchema.parse(input);
}

export function newCluster(rollout: Rollout): Cluster {
  const trafficRouted = rollout.spec.strategy.canary?.trafficRouting !== undefined;
  return {
    rollout,
    replicaSets: [],
    services: trafficRouted ? { stable: { name: 'web-stable' }, canary: { name: 'web-canary' } } : {},
    route: null,
    routes: [],
    trafficRouted,
    runs: [],
    specProblems: [],
    now: T0,
    broken: new Set(),
    events: [],
    weightHistory: [],
  };
}

export function snapshotOf(c: Cluster): CanarySnapshot {
  return {
    rollout: structuredClone(c.rollout),
    replicaSets: c.replicaSets.map((rs) => ({ ...rs })),
    services: { ...c.services },
    ...(c.trafficRouted ? { traffic: { canaryRoute: c.route === null ? null : { ...c.route }, ...(c.routes.length > 0 ? { routes: c.routes.map((r) => ({ ...r })) } : {}), ...(c.baselineWeight !== undefined ? { baselineWeightPercent: c.baselineWeight } : {}) } } : {}),
    analysisRuns: c.runs.map((r) => ({ ...r })),
    specProblems: c.specProblems,
  };
}

export function findRs(c: Cluster, name: string): ReplicaSetView {
  const rs = c.replicaSets.find((r) => r.name === name);
  if (rs === undefined) throw new Error(`no ReplicaSet ${name}`);
  return rs;
}

export function applyAction(c: Cluster, a: Action): void {
  switch (a.type) {
    case 'createReplicaSet':
      c.replicaSets.push({ name: a.name, podTemplateHash: a.podTemplateHash, revision: a.revision, specReplicas: a.replicas, readyReplicas: 0, availableReplicas: 0, ownedByRollout: true, ...(a.antiAffinity !== undefined ? { antiAffinityHash: a.antiAffinity.stableHash } : {}) });
      break;
    case 'createBaselineReplicaSet':
      c.replicaSets.push({ name: a.name, podTemplateHash: a.podTemplateHash, revision: 0, specReplicas: a.replicas, readyReplicas: 0, availableReplicas: 0, ownedByRollout: true, role: 'baseline' });
      break;
    case 'setAntiAffinity': {
      const rs = findRs(c, a.name);
      if (a.rule === undefined) delete rs.antiAffinityHash;
      else rs.antiAffinityHash = a.rule.stableHash;
      break;
    }
    case 'scaleReplicaSet': {
      const rs = findRs(c, a.name);
      rs.specReplicas = a.replicas;
      if (a.scaleDownDeadlineMs === null) delete rs.scaleDownDeadlineMs;
      else if (a.scaleDownDeadlineMs !== undefined) rs.scaleDownDeadlineMs = a.scaleDownDeadlineMs;
      rs.availableReplicas = Math.min(rs.availableReplicas, rs.specReplicas);
      rs.readyReplicas = rs.availableReplicas;
      break;
    }
    case 'setRoleMetadata': {
      const rs = findRs(c, a.name);
      const text = formatRoleMetadata(a.metadata);
      if (text === undefined) delete rs.roleMetadata;
      else rs.roleMetadata = text;
      break;
    }
    case 'deleteReplicaSet':
      c.replicaSets = c.replicaSets.filter((r) => r.name !== a.name);
      break;
    case 'setServiceSelector':
      c.services[a.role] = { name: a.serviceName, selectorHash: a.podTemplateHash };
      break;
    case 'setCanaryWeight':
      c.route = { weightPercent: a.weightPercent, ...(a.weightPercent === 0 ? { zeroWeightSinceMs: c.route?.weightPercent === 0 ? c.route.zeroWeightSinceMs ?? c.now : c.now } : {}) };
      c.weightHistory.push(a.weightPercent);
      // The router creates no baseline Mapping at weight 0.
      if (a.baselineWeightPercent !== undefined && (c.baselineWeight !== undefined || a.baselineWeightPercent > 0)) c.baselineWeight = a.baselineWeightPercent;
      break;
    case 'removeCanaryRoute':
      c.route = null;
      delete c.baselineWeight;
      break;
    case 'setManagedRoutes':
      c.routes = a.routes.map((r) => ({ name: r.name, kind: r.kind, fingerprint: r.fingerprint }));
      break;
    case 'createAnalysisRun':
      c.runs.push({ name: a.name, podTemplateHash: a.podTemplateHash, stepIndex: a.stepIndex, background: a.background, phase: 'Running' });
      break;
    case 'terminateAnalysisRun': {
      const run = c.runs.find((r) => r.name === a.name);
      if (run !== undefined) run.terminated = true;
      break;
    }
    case 'recordEvent':
      c.events.push(a.reason);
      break;
  }
}

/** The kubelet and ReplicaSet controller: every pod that can start becomes available. */
export function startPods(c: Cluster): void {
  for (const rs of c.replicaSets) {
    const available = c.broken.has(rs.podTemplateHash) ? 0 : rs.specReplicas;
    rs.availableReplicas = available;
    rs.readyReplicas = available;
  }
}

/** How a test drives a planner over the model: one reconcile, until settled, or over time. */
export interface Driver {
  reconcile(c: Cluster, opts?: { pods?: boolean }): CanaryPlan;
  /** Reconciles until a plan has no actions (what the controller does on watch events). */
  settle(c: Cluster, limit?: number): CanaryPlan;
  /** Advances the clock by `ms`, stopping at every requeue on the way, and settles. */
  runFor(c: Cluster, ms: number): CanaryPlan;
}

/** A driver for a planner (planCanary here, planRollout for blue/green in bluegreen-model.ts). */
export function driverFor(planOf: (c: Cluster) => CanaryPlan): Driver {
  const reconcile = (c: Cluster, opts: { pods?: boolean } = {}): CanaryPlan => {
    const plan = planOf(c);
    for (const action of plan.actions) applyAction(c, action);
    c.rollout = { ...c.rollout, status: plan.status };
    if (opts.pods !== false) startPods(c);
    return plan;
  };
  const settle = (c: Cluster, limit = 30): CanaryPlan => {
    for (let i = 0; i < limit; i += 1) {
      startPods(c);
      const plan = reconcile(c);
      if (plan.actions.length === 0) return plan;
    }
    throw new Error('did not settle');
  };
  const runFor = (c: Cluster, ms: number): CanaryPlan => {
    const end = c.now + ms;
    let plan = settle(c);
    while (plan.requeueAfterMs !== undefined && c.now + plan.requeueAfterMs <= end) {
      c.now += plan.requeueAfterMs;
      plan = settle(c);
    }
    c.now = end;
    return settle(c);
  };
  return { reconcile, settle, runFor };
}

export const { reconcile, settle, runFor } = driverFor((c) => planCanary(snapshotOf(c), c.now));

export function setImage(c: Cluster, image: string): void {
  const generation = (c.rollout.metadata.generation ?? 1) + 1;
  c.rollout = { ...c.rollout, metadata: { ...c.rollout.metadata, generation }, spec: { ...c.rollout.spec, template: template(image) } };
}

export function intent(c: Cluster, verb: IntentVerb): void {
  const patch = computeIntentPatch(verb, c.rollout);
  if (patch.target === 'spec') {
    c.rollout = { ...c.rollout, spec: { ...c.rollout.spec, ...(patch.body.spec as object) } };
    return;
  }
  const status: Record<string, unknown> = { ...c.rollout.status };
  for (const [k, v] of Object.entries(patch.body.status ?? {})) {
    if (v === null) delete status[k];
    else status[k] = v;
  }
  c.rollout = { ...c.rollout, status };
}

export const hashOf = (image: string) => computePodTemplateHash(template(image));
export const rsOf = (c: Cluster, image: string) => c.replicaSets.find((r) => r.podTemplateHash === hashOf(image));
export const replicasOf = (c: Cluster, image: string) => rsOf(c, image)?.specReplicas ?? 0;

export function deployed(overrides: Parameters<typeof makeRollout>[0] = {}): Cluster {
  const c = newCluster(makeRollout(overrides));
  settle(c);
  return c;
}

