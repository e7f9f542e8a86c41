/**
 * Composition of `kanary controller`: informers and caches, the two work queues (Rollouts and
 * AnalysisRuns), the executors, telemetry, and leader election. Only the leader runs workers; every
 * replica keeps its caches warm so a standby takes over at once.
 */
import * as k8s from '@kubernetes/client-node';
import type { ControllerConfig } from '../config/controller-config.js';
import { createAnalysisRuntime } from '../analysis/analysis-setup.js';
import { closeSharedAgents } from '../kube/shared-agent.js';
import { createKubeClients, type KubeClients } from '../kube/clients.js';
import { EventRecorder } from '../kube/events.js';
import type { Clock } from '../runtime/clock.js';
import type { HeapGuard } from '../runtime/heap-guard.js';
import { InformerSupervisor } from '../runtime/informer-supervisor.js';
import { LeaderElector } from '../runtime/leader-election.js';
import { runWorkers } from '../runtime/run-workers.js';
import { namespaceOfKey, WorkQueue } from '../runtime/workqueue.js';
import { startMetricsServer } from '../telemetry/metrics-server.js';
import { startProbeServer, type ListeningServer } from '../telemetry/probe-server.js';
import type { Logger } from '../telemetry/logger.js';
import { createControllerMetrics, type ControllerMetrics } from '../telemetry/metrics.js';
import { AmbassadorTrafficRouter } from '../traffic/ambassador.js';
import type { MappingObject } from '../traffic/ambassador-mapping.js';
import { MappingApiResolver, MappingApiState, TrackedInformer, discoverServedMappingVersions } from '../traffic/mapping-api.js';
import { createAnalysisRunFactory } from './analysis-run-factory.js';
import { allInformers, createControllerInformers, createMappingInformers, type ControllerInformers, type InformerGroup } from './controller-informers.js';
import { enqueueOwner, enqueueReferencing, keyOf, serviceOfSlice } from './enqueue-handlers.js';
import { reconcileAnalysisRunKey } from './reconcile-analysis-run.js';
import { reconcileRollout, type RolloutReconciler } from './reconcile-rollout.js';
import { CountStatusDeferral } from './count-status-deferral.js';
import { StaleCacheGuard } from './stale-cache-guard.js';
import type { KubeObject, RolloutWorld } from './rollout-world.js';
import { createSecretReader } from './secret-reader.js';
import { analysisRunKeyFilter, rolloutKeyFilter, shardLeaseCheck } from './shard-ownership.js';
import { SHARDS_ANNOTATION, shardLeaseName } from '../core/shard.js';

/** At shutdown, how long queued Events may take to be written. */
const EVENT_FLUSH_MS = 5_000;

export interface ControllerAppOptions {
  config: ControllerConfig;
  kubeConfig: k8s.KubeConfig;
  clock: Clock;
  logger: Logger;
  /** Weighs list pages until the core caches synced (the heap guard of `kanary controller`). */
  heapGuard?: HeapGuard;
}

export interface ControllerApp {
  /** /metrics. */
  readonly telemetry: ListeningServer;
  /** /healthz and /readyz. */
  readonly probes: ListeningServer;
  readonly metrics: ControllerMetrics;
  /** Resolves when the app stopped (shutdown, or leadership lost). */
  readonly done: Promise<{ reason: string }>;
  /** Graceful stop: finish in-flight reconciles, release the Lease, close everything. */
  stop(reason?: string): Promise<void>;
}

/** The Mapping side, which may come up late or not at all without holding up anything else. */
interface MappingParts {
  resolver: MappingApiResolver;
  state: MappingApiState;
  /** Set once discovery chose a version. */
  group?: InformerGroup<KubeObject>;
  tracked: TrackedInformer[];
}

interface Parts {
  clients: KubeClients;
  informers: ControllerInformers;
  mapping: MappingParts;
  rolloutQueue: WorkQueue;
  runQueue: WorkQueue;
  rollouts: RolloutReconciler;
}

