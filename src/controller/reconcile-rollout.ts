/**
 * One Rollout reconcile: read it and its world from the caches, plan with the pure core, execute the
 * actions in order, write status once (only when it changed), and return when to look again.
 * Level-triggered: it never asks which event woke it.
 */
import { INVALID_SPEC_RECHECK_MS, type CanarySnapshot } from '../core/snapshot.js';
import { planRollout } from '../core/plan-rollout.js';
import { rolloutSchema, type Rollout, type RolloutStatus } from '../api/rollout.js';
import { checkRolloutSemantics, validateRollout } from '../api/validate-rollout.js';
import type { Problem } from '../api/problems.js';
import type { KubeClients } from '../kube/clients.js';
import type { JsonObject } from '../kube/merge-patch.js';
import { patchRolloutStatus } from '../kube/rollout-status.js';
import type { Clock } from '../runtime/clock.js';
import type { ReconcileResult } from '../runtime/run-workers.js';
import type { Logger } from '../telemetry/logger.js';
import type { ControllerMetrics } from '../telemetry/metrics.js';
import type { Action } from '../core/actions.js';
import { executeActions, type ActionExecutor } from './execute-actions.js';
import type { KubeObject, RolloutWorld } from './rollout-world.js';
import { buildCanarySnapshot } from './snapshot-builder.js';
import { resolveWorkloadRef } from './workload-ref.js';
import type { StaleCacheGuard } from './stale-cache-guard.js';
import type { CountStatusDeferral } from './count-status-deferral.js';
import { classifyStatusChange } from '../core/status-change.js';
import { buildUnparseableStatus, isSameInvalidSpec } from './unparseable-status.js';
import { reportsTrafficFailure, statusWithTrafficFailure, TRAFFIC_ROUTING_FAILED } from '../core/traffic-failure-status.js';
import { TrafficWriteError } from '../traffic/traffic-router.js';

export interface RolloutReconciler {
  world: RolloutWorld;
  executor: ActionExecutor;
  clients: KubeClients;
  clock: Clock;
  logger: Logger;
  metrics?: ControllerMetrics;
  routePropagationDelayMs: number;
  /** Skips reconciles of a cache older than our own last status write (see stale-cache-guard.ts). */
  staleCacheGuard?: StaleCacheGuard;
  /** Holds back status writes that only mirror replica counts mid-step (see count-status-deferral.ts). */
  countDeferral?: CountStatusDeferral;
}

/** How long a reconcile waits for the Rollout cache to show its own status write (safety net; the watch event usually comes first). */
export const STALE_CACHE_RECHECK_MS = 1000;

export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** Patches status when it changed (and tells the stale-cache guard about the write). */
async function writeStatus(deps: RolloutReconciler, raw: KubeObject, status: RolloutStatus): Promise<void> {
  const { namespace = '', name = '', generation, resourceVersion } = raw.metadata ?? {};
  const { observedGeneration: _ignored, ...desired } = status;
  const response = await patchRolloutStatus(deps.clients, {
    namespace,
    name,
    liveStatus: raw.status as JsonObject | undefined,
    desiredStatus: JSON.parse(JSON.stringify(desired)) as JsonObject,
    observedGeneration: generation ?? 0,
    resourceVersion,
  });
  if (response !== undefined) deps.staleCacheGuard?.recordWrite(`${namespace}/${name}`, resourceVersion);
}

async function reconcileUnparseable(deps: RolloutReconciler, raw: KubeObject, problems: string[]): Promise<ReconcileResult> {
  const previous = raw.status as RolloutStatus | undefined;
  if (!isSameInvalidSpec(previous, problems)) {
    deps.logger.warn('rollout spec is invalid', { problems });
    void deps.executor.events.record(
      { metadata: { name: raw.metadata?.name ?? '', namespace: raw.metadata?.namespace, uid: raw.metadata?.uid } },
      { type: 'Warning', reason: 'InvalidSpec', message: problems.join('; ') },
    );
  }
  const status = buildUnparseableStatus({
    previous,
    problems,
    generation: raw.metadata?.generation,
    nowIso: new Date(deps.clock.now()).toISOString(),
  });
  await writeStatus(deps, raw, status);
  return { requeueAfterMs: INVALID_SPEC_RECHECK_MS };
}

/**
 * The Rollout when it satisfies the schema, with its semantic problems (the plan reports them);
 * else every schema and semantic problem at once, as `kanary lint` lists them.
 */
function parseRollout(raw: KubeObject): { rollout?: Rollout; problems: string[] } {
  const text = (problems: Problem[]) => problems.map((p) => `${p.path}: ${p.message}`);
  const parsed = rolloutSchema.safeParse(raw);
  if (!parsed.success) return { problems: text(validateRollout(raw).problems) };
  return { rollout: parsed.data, problems: text(checkRolloutSemantics(parsed.data, raw)) };
}

