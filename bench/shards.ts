/**
 * `npm run bench shards` (issue 20): N Rollouts (default 1000; KANARY_BENCH_SHARD_ROLLOUTS), half of
 * them then progressing to a new revision (steps setWeight 50 → 100), on the controller run as 1, 2
 * and 4 shard processes (KANARY_BENCH_SHARDS, default "1,2,4"; each shard `--shards M --shard-index
 * I`, the harness's KANARY_TEST_SHARDS). Reports per shard: the Rollouts it owns, its reconciles,
 * CPU seconds and peak RSS while the half progressed; the time until all were Healthy; what the API
 * server and etcd used meanwhile; and, from the Events and the release journals, that every
 * progressed Rollout completed its new revision exactly once and was written for by one process
 * only, the one of its shard.
 */
import * as k8s from '@kubernetes/client-node';
import { readdirSync, readFileSync } from 'node:fs';
import { shardOfKey } from '../src/core/shard.js';
import type { ControllerProcess } from '../test/harness/controller-process.js';
import { benchRolloutDocs } from './lib/fixtures.js';
import { countersBy, scrape } from './lib/metrics-text.js';
import type { Obj } from './lib/object-watch.js';
import { readProcessStats } from './lib/process-stats.js';
import { writeResult } from './lib/results.js';
import { createAll, openSession, setRolloutImage, telemetryUrl, type BenchSession } from './lib/session.js';
import { single, type Summary } from './lib/stats.js';
import { budgetMs, inBatches, namespaceGone, names, sampleRss, waitAllHealthy } from './scale.js';

const STEPS = [{ setWeight: 50 }, { setWeight: 100 }];

function commandLines(): Array<{ pid: number; args: string[] }> {
  const out: Array<{ pid: number; args: string[] }> = [];
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      out.push({ pid: Number(entry), args: readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0') });
    } catch {
      // the process is gone
    }
  }
  return out;
}

const flagValue = (args: string[], flag: string): string | undefined => args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);

/** Pids of the bench cluster's API server (by the kubeconfig's port) and of its etcd (by the API server's --etcd-servers). */
function controlPlanePids(kc: k8s.KubeConfig): Record<string, number> {
  const port = new URL(kc.getCurrentCluster()?.server ?? 'https://127.0.0.1:0').port;
  const lines = commandLines();
  const apiServer = lines.find((l) => (l.args[0] ?? '').endsWith('/kube-apiserver') && flagValue(l.args, '--secure-port') === port);
  const etcdUrl = apiServer ? flagValue(apiServer.args, '--etcd-servers') : undefined;
  const etcd = lines.find((l) => (l.args[0] ?? '').endsWith('/etcd') && etcdUrl !== undefined && (flagValue(l.args, '--listen-client-urls') ?? '').includes(etcdUrl));
  return { ...(apiServer ? { 'kube-apiserver': apiServer.pid } : {}), ...(etcd ? { etcd: etcd.pid } : {}) };
}

function cpuOf(pids: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, readProcessStats(pid).cpuSeconds]));
}

async function reconcileCount(controller: ControllerProcess): Promise<number> {
  const url = await telemetryUrl(controller);
  const counts = countersBy(await scrape(url), 'kanary_reconcile_duration_seconds_count', ['controller']);
  return counts.get('rollout') ?? 0;
}

interface Audit {
  /** Progressed Rollouts whose journal shows their new revision completed exactly once. */
  completedOnce: number;
  /** Rollouts whose Events came from more than one process. */
  writtenByTwo: string[];
  /** Rollouts whose Events came from a process of another shard. */
  wrongShard: string[];
}

