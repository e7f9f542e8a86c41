/**
 * The read-only facts planCanary derives once from a snapshot (PlanContext) and the mutable
 * next-state it builds up (PlanDraft). Every plan-* module reads the first and writes the second.
 */
import { canaryStrategyOf, type CanaryStep, type CanaryStrategy, type PauseCondition, type Rollout, type RolloutStatus } from '../api/rollout.js';
import type { Action, CreateAnalysisRunAction } from './actions.js';
import { computePodTemplateHash, computeStepsHash } from './pod-template-hash.js';
import { ROUTE_PROPAGATION_DELAY_MS, type CanarySnapshot, type ReplicaSetView } from './snapshot.js';

export interface PlanContext {
  snapshot: CanarySnapshot;
  now: number;
  rollout: Rollout;
  /** `spec.strategy.canary`, or its defaults (no steps, no routing) for a blue/green Rollout. */
  canary: CanaryStrategy;
  name: string;
  prev: RolloutStatus;
  steps: readonly CanaryStep[];
  hash: string;
  stepsHash: string;
  revision: number;
  replicas: number;
  trafficRouted: boolean;
  /** Owned ReplicaSet with the current template hash. */
  current?: ReplicaSetView;
  /** Every owned ReplicaSet but the baselines. */
  owned: ReplicaSetView[];
  /** Owned baseline ReplicaSets (canary.baseline): kept apart so nothing takes them for stable, canary or history. */
  baselines: ReplicaSetView[];
  routeWeight: number;
  propagationDelayMs: number;
}

export interface PlanDraft {
  stableHash: string;
  stepIndex: number;
  pauseConditions: PauseCondition[];
  controllerPause: boolean;
  abort: boolean;
  abortedAt?: string;
  abortMessage?: string;
  promoteFull: boolean;
  /** An Inconclusive background run the user accepted with promote: terminated, then replaced. */
  droppedBackgroundRun?: string;
  createRuns: CreateAnalysisRunAction[];
  actions: Action[];
  requeueMs: number[];
  progressDeadlineExceeded: boolean;
  /** spec.restartAt once every pod created before it was replaced (status.restartedAt). */
  restartedAt?: string;
}

function nextRevision(owned: readonly ReplicaSetView[]): number {
  return owned.reduce((max, rs) => Math.max(max, rs.revision), 0) + 1;
}

export function buildPlanContext(snapshot: CanarySnapshot, now: number): PlanContext {
  const { rollout } = snapshot;
  const prev = rollout.status ?? {};
  const hash = computePodTemplateHash(rollout.spec.template);
  const owned = snapshot.replicaSets.filter((rs) => rs.ownedByRollout && rs.role !== 'baseline');
  const baselines = snapshot.replicaSets.filter((rs) => rs.ownedByRollout && rs.role === 'baseline');
  const current = owned.find((rs) => rs.podTemplateHash === hash);
  const canary = canaryStrategyOf(rollout);
  const steps = canary.steps ?? [];
  return {
    snapshot,
    now,
    rollout,
    canary,
    name: rollout.metadata.name,
    prev,
    steps,
    hash,
    stepsHash: computeStepsHash(steps),
    revision: current?.revision ?? nextRevision(owned),
    replicas: rollout.spec.replicas,
    trafficRouted: snapshot.traffic !== undefined,
    current,
    owned,
    baselines,
    routeWeight: snapshot.traffic?.canaryRoute?.weightPercent ?? 0,
    propagationDelayMs: snapshot.routePropagationDelayMs ?? ROUTE_PROPAGATION_DELAY_MS,
  };
}

export function findOwnedByHash(ctx: PlanContext, hash: string): ReplicaSetView | undefined {
  return ctx.owned.find((rs) => rs.podTemplateHash === hash);
}

/** A revision other than the stable one is on its way (the current template is not stable yet). */
export function isProgressing(ctx: PlanContext, draft: PlanDraft): boolean {
  return draft.stableHash !== ctx.hash;
}

export function addRequeue(draft: PlanDraft, ms: number): void {
  draft.requeueMs.push(Math.max(0, Math.ceil(ms)));
}