function wireHandlers(parts: Parts): void {
  const { informers, rolloutQueue, runQueue } = parts;
  const enqueueRollout = (key: string) => rolloutQueue.add(key);
  const rolloutsCache = informers.rollouts.cache;
  informers.rollouts.onChange((obj) => enqueueRollout(keyOf(obj)));
  informers.replicaSets.onChange(enqueueOwner(enqueueRollout));
  informers.analysisRuns.onChange(enqueueOwner(enqueueRollout));
  informers.analysisRuns.onChange((obj, type) => {
    if (type !== 'delete') runQueue.add(keyOf(obj));
  });
  informers.services.onChange(enqueueReferencing(rolloutsCache, 'service', enqueueRollout));
  informers.endpointSlices.onChange(enqueueReferencing(rolloutsCache, 'service', enqueueRollout, serviceOfSlice));
  informers.analysisTemplates.onChange(enqueueReferencing(rolloutsCache, 'template', enqueueRollout));
  informers.deployments.onChange(enqueueReferencing(rolloutsCache, 'workload', enqueueRollout));
}

function informerOptions(options: ControllerAppOptions, metrics: ControllerMetrics) {
  const { config, kubeConfig, logger } = options;
  return {
    kubeConfig,
    namespaces: config.namespaces,
    logger,
    onRequest: (r: { resource: string; code: number }) => metrics.countKubernetesRequest({ verb: 'list', resource: r.resource, code: r.code }),
    beforeParse: (bytes: number, what: string) => options.heapGuard?.beforeParse(bytes, what),
  };
}

/** Every Rollout that routes through Ambassador, enqueued (the Mapping API came back). */
function enqueueRoutedRollouts(parts: Parts): void {
  for (const rollout of parts.informers.rollouts.informers.flatMap((i) => i.list())) {
    if ((rollout.spec as { strategy?: { canary?: { trafficRouting?: unknown } } } | undefined)?.strategy?.canary?.trafficRouting) {
      parts.rolloutQueue.add(keyOf(rollout));
    }
  }
}

/**
 * Once discovery chose the Mapping version: creates the Mapping informers in it, wires their
 * handlers, and hands them to the supervisor (which restarts them with backoff while they fail).
 */
function startMappingInformers(options: ControllerAppOptions, parts: Parts, deps: { metrics: ControllerMetrics; supervisor: InformerSupervisor }): void {
  const { mapping, informers, rolloutQueue } = parts;
  mapping.resolver.onResolved((apiVersion) => {
    const group = createMappingInformers(informerOptions(options, deps.metrics), apiVersion);
    const enqueueRollout = (key: string) => rolloutQueue.add(key);
    group.onChange(enqueueOwner(enqueueRollout));
    group.onChange(enqueueReferencing(informers.rollouts.cache, 'mapping', enqueueRollout));
    mapping.group = group;
    mapping.tracked = group.informers.map((informer) => new TrackedInformer(informer, () => enqueueRoutedRollouts(parts)));
    mapping.state.track(mapping.tracked);
    for (const tracked of mapping.tracked) deps.supervisor.add(tracked);
    void Promise.all(mapping.tracked.map((t) => t.whenSynced())).then(() => enqueueRoutedRollouts(parts));
  });
}

/** Resolves once the Mapping side has settled: no version found yet, or its informers' first start ended. */
async function mappingSettled(mapping: MappingParts): Promise<void> {
  await mapping.resolver.start();
  await Promise.all(mapping.tracked.map((t) => t.whenSettled()));
}