/** Events and journals: one completion per progressed Rollout, each Rollout's Events from one process, of its shard. */
async function audit(session: BenchSession, progressed: string[], identityShard: Map<string, number>, shards: number): Promise<Audit> {
  const core = session.kc.makeApiClient(k8s.CoreV1Api);
  const events = (await core.listNamespacedEvent({ namespace: session.namespace, fieldSelector: 'involvedObject.kind=Rollout' })).items;
  const writers = new Map<string, Set<string>>();
  for (const event of events) {
    const name = event.involvedObject.name ?? '';
    const set = writers.get(name) ?? new Set<string>();
    set.add(event.reportingInstance ?? '');
    writers.set(name, set);
  }
  const custom = session.kc.makeApiClient(k8s.CustomObjectsApi);
  const rollouts = ((await custom.listNamespacedCustomObject({ group: 'kanary.dev', version: 'v1alpha1', plural: 'rollouts', namespace: session.namespace })) as { items: Obj[] }).items;
  const completedOnce = rollouts.filter((r) => progressed.includes(String(r.metadata?.name))).filter((r) => {
    const entries = ((r.status?.journal as { entries?: Array<{ decision: string; revision: number }> } | undefined)?.entries ?? []);
    return entries.filter((e) => e.decision === 'Completed' && e.revision === 2).length === 1;
  }).length;
  const writtenByTwo = [...writers].filter(([, set]) => set.size > 1).map(([name]) => name);
  const wrongShard = [...writers].filter(([name, set]) => [...set].some((id) => identityShard.get(id) !== shardOfKey(`${session.namespace}/${name}`, shards))).map(([name]) => name);
  return { completedOnce, writtenByTwo, wrongShard };
}

/** The identity (hostname_pid by default) each shard process writes Events under. */
function identities(parts: readonly ControllerProcess[]): Map<string, number> {
  const map = new Map<string, number>();
  parts.forEach((part, shard) => {
    const line = part.logs.find((l) => l.includes('controller started'));
    const identity = line ? (JSON.parse(line) as { identity?: string }).identity : undefined;
    if (identity) map.set(identity, shard);
  });
  return map;
}

interface ShardFigures {
  owned: number;
  reconciles: number;
  cpuSeconds: number;
  peakRssMb: number;
}

async function shardFigures(session: BenchSession, run: { parts: readonly ControllerProcess[]; shards: number; rollouts: string[] }, work: () => Promise<void>): Promise<ShardFigures[]> {
  const { parts, shards, rollouts } = run;
  const pids = parts.map((part) => part.child.pid ?? 0);
  const cpuBefore = pids.map((pid) => readProcessStats(pid).cpuSeconds);
  const reconcilesBefore = await Promise.all(parts.map(reconcileCount));
  const peaks = pids.map((pid) => ({ rssMb: readProcessStats(pid).rssMb }));
  const timers = pids.map((pid, i) => sampleRss(pid, peaks[i] ?? { rssMb: 0 }));
  try {
    await work();
  } finally {
    for (const timer of timers) clearInterval(timer);
  }
  const reconcilesAfter = await Promise.all(parts.map(reconcileCount));
  return parts.map((_, shard) => ({
    owned: rollouts.filter((name) => shardOfKey(`${session.namespace}/${name}`, shards) === shard).length,
    reconciles: (reconcilesAfter[shard] ?? 0) - (reconcilesBefore[shard] ?? 0),
    cpuSeconds: Math.round((readProcessStats(pids[shard] ?? 0).cpuSeconds - (cpuBefore[shard] ?? 0)) * 10) / 10,
    peakRssMb: peaks[shard]?.rssMb ?? 0,
  }));
}

