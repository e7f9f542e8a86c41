/**
 * Everything the demo runs besides the cluster: the controller, the edge proxy, the analysis's
 * metrics source (Prometheus scraping the edge proxy every second, or, when Prometheus is not
 * installed or `--metrics edge-proxy` asks for it, the edge proxy's own /stats/window for the
 * thresholds and /stats/counters for the judge, both through the web provider), the demo objects,
 * a steady traffic generator tallied per segment, and an observer
 * of the Rollout. Each piece registers its stop function as it starts.
 */
import * as k8s from '@kubernetes/client-node';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createSilentLogger } from '../../telemetry/logger.js';
import { startEdgeProxy, type EdgeProxy } from '../edge-proxy/edge-proxy.js';
import { startTrafficGenerator, type TrafficGenerator } from '../edge-proxy/traffic-generator.js';
import { isPrometheusInstalled, startPrometheus, type PrometheusHandle } from '../prometheus/prometheus.js';
import type { CleanupStack } from './cleanup-stack.js';
import type { MetricsSource } from './demo-options.js';

/**
 * Spreads route draws evenly over [0, 1) (golden-ratio steps) instead of at random: the weights
 * split exactly as Emissary's do on average, and even short windows of traffic show each step's
 * weight closely, so the demo's share check measures routing rather than sampling noise.
 */
export function createEvenSpread(start = 0): () => number {
  let x = start;
  return () => {
    x = (x + 0.6180339887498949) % 1;
    return x;
  };
}
import { startDemoController } from './demo-controller.js';
import { startDemoDashboard } from './demo-dashboard.js';
import { buildDemoManifests, TEMPLATE_FILES } from './demo-manifests.js';
import { applyObjects, runKubectl } from './kubectl.js';
import { isAtCanaryStep, observeRollout, type RolloutFacts, type RolloutObserver } from './rollout-observer.js';
import { TrafficLedger, type SegmentKey } from './traffic-ledger.js';

export const ROLLOUT_NAME = 'demo';
/** Emissary's stats name of the canary Mapping's service `demo-canary:80` (examples/demo/rollout.yaml). */
export const CANARY_ENVOY_CLUSTER = 'demo_canary_80';

export interface DemoStackOptions {
  repoRoot: string;
  dir: string;
  kubeconfig: string;
  namespace: string;
  rps: number;
  /** Where the analysis reads metrics (default prometheus, falling back to edge-proxy when not installed). */
  metrics?: MetricsSource;
  say: (line: string) => void;
  onRolloutChange?: (facts: RolloutFacts, stack: DemoStack) => void;
}

export interface DemoStack {
  kubeconfig: string;
  kubeConfig: k8s.KubeConfig;
  namespace: string;
  proxy: EdgeProxy;
  /** The metrics source the analysis uses. */
  metrics: MetricsSource;
  /** Set when `metrics` is prometheus. */
  prometheus?: PrometheusHandle;
  /** Where the judge reads its counts (Prometheus, or the edge proxy's admin address when `metrics` is edge-proxy). */
  countsAddress: string;
  /** The steady traffic; idle (an empty tally) until startTraffic(). */
  traffic: TrafficGenerator;
  /** Starts the steady traffic (once the stable version answers, so no request fails for want of it). */
  startTraffic(): void;
  ledger: TrafficLedger;
  observer: RolloutObserver;
  appUrl: string;
  /** `kanary dashboard` for the demo's namespace. */
  dashboardUrl: string;
  /** The label traffic is tallied under. */
  release: string;
  /** Percentage the edge proxy sends to the canary Mapping right now. */
  appliedCanaryWeight(): number;
}

function canaryPercent(proxy: EdgeProxy, namespace: string): number {
  const key = `${namespace}/${ROLLOUT_NAME}-canary`;
  for (const group of proxy.routingTable().groups) {
    const entry = group.entries.find((e) => e.mapping.key === key);
    if (entry) return entry.percent;
  }
  return 0;
}

