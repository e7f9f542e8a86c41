/**
 * Scale: N Rollouts (1 replica each, steps setWeight 50 → setWeight 100) progressing at once on one
 * controller. Reports reconcile duration p50/p99 (kanary_reconcile_duration_seconds, interpolated
 * inside buckets as histogram_quantile does), step latency (canary ReplicaSet available → weight 50
 * seen), time until all are Healthy, controller peak RSS and CPU seconds (/proc), and the
 * controller's start-up time to /readyz with the N Rollouts present.
 */
import { benchRolloutDocs } from './lib/fixtures.js';
import { histogramBuckets, histogramQuantile, scrape } from './lib/metrics-text.js';
import type { WatchEvent } from './lib/object-watch.js';
import { readProcessStats } from './lib/process-stats.js';
import { writeResult } from './lib/results.js';
import { CONTROLLER_FLAGS, createAll, nextHealthy, openSession, setRolloutImage, type BenchSession } from './lib/session.js';
import { single, summarize, type Summary } from './lib/stats.js';

const STEPS = [{ setWeight: 50 }, { setWeight: 100 }];
const CONCURRENCY = 10;

const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `s${i}`);

async function inBatches(items: string[], work: (item: string) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map(work));
}

async function reconcileBuckets(session: BenchSession): Promise<Map<number, number>> {
  return histogramBuckets(await scrape(session.metricsUrl), 'kanary_reconcile_duration_seconds', (l) => l.controller === 'rollout');
}

async function stepSample(session: BenchSession, name: string, since: number): Promise<number> {
  const isNew = (e: WatchEvent): boolean => e.type === 'ADDED' && String(e.object.metadata?.name).startsWith(`${name}-`);
  const created = await session.replicaSets.next(isNew, { sinceMs: since, timeoutMs: 300_000, what: `${name} canary RS` });
  const rsName = created.object.metadata?.name;
  const available = await session.replicaSets.next((e) => e.object.metadata?.name === rsName && Number(e.object.status?.availableReplicas ?? 0) >= 1, { sinceMs: since, timeoutMs: 300_000, what: `${rsName} available` });
  const written = await session.mappings.next((e) => e.object.metadata?.name === `${name}-canary` && Number(e.object.spec?.weight) === 50, { sinceMs: since, timeoutMs: 300_000, what: `${name} weight 50` });
  return written.atMs - available.atMs;
}

async function readyAfterRestart(session: BenchSession): Promise<number> {
  await session.controller.stop();
  const started = Date.now();
  await session.restartController();
  for (;;) {
    const response = await fetch(`${session.metricsUrl}/readyz`).catch(() => undefined);
    if (response?.status === 200) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function sampleRss(pid: number, peak: { rssMb: number }): NodeJS.Timeout {
  return setInterval(() => {
    try {
      peak.rssMb = Math.max(peak.rssMb, readProcessStats(pid).rssMb);
    } catch {
      // the process is gone
    }
  }, 500);
}

async function progressAll(session: BenchSession, rollouts: string[]): Promise<{ stepMs: number[]; allHealthyMs: number }> {
  const since = Date.now();
  await inBatches(rollouts, (name) => setRolloutImage(session, name, 'bench/app:n2'));
  const stepMs = await Promise.all(rollouts.map((name) => stepSample(session, name, since)));
  await Promise.all(rollouts.map((name) => nextHealthy(session, name, since, 600_000)));
  return { stepMs, allHealthyMs: Date.now() - since };
}

async function scaleRun(n: number): Promise<Record<string, Summary>> {
  const session = await openSession(`scale-${n}`);
  try {
    const rollouts = names(n);
    await inBatches(rollouts, (name) => createAll(session, benchRolloutDocs({ name, replicas: 1, image: 'bench/app:n1', steps: STEPS })));
    await Promise.all(rollouts.map((name) => nextHealthy(session, name, 0, 600_000)));
    const pid = session.controller.child.pid ?? 0;
    const beforeCpu = readProcessStats(pid).cpuSeconds;
    const beforeBuckets = await reconcileBuckets(session);
    const peak = { rssMb: readProcessStats(pid).rssMb };
    const timer = sampleRss(pid, peak);
    const { stepMs, allHealthyMs } = await progressAll(session, rollouts);
    clearInterval(timer);
    const cpuSeconds = readProcessStats(pid).cpuSeconds - beforeCpu;
    const afterBuckets = await reconcileBuckets(session);
    const startupMs = await readyAfterRestart(session);
    console.log(`scale ${n}: step p50 ${summarize(stepMs, 'ms').median} ms, all Healthy in ${allHealthyMs} ms, RSS ${peak.rssMb} MB, CPU ${cpuSeconds} s, start-up ${startupMs} ms`);
    return {
      [`reconcileDurationP50_${n}`]: single(histogramQuantile(0.5, beforeBuckets, afterBuckets) * 1000, 'ms'),
      [`reconcileDurationP99_${n}`]: single(histogramQuantile(0.99, beforeBuckets, afterBuckets) * 1000, 'ms'),
      [`stepLatency_${n}`]: summarize(stepMs, 'ms'),
      [`allHealthy_${n}`]: single(allHealthyMs, 'ms'),
      [`controllerPeakRss_${n}`]: single(peak.rssMb, 'MB'),
      [`controllerCpu_${n}`]: single(cpuSeconds, 's'),
      [`startupToReady_${n}`]: single(startupMs, 'ms'),
    };
  } finally {
    await session.close();
  }
}

export async function runScale(sizes = [1, 10, 100]): Promise<void> {
  const metrics: Record<string, Summary> = {};
  for (const n of sizes) Object.assign(metrics, await scaleRun(n));
  writeResult('scale', metrics, { sizes, replicasPerRollout: 1, steps: STEPS, controllerFlags: [...CONTROLLER_FLAGS, '--workers 4 (default)'] });
}
