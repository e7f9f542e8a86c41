/**
 * Everything the demo runs besides the cluster: the controller, Prometheus scraping the edge proxy
 * every second, the edge proxy, the demo objects, a steady traffic generator tallied per segment,
 * and an observer of the Rollout. Each piece registers its stop function as it starts.
 */
import * as k8s from '@kubernetes/client-node';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createSilentLogger } from '../../telemetry/logger.js';
import { startEdgeProxy, type EdgeProxy } from '../edge-proxy/edge-proxy.js';
import { startTrafficGenerator, type TrafficGenerator } from '../edge-proxy/traffic-generator.js';
import { isPrometheusInstalled, startPrometheus, type PrometheusHandle } from '../prometheus/prometheus.js';
import type { CleanupStack } from './cleanup-stack.js';

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
import { buildDemoManifests } from './demo-manifests.js';
import { applyObjects, runKubectl } from './kubectl.js';
import { isAtCanaryStep, observeRollout, type RolloutFacts, type RolloutObserver } from './rollout-observer.js';
import { TrafficLedger, type SegmentKey } from './traffic-ledger.js';

export const ROLLOUT_NAME = 'demo';

export interface DemoStackOptions {
  repoRoot: string;
  dir: string;
  kubeconfig: string;
  namespace: string;
  rps: number;
  say: (line: string) => void;
  onRolloutChange?: (facts: RolloutFacts, stack: DemoStack) => void;
}

export interface DemoStack {
  kubeconfig: string;
  kubeConfig: k8s.KubeConfig;
  namespace: string;
  proxy: EdgeProxy;
  prometheus: PrometheusHandle;
  traffic: TrafficGenerator;
  ledger: TrafficLedger;
  observer: RolloutObserver;
  appUrl: string;
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

async function startDemoPrometheus(options: DemoStackOptions, proxy: EdgeProxy, cleanup: CleanupStack): Promise<PrometheusHandle> {
  if (!isPrometheusInstalled()) {
    throw new Error('prometheus is not installed: run bash scripts/setup-prometheus.sh (Debian package `prometheus`), or install Prometheus 2.x on PATH');
  }
  const prometheus = await startPrometheus({ targets: [`127.0.0.1:${proxy.metricsPort}`], scrapeIntervalSeconds: 1, jobName: 'edge-proxy' });
  cleanup.push('Prometheus', () => prometheus.stop());
  return prometheus;
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

function startProcesses(options: DemoStackOptions, cleanup: CleanupStack): void {
  const logs = join(options.dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const controller = startDemoController({ repoRoot: options.repoRoot, kubeconfig: options.kubeconfig, namespace: options.namespace, logFile: join(logs, 'controller.log') });
  cleanup.push('the controller', () => controller.stop());
  options.say(`controller started (pid ${controller.pid ?? '?'}, log ${join(logs, 'controller.log')})`);
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
  startProcesses(options, cleanup);
  const ambassadorId = `kanary-demo-${options.namespace}`;
  const proxy = await startEdgeProxy({ kubeConfig, logger: createSilentLogger(), ambassadorNamespace: options.namespace, ambassadorId, random: createEvenSpread() });
  cleanup.push('the edge proxy', () => proxy.stop());
  const prometheus = await startDemoPrometheus(options, proxy, cleanup);
  const docs = buildDemoManifests({ repoRoot: options.repoRoot, prometheusAddress: prometheus.address, ambassadorId });
  await applyObjects(options.kubeconfig, options.namespace, docs);
  const ledger = new TrafficLedger();
  const stack = { kubeconfig: options.kubeconfig, kubeConfig, namespace: options.namespace, proxy, prometheus, ledger, appUrl: `${proxy.url}/demo/`, release: 'setup' } as DemoStack;
  stack.appliedCanaryWeight = () => canaryPercent(proxy, options.namespace);
  stack.observer = observeRollout({ kubeConfig, namespace: options.namespace, name: ROLLOUT_NAME, onChange: (facts) => options.onRolloutChange?.(facts, stack) });
  cleanup.push('the Rollout observer', async () => stack.observer.stop());
  stack.traffic = startTrafficGenerator({
    url: stack.appUrl,
    rps: options.rps,
    timeoutMs: 10_000,
    onResult: (_tally, last) => {
      const failed = last.status === undefined || last.status >= 500;
      stack.ledger.record(trafficKey(stack), { failed, version: last.version });
    },
  });
  cleanup.push('the traffic generator', async () => { await stack.traffic.stop(); });
  return stack;
}