interface DemoMetrics {
  metrics: MetricsSource;
  prometheus?: PrometheusHandle;
  /** What `metrics-address` is set to in the demo's Rollout. */
  address: string;
  /** What `counts-address` (where the judge reads its counts) is set to. */
  countsAddress: string;
}

function windowStatsUrl(proxy: EdgeProxy): string {
  return `${proxy.adminUrl}/stats/window?cluster=${CANARY_ENVOY_CLUSTER}&seconds=10`;
}

/** The web templates read the edge proxy's admin port: /stats/window (thresholds), /stats/counters (the judge). */
function edgeProxyMetrics(proxy: EdgeProxy): DemoMetrics {
  return { metrics: 'edge-proxy', address: proxy.adminUrl, countsAddress: proxy.adminUrl };
}

const WEB_FALLBACK = `the web provider against the edge proxy's own counters (examples/demo/${TEMPLATE_FILES['edge-proxy']})`;
export const PROMETHEUS_INSTALL_HINT = 'to install it: sudo apt-get install prometheus (or bash scripts/setup-prometheus.sh), then rerun the demo';

/** Prometheus when asked for and installed; otherwise the edge proxy's own counters, saying why. */
async function startDemoMetrics(options: DemoStackOptions, proxy: EdgeProxy, cleanup: CleanupStack): Promise<DemoMetrics> {
  if (options.metrics === 'edge-proxy') {
    options.say(`--metrics edge-proxy: the analysis uses ${WEB_FALLBACK}.`);
    return edgeProxyMetrics(proxy);
  }
  if (!isPrometheusInstalled('prometheus', process.env)) {
    options.say(`Prometheus is not installed; ${PROMETHEUS_INSTALL_HINT}.`);
    options.say(`Falling back: without Prometheus the analysis uses ${WEB_FALLBACK}.`);
    return edgeProxyMetrics(proxy);
  }
  try {
    const prometheus = await startPrometheus({ targets: [`127.0.0.1:${proxy.metricsPort}`], scrapeIntervalSeconds: 1, jobName: 'edge-proxy' });
    cleanup.push('Prometheus', () => prometheus.stop());
    return { metrics: 'prometheus', prometheus, address: prometheus.address, countsAddress: prometheus.address };
  } catch (error) {
    options.say(`Prometheus did not start (${(error as Error).message.split('\n')[0] ?? ''}).`);
    options.say(`Falling back: without Prometheus the analysis uses ${WEB_FALLBACK}.`);
    return edgeProxyMetrics(proxy);
  }
}

/** The "where to look" line for the analysis's metrics source. */
export function metricsWhereToLook(stack: DemoStack): string {
  if (stack.prometheus) {
    return `${'Prometheus:'.padEnd(29)}${stack.prometheus.address}/graph?g0.expr=sum%20by%20(envoy_cluster_name)%20(rate(envoy_cluster_upstream_rq_total%5B10s%5D))`;
  }
  return `${'analysis metrics:'.padEnd(29)}${windowStatsUrl(stack.proxy)}   (edge proxy's own counters, no Prometheus)`;
}

/** What the analysis reads, in one phrase for the narration. */
export function metricsNarration(stack: DemoStack): string {
  if (stack.prometheus) return `Prometheus ${stack.prometheus.address} scrapes the edge proxy every second`;
  return `the analysis reads the edge proxy's own counters at ${windowStatsUrl(stack.proxy)} (thresholds) and ${stack.countsAddress}/stats/counters (the judge's counts)`;
}

async function resetNamespace(options: DemoStackOptions): Promise<void> {
  const { kubeconfig, namespace } = options;
  const exists = await runKubectl({ kubeconfig, args: ['get', 'namespace', namespace, '--ignore-not-found', '-o', 'name'] });
  if (exists.trim() === '') {
    await runKubectl({ kubeconfig, args: ['create', 'namespace', namespace] });
    return;
  }
  const kinds = 'rollouts.kanary.dev,analysisruns.kanary.dev,analysistemplates.kanary.dev,mappings.getambassador.io,services,replicasets';
  await runKubectl({ kubeconfig, args: ['delete', kinds, '--all', '-n', namespace, '--wait=true', '--timeout=60s'] });
}