async function shardRun(shards: number, total: number): Promise<{ metrics: Record<string, Summary>; details: Record<string, unknown> }> {
  process.env.KANARY_TEST_SHARDS = String(shards);
  const session = await openSession(`shards-${shards}`);
  try {
    const rollouts = names(total);
    const progressed = rollouts.slice(0, Math.floor(total / 2));
    const deployStart = Date.now();
    await inBatches(rollouts, (name) => createAll(session, benchRolloutDocs({ name, replicas: 1, image: 'bench/app:n1', steps: STEPS, headless: true })));
    const deployed = await waitAllHealthy(session, { count: total, sinceMs: 0, budgetMs: budgetMs(total) });
    const deployMs = Date.now() - deployStart;
    const parts = session.controller.parts ?? [session.controller];
    const plane = controlPlanePids(session.kc);
    const planeBefore = cpuOf(plane);
    let healthy = 0;
    let allHealthyMs = 0;
    const perShard = await shardFigures(session, { parts, shards, rollouts }, async () => {
      const since = Date.now();
      await inBatches(progressed, (name) => setRolloutImage(session, name, 'bench/app:n2'));
      healthy = await waitAllHealthy(session, { count: progressed.length, sinceMs: since, budgetMs: budgetMs(progressed.length) });
      allHealthyMs = Date.now() - since;
    });
    const planeAfter = cpuOf(plane);
    const planeCpu = Object.fromEntries(Object.keys(plane).map((name) => [name, Math.round(((planeAfter[name] ?? 0) - (planeBefore[name] ?? 0)) * 10) / 10]));
    const checks = await audit(session, progressed, identities(parts), shards);
    console.log(`shards ${shards}: ${deployed}/${total} deployed in ${deployMs} ms; ${healthy}/${progressed.length} progressed in ${allHealthyMs} ms; per shard ${JSON.stringify(perShard)}; control plane CPU ${JSON.stringify(planeCpu)}; completed once ${checks.completedOnce}; written by two ${checks.writtenByTwo.length}; wrong shard ${checks.wrongShard.length}`);
    const cpu = perShard.map((s) => s.cpuSeconds);
    return {
      metrics: {
        [`allHealthy_${shards}`]: single(allHealthyMs, 'ms'),
        [`progressedHealthy_${shards}`]: single(healthy, 'rollouts'),
        [`controllerCpuTotal_${shards}`]: single(Math.round(cpu.reduce((a, b) => a + b, 0) * 10) / 10, 's'),
        [`controllerCpuBusiestShard_${shards}`]: single(Math.max(...cpu), 's'),
        [`controllerPeakRssLargestShard_${shards}`]: single(Math.max(...perShard.map((s) => s.peakRssMb)), 'MB'),
        [`apiServerCpu_${shards}`]: single(planeCpu['kube-apiserver'] ?? Number.NaN, 's'),
        [`etcdCpu_${shards}`]: single(planeCpu.etcd ?? Number.NaN, 's'),
        [`completedExactlyOnce_${shards}`]: single(checks.completedOnce, 'rollouts'),
        [`rolloutsWrittenByTwoProcesses_${shards}`]: single(checks.writtenByTwo.length, 'rollouts'),
        [`rolloutsWrittenByAnotherShard_${shards}`]: single(checks.wrongShard.length, 'rollouts'),
      },
      details: { [`shards${shards}`]: { total, progressed: progressed.length, deployed, deployMs, perShard, controlPlaneCpuSeconds: planeCpu, writtenByTwo: checks.writtenByTwo.slice(0, 10), wrongShard: checks.wrongShard.slice(0, 10) } },
    };
  } finally {
    await session.close();
    await namespaceGone(session);
    delete process.env.KANARY_TEST_SHARDS;
  }
}

function shardCounts(): number[] {
  return (process.env.KANARY_BENCH_SHARDS ?? '1,2,4').split(',').map((s) => Number.parseInt(s.trim(), 10)).filter((n) => n > 0);
}

/** Writes the result after every shard count, so a later count that fails leaves the earlier figures. */
export async function runShards(): Promise<void> {
  const total = Number(process.env.KANARY_BENCH_SHARD_ROLLOUTS ?? 1000);
  const metrics: Record<string, Summary> = {};
  const details: Record<string, unknown> = { rollouts: total, progressing: Math.floor(total / 2), replicasPerRollout: 1, steps: STEPS, services: 'headless' };
  for (const shards of shardCounts()) {
    const result = await shardRun(shards, total);
    Object.assign(metrics, result.metrics);
    Object.assign(details, result.details);
    writeResult('shards', metrics, details);
  }
}
