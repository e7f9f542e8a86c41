/**
 * One AnalysisRun reconcile: read the run from the cache, measure what is due through the providers
 * (src/analysis), write status once when it changed, requeue at the next measurement. A run whose
 * spec cannot be parsed ends in Error with the reason; a phase change becomes an Event.
 */
import { analysisRunSchema, type AnalysisRunStatus, type MetricResult } from '../api/analysis.js';
import { analysisRunEventReason } from '../api/reasons.js';
import { problemsFromZod } from '../api/problems.js';
import { reconcileAnalysisRun, type AnalysisRunDeps } from '../analysis/analysis-run-reconciler.js';
import { patchAnalysisRunStatus } from '../kube/analysis-runs.js';
import type { KubeClients } from '../kube/clients.js';
import type { EventRecorder } from '../kube/events.js';
import type { JsonObject } from '../kube/merge-patch.js';
import type { Clock } from '../runtime/clock.js';
import type { ReconcileResult } from '../runtime/run-workers.js';
import type { Logger } from '../telemetry/logger.js';
import type { ControllerMetrics } from '../telemetry/metrics.js';
import type { ObjectCache } from './object-cache.js';
import { BUILD_ERROR_ANNOTATION } from './analysis-run-factory.js';
import { splitKey } from './reconcile-rollout.js';
import type { KubeObject } from './rollout-world.js';

export interface AnalysisRunReconciler {
  runs: ObjectCache<KubeObject>;
  analysis: AnalysisRunDeps;
  clients: KubeClients;
  events: EventRecorder;
  clock: Clock;
  logger: Logger;
  metrics?: ControllerMetrics;
}

function invalidStatus(previous: AnalysisRunStatus | undefined, message: string, nowIso: string): AnalysisRunStatus {
  return { ...previous, phase: 'Error', message, startedAt: previous?.startedAt ?? nowIso } as AnalysisRunStatus;
}

async function computeStatus(deps: AnalysisRunReconciler, raw: KubeObject): Promise<{ status: AnalysisRunStatus; requeueAfterMs?: number }> {
  const previous = raw.status as AnalysisRunStatus | undefined;
  const buildError = raw.metadata?.annotations?.[BUILD_ERROR_ANNOTATION];
  if (buildError !== undefined) return { status: invalidStatus(previous, buildError, new Date(deps.clock.now()).toISOString()) };
  const parsed = analysisRunSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = problemsFromZod(parsed.error, analysisRunSchema).map((p) => `${p.path}: ${p.message}`);
    return { status: invalidStatus(previous, `invalid AnalysisRun: ${problems.join('; ')}`, new Date(deps.clock.now()).toISOString()) };
  }
  return reconcileAnalysisRun(parsed.data, deps.analysis);
}

function runRef(raw: KubeObject): { namespace: string; analysisRun: string } {
  const meta = raw.metadata ?? {};
  return { namespace: meta.namespace ?? '', analysisRun: meta.name ?? '' };
}

function latestValue(result: MetricResult): number {
  const latest = (result.measurements ?? []).at(-1)?.value;
  return latest === undefined ? Number.NaN : Number(latest);
}

function recordMetrics(deps: AnalysisRunReconciler, raw: KubeObject, status: AnalysisRunStatus): void {
  const metrics = deps.metrics;
  if (!metrics) return;
  const ref = runRef(raw);
  metrics.setAnalysisRunPhase(ref, status.phase ?? 'Pending');
  for (const result of status.metricResults ?? []) {
    const value = latestValue(result);
    if (Number.isFinite(value)) metrics.setAnalysisMetricValue(ref, result.name, value);
  }
}

const WARNING_PHASES = new Set(['Failed', 'Error', 'Inconclusive']);

/**
 * Warning for a run that failed, errored or could not decide; Normal for success, and for a run
 * that was terminated (promotion, abort, a skipped step) before it decided: an undecided judge
 * then ends Inconclusive, which is the truth but no cause for alarm on every promotion.
 */
export function analysisRunEventType(phase: string, terminated: boolean): 'Warning' | 'Normal' {
  if (phase === 'Inconclusive' && terminated) return 'Normal';
  return WARNING_PHASES.has(phase) ? 'Warning' : 'Normal';
}

async function recordPhaseChange(deps: AnalysisRunReconciler, raw: KubeObject, status: AnalysisRunStatus): Promise<void> {
  const before = (raw.status as AnalysisRunStatus | undefined)?.phase;
  const phase = status.phase;
  if (!phase || phase === before) return;
  const { namespace, analysisRun: name } = runRef(raw);
  void deps.events.record(
    { apiVersion: raw.apiVersion, kind: 'AnalysisRun', metadata: { name, namespace, uid: raw.metadata?.uid } },
    { type: analysisRunEventType(phase, (raw.spec as { terminate?: unknown } | undefined)?.terminate === true), reason: analysisRunEventReason(phase), message: status.message ?? `AnalysisRun ${phase}` },
  );
}

/** Reconciles the AnalysisRun `namespace/name`. Throws on API errors (the worker retries). */
export async function reconcileAnalysisRunKey(deps: AnalysisRunReconciler, key: string): Promise<ReconcileResult> {
  const { namespace, name } = splitKey(key);
  const raw = deps.runs.get(namespace, name);
  if (!raw) return {};
  const { status, requeueAfterMs } = await computeStatus(deps, raw);
  const plain = JSON.parse(JSON.stringify(status)) as JsonObject;
  await patchAnalysisRunStatus(deps.clients, {
    namespace,
    name,
    liveStatus: raw.status as JsonObject | undefined,
    desiredStatus: plain,
    resourceVersion: raw.metadata?.resourceVersion,
  });
  await recordPhaseChange(deps, raw, status);
  recordMetrics(deps, raw, status);
  return requeueAfterMs === undefined ? {} : { requeueAfterMs };
}