/** The snapshot of a parsed Rollout; with spec.workloadRef, the Rollout carries its Deployment's template. */
function buildSnapshot(deps: RolloutReconciler, parsed: Rollout, problems: string[]): { rollout: Rollout; snapshot: CanarySnapshot } {
  const resolved = resolveWorkloadRef(parsed, deps.world.deployments);
  const { rollout } = resolved;
  const snapshot = buildCanarySnapshot({ rollout, world: deps.world, routePropagationDelayMs: deps.routePropagationDelayMs });
  snapshot.specProblems.unshift(...problems, ...resolved.problems);
  if (resolved.workload !== undefined) snapshot.workload = resolved.workload;
  return { rollout, snapshot };
}

function recordMetrics(deps: RolloutReconciler, rollout: Rollout, status: RolloutStatus): void {
  const ref = { namespace: rollout.metadata.namespace ?? '', rollout: rollout.metadata.name };
  deps.metrics?.setRolloutPhase(ref, status.phase ?? 'Progressing');
  deps.metrics?.setCanaryWeight(ref, status.canary?.weights?.canary.weight ?? 0);
}

/** Reconciles the Rollout `namespace/name`. Throws on API errors (the worker retries). */
export async function reconcileRollout(deps: RolloutReconciler, key: string): Promise<ReconcileResult> {
  const { namespace, name } = splitKey(key);
  const raw = deps.world.rollouts.get(namespace, name);
  if (!raw) {
    deps.staleCacheGuard?.forget(key);
    deps.countDeferral?.release(key);
    return {};
  }
  if (deps.staleCacheGuard?.isStale(key, raw.metadata?.resourceVersion)) {
    deps.logger.debug('rollout cache older than our last status write; waiting for it', { rollout: name, namespace });
    return { requeueAfterMs: STALE_CACHE_RECHECK_MS };
  }
  const parsed = parseRollout(raw);
  if (!parsed.rollout) return reconcileUnparseable(deps, raw, parsed.problems);
  const { rollout, snapshot } = buildSnapshot(deps, parsed.rollout, parsed.problems);
  const plan = planRollout(snapshot, deps.clock.now());
  const log = deps.logger.child({ rollout: name, namespace, revision: plan.status.currentPodHash });
  if (plan.actions.length > 0) log.debug('executing plan', { actions: plan.actions.map((a) => a.type) });
  await executePlan(deps, raw, { rollout, actions: plan.actions, log });
  const holdMs = countsOnlyHold(deps, key, raw, plan.status);
  if (holdMs === undefined) await writeStatus(deps, raw, plan.status);
  recordMetrics(deps, rollout, plan.status);
  return requeueAt(minDefined(plan.requeueAfterMs, holdMs));
}

/** Runs the plan's actions; a failed route write is reported on the Rollout before it goes on to the worker. */
async function executePlan(deps: RolloutReconciler, raw: KubeObject, run: { rollout: Rollout; actions: readonly Action[]; log: Logger }): Promise<void> {
  try {
    await executeActions({ ...deps.executor, onExecuted: (action) => run.log.info('action', { ...action }) }, run.rollout, run.actions);
  } catch (error) {
    if (error instanceof TrafficWriteError) await reportTrafficFailure(deps, raw, error, run.log);
    throw error;
  }
}

/**
 * A route write failed: the Rollout says so (Progressing Unknown, TrafficRoutingFailed, with an Event
 * the first time) instead of the plan's status, and the error goes on to the worker, which retries
 * with backoff. A failure to report is logged; the route error is the one that counts.
 */
async function reportTrafficFailure(deps: RolloutReconciler, raw: KubeObject, error: TrafficWriteError, log: Logger): Promise<void> {
  const previous = raw.status as RolloutStatus | undefined;
  try {
    if (!reportsTrafficFailure(previous, error.message)) {
      log.warn('traffic routing failed', { error: error.message });
      void deps.executor.events.record(
        { metadata: { name: raw.metadata?.name ?? '', namespace: raw.metadata?.namespace, uid: raw.metadata?.uid } },
        { type: 'Warning', reason: TRAFFIC_ROUTING_FAILED, message: error.message },
      );
    }
    await writeStatus(deps, raw, statusWithTrafficFailure(previous, error.message, deps.clock.now()));
  } catch (reportError) {
    log.warn('could not report the traffic routing failure', { error: (reportError as Error).message });
  }
}

function requeueAt(requeueAfterMs: number | undefined): ReconcileResult {
  return requeueAfterMs === undefined ? {} : { requeueAfterMs };
}

/** How long to hold back a counts-only status change, or undefined to write (or skip) it now. */
function countsOnlyHold(deps: RolloutReconciler, key: string, raw: KubeObject, status: RolloutStatus): number | undefined {
  if (!deps.countDeferral) return undefined;
  if (classifyStatusChange(raw.status as RolloutStatus | undefined, status) !== 'countsOnly') {
    deps.countDeferral.release(key);
    return undefined;
  }
  return deps.countDeferral.holdFor(key, deps.clock.now());
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
}
