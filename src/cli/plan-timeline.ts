/**
 * Pure part of `kanary plan`: the step-by-step timeline of a Rollout (weights, replica counts,
 * waits and analysis gates) computed with the same replica math as the controller.
 */
import { parseDuration } from '../api/duration.js';
import { canaryStrategyOf, type CanaryStep, type Rollout, type SetCanaryScale } from '../api/rollout.js';
import { computeReplicaCounts } from '../core/replicas.js';
import { withMinPods } from '../core/desired-weight.js';
import { describeRouteStep } from '../core/journal-describe.js';
import { hasRoutesInForce } from '../core/managed-routes.js';
import type { ReplicaCounts } from '../core/replicas.js';

export type PlanStepKind = 'setWeight' | 'pause' | 'setCanaryScale' | 'analysis' | 'setHeaderRoute' | 'setMirrorRoute' | 'promote';

export interface PlanStep {
  /** Step index, or null for the final promotion. */
  index: number | null;
  kind: PlanStepKind;
  summary: string;
  weightPercent: number;
  canaryReplicas: number;
  stableReplicas: number;
  /** canary.baseline: the baseline ReplicaSet's pods (the canary's in the steps, 0 at promotion). */
  baselineReplicas?: number;
  /** Timed pause length; absent for steps that do not wait on the clock. */
  waitMs?: number;
  manualPromote: boolean;
  /** Templates gating this step. */
  analysis?: string[];
}

export interface RolloutPlan {
  rollout: string;
  replicas: number;
  trafficRouted: boolean;
  mappings: string[];
  stableService?: string;
  canaryService?: string;
  /** canary.baseline.service: the baseline gets the canary's weight and size, stable 100 − 2 × weight. */
  baselineService?: string;
  steps: PlanStep[];
  backgroundAnalysis?: { templates: string[]; startingStep: number };
  /** Sum of timed pauses: the rollout cannot finish sooner. */
  minimumDurationMs: number;
  manualPromotions: number;
  analysisGates: number;
  scaleDownDelaySeconds: number;
}

type CanaryScale = { kind: 'weight' } | { kind: 'replicas'; replicas: number } | { kind: 'percent'; weight: number };

interface Cursor {
  weight: number;
  scale: CanaryScale;
  counts: ReplicaCounts;
  /** A header or mirror route is in force: the canary keeps at least one pod. */
  routes: boolean;
}

/** Without traffic routing the controller moves in bounded increments: iterate to the steady state. */
function settleBasic(rollout: Rollout, weight: number, from: ReplicaCounts): ReplicaCounts {
  const canary = canaryStrategyOf(rollout);
  let counts = from;
  for (let i = 0; i < 1000; i += 1) {
    const next = computeReplicaCounts({
      replicas: rollout.spec.replicas,
      weightPercent: weight,
      maxSurge: canary.maxSurge,
      maxUnavailable: canary.maxUnavailable,
      trafficRouted: false,
      stable: { specReplicas: counts.stable, availableReplicas: counts.stable },
      canary: { specReplicas: counts.canary, availableReplicas: counts.canary },
    });
    if (next.canary === counts.canary && next.stable === counts.stable) return next;
    counts = next;
  }
  return counts;
}

/** With traffic routing, Argo's minPodsPerReplicaSet applies (as the controller's planner does). */
function routedCounts(rollout: Rollout, cursor: Cursor): ReplicaCounts {
  const counts = routedCountsForStep(rollout, cursor);
  const canary = cursor.routes ? Math.max(counts.canary, 1) : counts.canary;
  return { ...counts, canary: withMinPods(canary, canaryStrategyOf(rollout).minPodsPerReplicaSet) };
}

function routedCountsForStep(rollout: Rollout, cursor: Cursor): ReplicaCounts {
  const replicas = rollout.spec.replicas;
  const base = computeReplicaCounts({
    replicas,
    weightPercent: cursor.weight,
    maxSurge: canaryStrategyOf(rollout).maxSurge,
    maxUnavailable: canaryStrategyOf(rollout).maxUnavailable,
    trafficRouted: true,
    stable: { specReplicas: replicas, availableReplicas: replicas },
    canary: { specReplicas: cursor.counts.canary, availableReplicas: cursor.counts.canary },
  });
  if (cursor.scale.kind === 'replicas') return { ...base, canary: cursor.scale.replicas };
  if (cursor.scale.kind === 'percent') return { ...base, canary: Math.ceil((cursor.scale.weight * replicas) / 100) };
  return base;
}

function countsFor(rollout: Rollout, cursor: Cursor): ReplicaCounts {
  if (canaryStrategyOf(rollout).trafficRouting) return routedCounts(rollout, cursor);
  return settleBasic(rollout, cursor.weight, cursor.counts);
}

function scaleFrom(s: SetCanaryScale): CanaryScale {
  if (s.replicas !== undefined) return { kind: 'replicas', replicas: s.replicas };
  if (s.weight !== undefined) return { kind: 'percent', weight: s.weight };
  return { kind: 'weight' };
}