function buildParts(options: ControllerAppOptions, metrics: ControllerMetrics): Parts {
  const { config, kubeConfig, clock, logger } = options;
  const onRequest = (r: { verb: string; resource: string; code: number }) => metrics.countKubernetesRequest(r);
  const clients = createKubeClients(kubeConfig, { onRequest });
  const informers = createControllerInformers(informerOptions(options, metrics));
  const events = new EventRecorder({
    clients,
    clock,
    // reportingInstance and source.host: which process (and so which shard) wrote each Event.
    host: config.identity,
    onError: (error, event) => logger.warn('could not record event', { error: String(error), reason: event.reason }),
  });
  const resolver = new MappingApiResolver({
    setting: config.ambassadorApiVersion,
    // An uncounted client: discovery is counted as verb `discover`, not as a GET of an object.
    discover: (candidates) => discoverServedMappingVersions(kubeConfig.makeApiClient(k8s.CustomObjectsApi), candidates, onRequest),
    clock,
    logger,
  });
  const mapping: MappingParts = { resolver, state: new MappingApiState(resolver), tracked: [] };
  const mappingCache = { get: (ns: string, name: string) => mapping.group?.cache.get(ns, name) as MappingObject | undefined };
  const router = new AmbassadorTrafficRouter({ clients, cache: mappingCache, clock, mappingApi: mapping.state });
  const world: RolloutWorld = {
    rollouts: informers.rollouts.cache,
    replicaSets: informers.replicaSets.cache,
    services: informers.services.cache,
    endpointSlices: informers.endpointSlices.cache,
    pods: informers.pods.cache,
    analysisRuns: informers.analysisRuns.cache,
    analysisTemplates: informers.analysisTemplates.cache,
    clusterAnalysisTemplates: informers.clusterAnalysisTemplates.clusterCache(),
    deployments: informers.deployments.cache,
    router,
  };
  const buildAnalysisRun = createAnalysisRunFactory(world);
  const rollouts: RolloutReconciler = {
    world,
    executor: { clients, router, events, buildAnalysisRun },
    clients,
    clock,
    logger,
    metrics,
    routePropagationDelayMs: config.mappingPropagationDelayMs,
    staleCacheGuard: new StaleCacheGuard(),
    countDeferral: new CountStatusDeferral(),
  };
  return {
    clients,
    informers,
    mapping,
    rolloutQueue: new WorkQueue({ clock, metrics: metrics.workqueueHooks('rollouts'), accepts: rolloutKeyFilter(config.shard) }),
    runQueue: new WorkQueue({
      clock,
      metrics: metrics.workqueueHooks('analysisruns'),
      accepts: analysisRunKeyFilter(config.shard, informers.analysisRuns.cache),
      fairness: { groupOf: namespaceOfKey, maxInFlightPerGroup: config.analysisNamespaceShare },
    }),
    rollouts,
  };
}

function timed<T>(metrics: ControllerMetrics, controller: string, clock: Clock, work: () => Promise<T>): Promise<T> {
  const started = clock.now();
  return work().then(
    (result) => {
      metrics.observeReconcile({ controller, result: 'success', durationMs: clock.now() - started });
      return result;
    },
    (error: unknown) => {
      const conflict = (error as { requeueImmediately?: boolean }).requeueImmediately === true;
      metrics.observeReconcile({ controller, result: conflict ? 'conflict' : 'error', durationMs: clock.now() - started });
      metrics.countReconcileError({ controller, reason: (error as Error).name ?? 'Error' });
      throw error;
    },
  );
}

function startWorkers(options: ControllerAppOptions, parts: Parts, metrics: ControllerMetrics, ownPorts: number[]): Promise<unknown> {
  const { config, clock, logger } = options;
  const analysis = createAnalysisRuntime(config, { now: () => new Date(clock.now()), ownPorts });
  const analysisDeps = {
    providers: analysis.providers,
    conditions: analysis.conditions,
    now: () => new Date(clock.now()),
    readSecret: createSecretReader(parts.clients),
  };
  for (const rollout of parts.informers.rollouts.informers.flatMap((i) => i.list())) parts.rolloutQueue.add(keyOf(rollout));
  for (const run of parts.informers.analysisRuns.informers.flatMap((i) => i.list())) parts.runQueue.add(keyOf(run));
  const runDeps = {
    runs: parts.informers.analysisRuns.cache,
    analysis: analysisDeps,
    clients: parts.clients,
    events: parts.rollouts.executor.events,
    clock,
    logger,
    metrics,
  };
  const running = Promise.all([
    runWorkers({
      queue: parts.rolloutQueue,
      count: config.workers,
      logger: logger.child({ queue: 'rollouts' }),
      reconcile: (key) => timed(metrics, 'rollout', clock, () => reconcileRollout(parts.rollouts, key)),
    }),
    runWorkers({
      queue: parts.runQueue,
      count: config.analysisWorkers,
      logger: logger.child({ queue: 'analysisruns' }),
      reconcile: (key) => timed(metrics, 'analysisrun', clock, () => reconcileAnalysisRunKey(runDeps, key)),
    }),
  ]);
  // Once the workers are done, the condition evaluator's worker threads go too.
  return running.finally(() => analysis.conditions.close());
}

