/**
 * Scale: N Rollouts (1 replica each, steps setWeight 50 → setWeight 100) progressing at once on one
 * controller. Reports reconcile duration p50/p99 (kanary_reconcile_duration_seconds, interpolated
 * inside buckets as histogram_quantile does), step latency (canary ReplicaSet available → weight 50
 * seen, computed afterwards from the recorded watch events), time until all are Healthy, controller
 * peak RSS and CPU seconds (/proc), the controller's start-up time to /readyz with the N Rollouts
 * present (after the old one settled: no request for 3 s), and the requests the new one makes in
 * its first 15 s (lists only, when nothing was left to do). Every wait is bounded: a size that does not finish within its budget reports how many
 * Rollouts got there and the figures of those.
 */
import * as k8s from '@kubernetes/client-node';
import { benchRolloutDocs } from './lib/fixtures.js';
import { countersBy, histogramBuckets, histogramQuantile, scrape } from './lib/metrics-text.js';
import type { WatchEvent } from './lib/object-watch.js';
import { readProcessStats } from './lib/process-stats.js';
import { writeResult } from './lib/results.js';
import { CHART_NODE_FLAGS, CONTROLLER_FLAGS, createAll, openSession, setRolloutImage, type BenchSession } from './lib/session.js';
import { single, summarize, type Summary } from './lib/stats.js';

const STEPS = [{ setWeight: 50 }, { setWeight: 100 }];
const CONCURRENCY = 10;
const AFTER_READY_MS = 15_000;

export const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `s${i}`);

export async function inBatches(items: string[], work: (item: string) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map(work));
}

/** Budget for a phase with n Rollouts: 1 minute plus 1 s per Rollout. */
export const budgetMs = (n: number): number => 60_000 + 1000 * n;

export async function reconcileBuckets(session: BenchSession): Promise<Map<number, number>> {
  return histogramBuckets(await scrape(session.metricsUrl), 'kanary_reconcile_duration_seconds', (l) => l.controller === 'rollout');
}

async function requestCounts(session: BenchSession): Promise<Map<string, number>> {
  return countersBy(await scrape(session.metricsUrl), 'kanary_kubernetes_requests_total', ['verb', 'resource']);
}

function isHealthy(e: WatchEvent): boolean {
  const s = e.object.status;
  return s?.observedGeneration === e.object.metadata?.generation && s?.phase === 'Healthy' && s?.stableRS === s?.currentPodHash;
}

/** Rollouts Healthy on their current revision, by the latest event of each since sinceMs. */
export function healthySince(session: BenchSession, sinceMs: number): Map<string, number> {
  const healthy = new Map<string, number>();
  for (const e of session.rollouts.events.filter((event) => event.atMs >= sinceMs)) {
    const name = String(e.object.metadata?.name);
    if (!isHealthy(e)) healthy.delete(name);
    else if (!healthy.has(name)) healthy.set(name, e.atMs);
  }
  return healthy;
}

/** Waits (bounded) until every Rollout is Healthy since sinceMs; returns how many are. */
export async function waitAllHealthy(session: BenchSession, input: { count: number; sinceMs: number; budgetMs: number }): Promise<number> {
  const deadline = Date.now() + input.budgetMs;
  for (;;) {
    const healthy = healthySince(session, input.sinceMs).size;
    if (healthy >= input.count || Date.now() > deadline) return healthy;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Step latency of one Rollout from recorded events: its new ReplicaSet available → weight 50 seen. */
function stepSample(session: BenchSession, name: string, since: number): number | undefined {
  const after = (e: WatchEvent): boolean => e.atMs >= since;
  const created = session.replicaSets.events.find((e) => after(e) && e.type === 'ADDED' && String(e.object.metadata?.name).startsWith(`${name}-`));
  const rsName = created?.object.metadata?.name;
  if (rsName === undefined) return undefined;
  const available = session.replicaSets.events.find((e) => after(e) && e.object.metadata?.name === rsName && Number(e.object.status?.availableReplicas ?? 0) >= 1);
  const written = session.mappings.events.find((e) => after(e) && e.object.metadata?.name === `${name}-canary` && Number(e.object.spec?.weight) === 50);
  return available && written ? written.atMs - available.atMs : undefined;
}

/** Until the controller's request counters stop moving for 3 s (deferred scale-downs, Mapping deletions), bounded. */
export async function settle(session: BenchSession, budget: number): Promise<void> {
  const deadline = Date.now() + budget;
  let last = JSON.stringify([...(await requestCounts(session))]);
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 3000));
    const now = JSON.stringify([...(await requestCounts(session))]);
    if (now === last) return;
    last = now;
  }
}

