/**
 * Shared pieces of the analysis end-to-end tests (issue 5, "Tests with a real Prometheus"): a
 * test-controlled metrics target (gauge `kanary_test_value{series}`), a REAL Prometheus scraping it
 * every second, the REAL controller pointed at that Prometheus, AnalysisTemplates whose query reads
 * the gauge, and the Ambassador example Rollout with analysis steps. Every process started here is
 * stopped by `stop()`.
 */
import * as k8s from '@kubernetes/client-node';
import { waitFor, type TestNamespace } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { startPrometheus, waitForQuery, type PrometheusHandle } from '../harness/prometheus.js';
import { startMetricsTarget, type MetricsTarget } from '../analysis/fixtures/http-server.js';
import { applyDocs, ClusterView, loadExample, tweakExample, type Obj } from '../controller/rollout-fixtures.js';

export const GAUGE_QUERY = 'kanary_test_value{series="{{args.series}}"}';

export interface AnalysisStack {
  target: MetricsTarget;
  prometheus: PrometheusHandle;
  controller: ControllerProcess;
  view: ClusterView;
  runs: RunReader;
  stop(): Promise<void>;
}

/**
 * Starts target, Prometheus and controller for one namespace. `series` are set on the gauge before
 * Prometheus starts and are awaited in Prometheus so the first measurement already has data.
 */
export async function startAnalysisStack(ns: TestNamespace, series: Record<string, number>): Promise<AnalysisStack> {
  const target = await startMetricsTarget();
  for (const [name, value] of Object.entries(series)) target.set(name, value);
  const prometheus = await startPrometheus({ targets: [target.hostPort] });
  const controller = startController({
    namespace: ns.name,
    flags: ['--mapping-propagation-delay', '1s', '--prometheus-address', prometheus.address],
  });
  const stop = async () => {
    await controller.stop();
    await prometheus.stop();
    await target.close();
  };
  try {
    const count = Object.keys(series).length;
    await waitForQuery(prometheus.address, 'kanary_test_value', (r) => Array.isArray(r) && r.length === count);
    await controller.metricsUrl();
  } catch (error) {
    await stop();
    throw error;
  }
  return { target, prometheus, controller, view: new ClusterView(ns.kc, ns.name), runs: new RunReader(ns.kc, ns.name), stop };
}

export interface MetricOptions {
  name?: string;
  interval?: string;
  count?: number;
  successCondition?: string;
  failureCondition?: string;
  failureLimit?: number;
  inconclusiveLimit?: number;
  consecutiveErrorLimit?: number;
  /** Defaults to GAUGE_QUERY (the Rollout supplies the `series` arg). */
  query?: string;
}

/** One metric over the gauge; address omitted so the controller's --prometheus-address is used. */
export function gaugeMetric(options: MetricOptions): Obj {
  const { query, name, ...rest } = options;
  return {
    name: name ?? 'error-rate',
    interval: '1s',
    ...rest,
    provider: { prometheus: { query: query ?? GAUGE_QUERY } },
  };
}

export function analysisTemplate(name: string, metrics: Obj[], extra: { args?: Obj[]; dryRun?: Obj[] } = {}): Obj {
  return {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name },
    spec: { args: extra.args ?? [{ name: 'series' }], metrics, ...(extra.dryRun ? { dryRun: extra.dryRun } : {}) },
  };
}

/** A step `analysis` over the given templates with `series` bound to the gauge series. */
export function analysisStep(templates: string[], series: string): Obj {
  return { analysis: analysisRef(templates, series) };
}

export function analysisRef(templates: string[], series: string, startingStep?: number): Obj {
  const ref: Obj = { templates: templates.map((templateName) => ({ templateName })), args: [{ name: 'series', value: series }] };
  if (startingStep !== undefined) ref.startingStep = startingStep;
  return ref;
}

export interface RolloutRevision {
  image: string;
  steps: Obj[];
  /** Background analysis (strategy.canary.analysis). */
  analysis?: Obj;
  replicas?: number;
}

/** The Ambassador example (Services, base Mapping, Rollout) with the given revision, 2 replicas. */
export function exampleDocs(revision: RolloutRevision): Obj[] {
  const docs = tweakExample(loadExample('canary-ambassador'), {
    replicas: revision.replicas ?? 2,
    image: revision.image,
    steps: revision.steps,
    scaleDownDelaySeconds: 2,
    abortScaleDownDelaySeconds: 2,
  });
  return docs.map((doc) => {
    if (doc.kind !== 'Rollout') return doc;
    if (revision.analysis === undefined) delete doc.spec.strategy.canary.analysis;
    else doc.spec.strategy.canary.analysis = revision.analysis;
    return doc;
  });
}

export function rolloutOnly(revision: RolloutRevision): Obj[] {
  return exampleDocs(revision).filter((doc) => doc.kind === 'Rollout');
}

/** Applies templates then the example at v1 (no steps run on the first revision); waits for Healthy. */
export async function deployStable(stack: AnalysisStack, namespace: string, templates: Obj[], revision: RolloutRevision): Promise<string> {
  if (templates.length > 0) await applyDocs(namespace, templates);
  await applyDocs(namespace, exampleDocs(revision));
  const replicas = revision.replicas ?? 2;
  const status = await waitForStatus(stack.view, (s) => s.phase === 'Healthy' && s.availableReplicas === replicas, 'first revision Healthy', 60_000);
  return status.stableRS as string;
}

export async function waitForStatus(view: ClusterView, accept: (status: Obj) => boolean, description: string, timeoutMs = 60_000): Promise<Obj> {
  return waitFor(async () => {
    const status = ((await view.rollout()).status ?? {}) as Obj;
    return accept(status) ? status : undefined;
  }, { timeoutMs, description, intervalMs: 250 });
}

/** Reads AnalysisRuns of one namespace. */
export class RunReader {
  private readonly custom: k8s.CustomObjectsApi;

  constructor(kc: k8s.KubeConfig, readonly namespace: string) {
    this.custom = kc.makeApiClient(k8s.CustomObjectsApi);
  }

  async list(): Promise<Obj[]> {
    const list = (await this.custom.listNamespacedCustomObject({ group: 'kanary.dev', version: 'v1alpha1', plural: 'analysisruns', namespace: this.namespace })) as { items: Obj[] };
    return list.items;
  }

  /** Runs of one pod-template hash (label rollouts-pod-template-hash). */
  async ofHash(hash: string): Promise<Obj[]> {
    return (await this.list()).filter((run) => run.metadata?.labels?.['rollouts-pod-template-hash'] === hash);
  }

  /** Waits for a run of `hash` whose status satisfies `accept`. */
  async waitFor(hash: string, accept: (run: Obj) => boolean, description: string, timeoutMs = 60_000): Promise<Obj> {
    return waitFor(async () => (await this.ofHash(hash)).find(accept), { timeoutMs, description, intervalMs: 250 });
  }
}

/** Every measurement of every metric of a run. */
export function measurementsOf(run: Obj): Obj[] {
  return ((run.status?.metricResults ?? []) as Obj[]).flatMap((r) => (r.measurements ?? []) as Obj[]);
}

export function metricResult(run: Obj, name: string): Obj | undefined {
  return ((run.status?.metricResults ?? []) as Obj[]).find((r) => r.name === name);
}

export function describeRuns(runs: Obj[]): string {
  return JSON.stringify(runs.map((r) => ({ name: r.metadata?.name, spec: r.spec?.terminate, status: r.status })), null, 1);
}
