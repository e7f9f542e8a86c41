import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type ReconcileResultLabel = 'success' | 'error' | 'requeue' | 'conflict';

export interface RolloutRef {
  namespace: string;
  rollout: string;
}

export interface AnalysisRunRef {
  namespace: string;
  analysisRun: string;
}

/** The controller's metrics on a private registry, with typed accessors. */
export interface ControllerMetrics {
  readonly registry: Registry;
  observeReconcile(input: { controller: string; result: ReconcileResultLabel; durationMs: number }): void;
  countReconcileError(input: { controller: string; reason: string }): void;
  /** One series per rollout with value 1, labelled with its current phase. */
  setRolloutPhase(ref: RolloutRef, phase: string): void;
  setRolloutInfo(ref: RolloutRef, info: { strategy: string; trafficRouter: string }): void;
  setCanaryWeight(ref: RolloutRef, weightPercent: number): void;
  /** Drops every series of a deleted rollout. */
  forgetRollout(ref: RolloutRef): void;
  countEvent(input: { reason: string; type: string }): void;
  setWorkqueueDepth(queue: string, depth: number): void;
  countWorkqueueRetry(queue: string): void;
  /** Hooks matching the WorkQueue's `metrics` option for the queue named `queue`. */
  workqueueHooks(queue: string): { depth(depth: number): void; retry(): void };
  countKubernetesRequest(input: { verb: string; resource: string; code: number | string }): void;
  setAnalysisRunPhase(ref: AnalysisRunRef, phase: string): void;
  setAnalysisMetricValue(ref: AnalysisRunRef, metric: string, value: number): void;
  forgetAnalysisRun(ref: AnalysisRunRef): void;
}

const RECONCILE_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function buildMetrics(registry: Registry, measuredValues: boolean) {
  const registers = [registry];
  return {
    reconcileDuration: new Histogram({
      name: 'kanary_reconcile_duration_seconds', help: 'Duration of one reconcile.',
      labelNames: ['controller', 'result'] as const, buckets: RECONCILE_BUCKETS_S, registers,
    }),
    reconcileErrors: new Counter({
      name: 'kanary_reconcile_errors_total', help: 'Reconciles that failed, by reason.',
      labelNames: ['controller', 'reason'] as const, registers,
    }),
    rolloutPhase: new Gauge({
      name: 'kanary_rollout_phase', help: 'Current phase of each rollout (1 for its phase).',
      labelNames: ['namespace', 'rollout', 'phase'] as const, registers,
    }),
    rolloutInfo: new Gauge({
      name: 'kanary_rollout_info', help: 'Static information about each rollout (always 1).',
      labelNames: ['namespace', 'rollout', 'strategy', 'traffic_router'] as const, registers,
    }),
    canaryWeight: new Gauge({
      name: 'kanary_canary_weight', help: 'Canary traffic weight in percent.',
      labelNames: ['namespace', 'rollout'] as const, registers,
    }),
    events: new Counter({
      name: 'kanary_events_total', help: 'Kubernetes Events emitted.',
      labelNames: ['reason', 'type'] as const, registers,
    }),
    workqueueDepth: new Gauge({
      name: 'kanary_workqueue_depth', help: 'Keys waiting in a work queue.',
      labelNames: ['queue'] as const, registers,
    }),
    workqueueRetries: new Counter({
      name: 'kanary_workqueue_retries_total', help: 'Keys requeued with backoff.',
      labelNames: ['queue'] as const, registers,
    }),
    kubernetesRequests: new Counter({
      name: 'kanary_kubernetes_requests_total', help: 'Requests to the Kubernetes API (watches aside).',
      labelNames: ['verb', 'resource', 'code'] as const, registers,
    }),
    analysisRunPhase: new Gauge({
      name: 'kanary_analysis_run_phase', help: 'Current phase of each AnalysisRun (1 for its phase).',
      labelNames: ['namespace', 'analysis_run', 'phase'] as const, registers,
    }),
    analysisMetricValue: new Gauge({
      name: 'kanary_analysis_metric_value', help: 'Latest measured value of an analysis metric.',
      // Left out of the registry when measured values must not be exported (they are tenants' data).
      labelNames: ['namespace', 'analysis_run', 'metric'] as const, registers: measuredValues ? registers : [],
    }),
  };
}

type Metrics = ReturnType<typeof buildMetrics>;

/** Remembers the label set last written per object so a change replaces the old series. */
class SeriesMemory<L> {
  private readonly last = new Map<string, L>();
  replace(id: string, labels: L, remove: (old: L) => void): void {
    const old = this.last.get(id);
    if (old !== undefined) remove(old);
    this.last.set(id, labels);
  }
  forget(id: string, remove: (old: L) => void): void {
    const old = this.last.get(id);
    if (old !== undefined) remove(old);
    this.last.delete(id);
  }
}

const idOf = (namespace: string, name: string): string => `${namespace}/${name}`;