function describeScale(s: SetCanaryScale): string {
  if (s.replicas !== undefined) return `setCanaryScale ${s.replicas} replicas`;
  if (s.weight !== undefined) return `setCanaryScale ${s.weight}% of replicas`;
  return 'setCanaryScale matchTrafficWeight';
}

function stepKind(step: CanaryStep): Exclude<PlanStepKind, 'promote'> {
  if (step.setWeight !== undefined) return 'setWeight';
  if (step.pause !== undefined) return 'pause';
  if (step.setCanaryScale !== undefined) return 'setCanaryScale';
  if (step.setHeaderRoute !== undefined) return 'setHeaderRoute';
  if (step.setMirrorRoute !== undefined) return 'setMirrorRoute';
  return 'analysis';
}

function pauseDetails(step: CanaryStep): Pick<PlanStep, 'summary' | 'waitMs' | 'manualPromote'> {
  const duration = step.pause?.duration;
  if (duration === undefined) return { summary: 'pause until promoted', manualPromote: true };
  const parsed = parseDuration(duration);
  const ms = parsed.ok ? parsed.ms : 0;
  return { summary: `pause ${typeof duration === 'number' ? `${duration}s` : duration}`, waitMs: ms, manualPromote: false };
}

function applyStep(step: CanaryStep, cursor: Cursor): Pick<PlanStep, 'summary' | 'waitMs' | 'manualPromote' | 'analysis'> {
  if (step.setWeight !== undefined) {
    cursor.weight = step.setWeight;
    return { summary: `set canary weight to ${step.setWeight}%`, manualPromote: false };
  }
  if (step.pause !== undefined) return pauseDetails(step);
  if (step.setCanaryScale !== undefined) {
    cursor.scale = scaleFrom(step.setCanaryScale);
    return { summary: describeScale(step.setCanaryScale), manualPromote: false };
  }
  const route = describeRouteStep(step);
  if (route !== undefined) return { summary: route, manualPromote: false };
  const templates = (step.analysis?.templates ?? []).map((t) => t.templateName);
  return { summary: `analysis ${templates.join(', ')} must succeed`, manualPromote: false, analysis: templates };
}

function planSteps(rollout: Rollout): PlanStep[] {
  const replicas = rollout.spec.replicas;
  const cursor: Cursor = { weight: 0, scale: { kind: 'weight' }, counts: { canary: 0, stable: replicas }, routes: false };
  const allSteps = canaryStrategyOf(rollout).steps ?? [];
  const steps = allSteps.map((step, index): PlanStep => {
    const details = applyStep(step, cursor);
    cursor.routes = hasRoutesInForce(allSteps, index);
    cursor.counts = countsFor(rollout, cursor);
    return { index, kind: stepKind(step), ...details, weightPercent: cursor.weight, canaryReplicas: cursor.counts.canary, stableReplicas: cursor.counts.stable };
  });
  const routed = canaryStrategyOf(rollout).trafficRouting !== undefined;
  steps.push({
    index: null,
    kind: 'promote',
    summary: routed ? 'promote: canary becomes stable, old ReplicaSet scaled down after the delay' : 'promote: canary becomes stable, old ReplicaSet scaled down',
    weightPercent: 100,
    canaryReplicas: replicas,
    stableReplicas: routed ? replicas : 0,
    manualPromote: false,
  });
  return steps;
}

/** canary.baseline: the baseline has the canary's pods in every step and none after promotion. */
function addBaseline(plan: RolloutPlan, service: string): void {
  plan.baselineService = service;
  for (const step of plan.steps) step.baselineReplicas = step.index === null ? 0 : step.canaryReplicas;
}

/** The timeline of a valid Rollout. */
export function buildRolloutPlan(rollout: Rollout): RolloutPlan {
  const canary = canaryStrategyOf(rollout);
  const steps = planSteps(rollout);
  const plan: RolloutPlan = {
    rollout: rollout.metadata.name,
    replicas: rollout.spec.replicas,
    trafficRouted: canary.trafficRouting !== undefined,
    mappings: canary.trafficRouting?.ambassador.mappings ?? [],
    steps,
    minimumDurationMs: steps.reduce((sum, s) => sum + (s.waitMs ?? 0), 0),
    manualPromotions: steps.filter((s) => s.manualPromote).length,
    analysisGates: steps.filter((s) => s.analysis).length,
    scaleDownDelaySeconds: canary.trafficRouting ? canary.scaleDownDelaySeconds : 0,
  };
  if (canary.stableService) plan.stableService = canary.stableService;
  if (canary.canaryService) plan.canaryService = canary.canaryService;
  if (canary.baseline) addBaseline(plan, canary.baseline.service);
  if (canary.analysis) {
    plan.backgroundAnalysis = { templates: canary.analysis.templates.map((t) => t.templateName), startingStep: canary.analysis.startingStep ?? 0 };
  }
  return plan;
}