async function readyAfterRestart(session: BenchSession, n: number): Promise<{ startupMs: number; requestsAfterReady: Record<string, number> }> {
  await settle(session, budgetMs(n));
  await session.controller.stop();
  const started = Date.now();
  await session.restartController();
  // /readyz is served by the probe server, on its own port (the metrics server answers 404).
  const probes = await session.controller.probesUrl();
  const deadline = started + budgetMs(n);
  for (;;) {
    const response = await fetch(`${probes}/readyz`).catch(() => undefined);
    if (response?.status === 200) break;
    if (Date.now() > deadline) throw new Error(`scale ${n}: the restarted controller was not ready within ${budgetMs(n)} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const startupMs = Date.now() - started;
  await new Promise((r) => setTimeout(r, AFTER_READY_MS));
  return { startupMs, requestsAfterReady: Object.fromEntries(await requestCounts(session)) };
}

export function sampleRss(pid: number, peak: { rssMb: number }): NodeJS.Timeout {
  return setInterval(() => {
    try {
      peak.rssMb = Math.max(peak.rssMb, readProcessStats(pid).rssMb);
    } catch {
      // the process is gone
    }
  }, 500);
}

interface Progress {
  stepMs: number[];
  healthy: number;
  allHealthyMs: number;
}

async function progressAll(session: BenchSession, rollouts: string[]): Promise<Progress> {
  const since = Date.now();
  await inBatches(rollouts, (name) => setRolloutImage(session, name, 'bench/app:n2'));
  const healthy = await waitAllHealthy(session, { count: rollouts.length, sinceMs: since, budgetMs: budgetMs(rollouts.length) });
  const allHealthyMs = Date.now() - since;
  const stepMs = rollouts.map((name) => stepSample(session, name, since)).filter((v): v is number => v !== undefined);
  return { stepMs, healthy, allHealthyMs };
}

async function deployAll(session: BenchSession, rollouts: string[]): Promise<{ healthy: number; ms: number }> {
  const since = Date.now();
  await inBatches(rollouts, (name) => createAll(session, benchRolloutDocs({ name, replicas: 1, image: 'bench/app:n1', steps: STEPS, headless: true })));
  const healthy = await waitAllHealthy(session, { count: rollouts.length, sinceMs: 0, budgetMs: budgetMs(rollouts.length) });
  return { healthy, ms: Date.now() - since };
}

interface SizeResult {
  metrics: Record<string, Summary>;
  details: Record<string, unknown>;
}

async function scaleRun(n: number): Promise<SizeResult> {
  const session = await openSession(`scale-${n}`);
  try {
    const rollouts = names(n);
    const deployed = await deployAll(session, rollouts);
    console.log(`scale ${n}: ${deployed.healthy}/${n} deployed Healthy in ${deployed.ms} ms`);
    const pid = session.controller.child.pid ?? 0;
    const beforeCpu = readProcessStats(pid).cpuSeconds;
    const beforeBuckets = await reconcileBuckets(session);
    const peak = { rssMb: readProcessStats(pid).rssMb };
    const timer = sampleRss(pid, peak);
    const progress = await progressAll(session, rollouts);
    clearInterval(timer);
    const cpuSeconds = readProcessStats(pid).cpuSeconds - beforeCpu;
    const afterBuckets = await reconcileBuckets(session);
    const restart = await readyAfterRestart(session, n);
    console.log(`scale ${n}: ${progress.healthy}/${n} progressed to Healthy in ${progress.allHealthyMs} ms, step p50 ${summarize(progress.stepMs, 'ms').median} ms, RSS ${peak.rssMb} MB, CPU ${cpuSeconds} s, start-up ${restart.startupMs} ms`);
    return {
      metrics: {
        [`reconcileDurationP50_${n}`]: single(histogramQuantile(0.5, beforeBuckets, afterBuckets) * 1000, 'ms'),
        [`reconcileDurationP99_${n}`]: single(histogramQuantile(0.99, beforeBuckets, afterBuckets) * 1000, 'ms'),
        [`stepLatency_${n}`]: summarize(progress.stepMs, 'ms'),
        [`allHealthy_${n}`]: single(progress.allHealthyMs, 'ms'),
        [`progressedHealthy_${n}`]: single(progress.healthy, 'rollouts'),
        [`controllerPeakRss_${n}`]: single(peak.rssMb, 'MB'),
        [`controllerCpu_${n}`]: single(cpuSeconds, 's'),
        // Everything the controller did while the n Rollouts went through their 2 setWeight steps.
        [`cpuPerSetWeightStep_${n}`]: single(Math.round(((cpuSeconds * 1000) / (n * STEPS.length)) * 10) / 10, 'ms'),
        [`startupToReady_${n}`]: single(restart.startupMs, 'ms'),
      },
      details: { [`size${n}`]: { deployedHealthy: deployed.healthy, deployMs: deployed.ms, budgetMs: budgetMs(n), requestsInFirst15sAfterReady: restart.requestsAfterReady } },
    };
  } finally {
    await session.close();
    await namespaceGone(session);
  }
}

/** The next size starts on a quiet cluster: waits (bounded, 3 min) until the namespace is deleted. */
export async function namespaceGone(session: BenchSession): Promise<void> {
  const core = session.kc.makeApiClient(k8s.CoreV1Api);
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const found = await core.readNamespace({ name: session.namespace }).then(() => true, () => false);
    if (!found) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Sizes from KANARY_BENCH_SCALE_SIZES (e.g. "1,10,100,500"), default 1, 10, 100, 500. */
function sizes(): number[] {
  const text = process.env.KANARY_BENCH_SCALE_SIZES ?? '1,10,100,500';
  return text.split(',').map((s) => Number.parseInt(s.trim(), 10)).filter((n) => n > 0);
}

/** Writes the result after every size, so a later size that fails leaves the earlier figures. */
export async function runScale(chosen = sizes()): Promise<void> {
  const metrics: Record<string, Summary> = {};
  const details: Record<string, unknown> = { sizes: chosen, replicasPerRollout: 1, steps: STEPS, services: 'headless (the local API server\'s Service range is a /24)', controllerFlags: [...CONTROLLER_FLAGS, '--workers 10 (default)'], controllerNodeFlags: [...CHART_NODE_FLAGS, ...(process.env.KANARY_CONTROLLER_NODE_FLAGS?.split(' ').filter(Boolean) ?? [])] };
  for (const n of chosen) {
    const result = await scaleRun(n);
    Object.assign(metrics, result.metrics);
    Object.assign(details, result.details);
    writeResult('scale', metrics, details);
  }
}