/** The controller, and the dashboard (served for the whole demo); resolves with the dashboard's URL. */
async function startProcesses(options: DemoStackOptions, cleanup: CleanupStack): Promise<string> {
  const logs = join(options.dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const controller = startDemoController({ repoRoot: options.repoRoot, kubeconfig: options.kubeconfig, namespace: options.namespace, logFile: join(logs, 'controller.log') });
  cleanup.push('the controller', () => controller.stop());
  options.say(`controller started (pid ${controller.pid ?? '?'}, log ${join(logs, 'controller.log')})`);
  const dashboard = await startDemoDashboard({ repoRoot: options.repoRoot, kubeconfig: options.kubeconfig, namespace: options.namespace, logFile: join(logs, 'dashboard.log') });
  cleanup.push('the dashboard', () => dashboard.stop());
  options.say(`dashboard: ${dashboard.url} (open it to watch the releases live)`);
  return dashboard.url;
}

/** Traffic that has not started: an empty tally. */
function idleTraffic(): TrafficGenerator {
  const tally = { sent: 0, completed: 0, errors: 0, byStatus: {}, byVersion: {}, failed: 0 };
  return { tally: () => tally, stop: () => Promise.resolve(tally), done: Promise.resolve(tally) };
}

function trafficKey(stack: DemoStack): SegmentKey {
  const facts = stack.observer.facts();
  return {
    release: stack.release,
    stepIndex: facts?.stepIndex,
    appliedWeight: stack.appliedCanaryWeight(),
    atStep: facts ? isAtCanaryStep(facts) : false,
  };
}

export async function startDemoStack(options: DemoStackOptions, cleanup: CleanupStack): Promise<DemoStack> {
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(options.kubeconfig);
  await resetNamespace(options);
  const dashboardUrl = await startProcesses(options, cleanup);
  const ambassadorId = `kanary-demo-${options.namespace}`;
  const proxy = await startEdgeProxy({ kubeConfig, logger: createSilentLogger(), ambassadorNamespace: options.namespace, ambassadorId, random: createEvenSpread() });
  cleanup.push('the edge proxy', () => proxy.stop());
  const { metrics, prometheus, address, countsAddress } = await startDemoMetrics(options, proxy, cleanup);
  const docs = buildDemoManifests({ repoRoot: options.repoRoot, metrics, metricsAddress: address, countsAddress, ambassadorId });
  await applyObjects(options.kubeconfig, options.namespace, docs);
  const ledger = new TrafficLedger();
  const stack = {
    kubeconfig: options.kubeconfig, kubeConfig, namespace: options.namespace, proxy, metrics, ...(prometheus ? { prometheus } : {}), countsAddress,
    ledger, appUrl: `${proxy.url}/demo/`, dashboardUrl, release: 'setup',
  } as DemoStack;
  stack.appliedCanaryWeight = () => canaryPercent(proxy, options.namespace);
  stack.observer = observeRollout({ kubeConfig, namespace: options.namespace, name: ROLLOUT_NAME, onChange: (facts) => options.onRolloutChange?.(facts, stack) });
  cleanup.push('the Rollout observer', async () => stack.observer.stop());
  stack.traffic = idleTraffic();
  stack.startTraffic = () => {
    stack.traffic = startTrafficGenerator({
      url: stack.appUrl,
      rps: options.rps,
      timeoutMs: 10_000,
      onResult: (_tally, last) => {
        const failed = last.status === undefined || last.status >= 500;
        stack.ledger.record(trafficKey(stack), { failed, version: last.version });
      },
    });
  };
  cleanup.push('the traffic generator', async () => { await stack.traffic.stop(); });
  return stack;
}