function rolloutAccessors(m: Metrics) {
  const phases = new SeriesMemory<{ namespace: string; rollout: string; phase: string }>();
  const infos = new SeriesMemory<{ namespace: string; rollout: string; strategy: string; traffic_router: string }>();
  const removePhase = (l: { namespace: string; rollout: string; phase: string }) => m.rolloutPhase.remove(l);
  const removeInfo = (l: { namespace: string; rollout: string; strategy: string; traffic_router: string }) =>
    m.rolloutInfo.remove(l);
  return {
    setRolloutPhase(ref: RolloutRef, phase: string): void {
      const labels = { namespace: ref.namespace, rollout: ref.rollout, phase };
      phases.replace(idOf(ref.namespace, ref.rollout), labels, removePhase);
      m.rolloutPhase.set(labels, 1);
    },
    setRolloutInfo(ref: RolloutRef, info: { strategy: string; trafficRouter: string }): void {
      const labels = { namespace: ref.namespace, rollout: ref.rollout, strategy: info.strategy, traffic_router: info.trafficRouter };
      infos.replace(idOf(ref.namespace, ref.rollout), labels, removeInfo);
      m.rolloutInfo.set(labels, 1);
    },
    setCanaryWeight(ref: RolloutRef, weightPercent: number): void {
      m.canaryWeight.set({ namespace: ref.namespace, rollout: ref.rollout }, weightPercent);
    },
    forgetRollout(ref: RolloutRef): void {
      const id = idOf(ref.namespace, ref.rollout);
      phases.forget(id, removePhase);
      infos.forget(id, removeInfo);
      m.canaryWeight.remove({ namespace: ref.namespace, rollout: ref.rollout });
    },
  };
}

function analysisAccessors(m: Metrics) {
  const phases = new SeriesMemory<{ namespace: string; analysis_run: string; phase: string }>();
  const metricNames = new Map<string, Set<string>>();
  const removePhase = (l: { namespace: string; analysis_run: string; phase: string }) => m.analysisRunPhase.remove(l);
  return {
    setAnalysisRunPhase(ref: AnalysisRunRef, phase: string): void {
      const labels = { namespace: ref.namespace, analysis_run: ref.analysisRun, phase };
      phases.replace(idOf(ref.namespace, ref.analysisRun), labels, removePhase);
      m.analysisRunPhase.set(labels, 1);
    },
    setAnalysisMetricValue(ref: AnalysisRunRef, metric: string, value: number): void {
      const id = idOf(ref.namespace, ref.analysisRun);
      metricNames.set(id, (metricNames.get(id) ?? new Set()).add(metric));
      m.analysisMetricValue.set({ namespace: ref.namespace, analysis_run: ref.analysisRun, metric }, value);
    },
    forgetAnalysisRun(ref: AnalysisRunRef): void {
      const id = idOf(ref.namespace, ref.analysisRun);
      phases.forget(id, removePhase);
      for (const metric of metricNames.get(id) ?? []) {
        m.analysisMetricValue.remove({ namespace: ref.namespace, analysis_run: ref.analysisRun, metric });
      }
      metricNames.delete(id);
    },
  };
}

function operationAccessors(m: Metrics) {
  return {
    observeReconcile(input: { controller: string; result: ReconcileResultLabel; durationMs: number }): void {
      m.reconcileDuration.observe({ controller: input.controller, result: input.result }, input.durationMs / 1000);
    },
    countReconcileError(input: { controller: string; reason: string }): void {
      m.reconcileErrors.inc(input);
    },
    countEvent(input: { reason: string; type: string }): void {
      m.events.inc(input);
    },
    setWorkqueueDepth(queue: string, depth: number): void {
      m.workqueueDepth.set({ queue }, depth);
    },
    countWorkqueueRetry(queue: string): void {
      m.workqueueRetries.inc({ queue });
    },
    countKubernetesRequest(input: { verb: string; resource: string; code: number | string }): void {
      m.kubernetesRequests.inc({ verb: input.verb, resource: input.resource, code: String(input.code) });
    },
  };
}

export interface ControllerMetricsOptions {
  collectDefaultMetrics?: boolean;
  /** Export `kanary_analysis_metric_value` (default true); false keeps measured values out of /metrics. */
  measuredValues?: boolean;
}

/** Creates a fresh registry (never prom-client's global one) holding the controller metrics. */
export function createControllerMetrics(options: ControllerMetricsOptions = {}): ControllerMetrics {
  const registry = new Registry();
  const m = buildMetrics(registry, options.measuredValues ?? true);
  if (options.collectDefaultMetrics) {
    collectDefaultMetrics({ register: registry });
  }
  const ops = operationAccessors(m);
  return {
    registry,
    ...ops,
    ...rolloutAccessors(m),
    ...analysisAccessors(m),
    workqueueHooks: (queue) => ({
      depth: (depth) => ops.setWorkqueueDepth(queue, depth),
      retry: () => ops.countWorkqueueRetry(queue),
    }),
  };
}