/** Starts the controller; resolves once telemetry is listening (caches sync in the background). */
export async function startControllerApp(options: ControllerAppOptions): Promise<ControllerApp> {
  const { config, clock, logger } = options;
  const metrics = createControllerMetrics({ collectDefaultMetrics: true, measuredValues: config.metricsMeasuredValues });
  const parts = buildParts(options, metrics);
  wireHandlers(parts);
  const informerList = allInformers(parts.informers);
  const supervisor = new InformerSupervisor({ clock, logger });
  for (const informer of informerList) supervisor.add(informer);
  startMappingInformers(options, parts, { metrics, supervisor });
  const synced = () => informerList.every((i) => i.synced);
  const unsynced = () => informerList.filter((i) => !i.synced).map((i) => i.name).join(', ');
  // Readiness never waits for the Mapping informers: a missing or unserved Mapping API stops only
  // the Rollouts that route through Ambassador (they report it), not the controller.
  const telemetry = await startMetricsServer({ host: config.metricsAddr.host, port: config.metricsAddr.port, registry: metrics.registry });
  const probes = await startProbeServer({
    host: config.probeAddr.host,
    port: config.probeAddr.port,
    isReady: () => (synced()
      ? { ready: true, detail: parts.mapping.state.describe() }
      : { ready: false, reason: `waiting for caches: ${unsynced()} (${parts.mapping.state.describe()})` }),
  });
  void Promise.all(informerList.map((i) => i.whenSynced())).then(() => options.heapGuard?.synced());
  await supervisor.start();

  let resolveDone: (value: { reason: string }) => void = () => undefined;
  const done = new Promise<{ reason: string }>((resolve) => { resolveDone = resolve; });
  let workers: Promise<unknown> | undefined;
  let stopping = false;

  const beginLeading = (): void => {
    void Promise.all(informerList.map((i) => i.whenSynced())).then(() => mappingSettled(parts.mapping)).then(() => {
      if (stopping) return;
      const mappingApi = { apiVersion: parts.mapping.state.apiVersion(), problem: parts.mapping.state.problem(), setting: config.ambassadorApiVersion };
      logger.info('caches synced, starting workers', { workers: config.workers, analysisWorkers: config.analysisWorkers, mappingApi, shard: config.shard });
      workers = startWorkers(options, parts, metrics, [...new Set([config.metricsAddr.port, telemetry.port, config.probeAddr.port, probes.port])]);
    });
  };

  const elector = config.leaderElect
    ? new LeaderElector({
      coordination: parts.clients.coordination,
      namespace: config.leaseNamespace,
      name: shardLeaseName(config.leaseName, config.shard),
      identity: config.identity,
      annotations: { [SHARDS_ANNOTATION]: String(config.shard.shards) },
      mayHold: shardLeaseCheck({
        coordination: parts.clients.coordination,
        namespace: config.leaseNamespace,
        baseName: config.leaseName,
        shard: config.shard,
        identity: config.identity,
        now: () => clock.now(),
      }),
      clock,
      logger,
      leaseDurationMs: config.leaseDurationMs,
      renewDeadlineMs: config.renewDeadlineMs,
      retryPeriodMs: config.retryPeriodMs,
      onStartedLeading: () => {
        logger.info('became leader', { identity: config.identity });
        beginLeading();
      },
      onStoppedLeading: () => {
        logger.warn('lost leadership, stopping', { identity: config.identity });
        void stop('leadership lost');
      },
    })
    : undefined;

  async function stop(reason = 'shutdown'): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info('stopping controller', { reason });
    parts.rolloutQueue.shutDown();
    parts.runQueue.shutDown();
    parts.mapping.resolver.stop();
    await workers;
    // Events queued by the last reconciles are written before the process goes (bounded wait).
    await Promise.race([parts.rollouts.executor.events.flush(), new Promise((resolve) => setTimeout(resolve, EVENT_FLUSH_MS).unref())]);
    await elector?.stop({ release: true });
    await supervisor.stop();
    await telemetry.close();
    await probes.close();
    closeSharedAgents();
    resolveDone({ reason });
  }

  if (elector) elector.start();
  else beginLeading();
  return { telemetry, probes, metrics, done, stop };
}
