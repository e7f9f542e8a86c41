/**
 * `npm run bench shard-takeover` (issue 20): how long a shard is without a leader when its leader
 * dies. Shard 0 of 2 runs a leader and a standby, shard 1 one process, all with the default Lease
 * timings (15 s duration, 10 s renew deadline, 2 s retry). Each round SIGKILLs shard 0's current
 * leader, at once gives shard 0's Rollouts a new image, and measures until the Lease names the
 * standby (takeover) and until the standby has reconciled every one of those Rollouts onto the new
 * revision (resumed). A fresh standby is started for the next round.
 */
import * as k8s from '@kubernetes/client-node';
import { shardOfKey } from '../src/core/shard.js';
import { createTestNamespace, deleteTestNamespace, loadTestKubeConfig } from '../test/harness/cluster.js';
import { startController, type ControllerProcess } from '../test/harness/controller-process.js';
import { benchRolloutDocs } from './lib/fixtures.js';
import type { Obj } from './lib/object-watch.js';
import { writeResult } from './lib/results.js';
import { summarize } from './lib/stats.js';
import { createAll, setRolloutImage } from './lib/session.js';

const ROUNDS = 3;
const PER_SHARD = 5;
const LEASE = 'kanary-controller-shard-0';
const STEPS = [{ setWeight: 50 }, { setWeight: 100 }];
const POLL_MS = 100;
const ROUND_BUDGET_MS = 90_000;

interface World {
  kc: k8s.KubeConfig;
  namespace: string;
  processes: Map<string, ControllerProcess>;
}

function launch(world: World, identity: string, index: number): void {
  const flags = ['--shards', '2', '--shard-index', String(index), '--log-level', 'info', '--mapping-propagation-delay', '1s'];
  world.processes.set(identity, startController({ namespace: world.namespace, identity, flags }));
}

async function holder(world: World): Promise<string | undefined> {
  const lease = await world.kc.makeApiClient(k8s.CoordinationV1Api).readNamespacedLease({ namespace: world.namespace, name: LEASE }).catch(() => undefined);
  return lease?.spec?.holderIdentity ?? undefined;
}

async function rollout(world: World, name: string): Promise<Obj> {
  const custom = world.kc.makeApiClient(k8s.CustomObjectsApi);
  return (await custom.getNamespacedCustomObject({ group: 'kanary.dev', version: 'v1alpha1', namespace: world.namespace, plural: 'rollouts', name })) as Obj;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ROUND_BUDGET_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`shard-takeover: no ${what} within ${ROUND_BUDGET_MS} ms`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Every Rollout Healthy on a revision other than `before` (its pod hash by name), observed at its generation. */
async function allMovedOn(world: World, before: Map<string, string>): Promise<true | undefined> {
  for (const [name, hash] of before) {
    const ro = await rollout(world, name);
    const s = ro.status ?? {};
    if (s.observedGeneration !== ro.metadata?.generation || s.currentPodHash === hash || s.phase !== 'Healthy') return undefined;
  }
  return true;
}

async function setImages(world: World, names: string[], image: string): Promise<Map<string, string>> {
  const before = new Map<string, string>();
  for (const name of names) {
    before.set(name, String((await rollout(world, name)).status?.currentPodHash ?? ''));
    await setRolloutImage(world, name, image);
  }
  return before;
}

async function round(world: World, names: string[], n: number): Promise<{ takeoverMs: number; resumedMs: number }> {
  const leader = await until('shard 0 leader', () => holder(world));
  const killed = world.processes.get(leader);
  if (!killed) throw new Error(`shard-takeover: the Lease names ${leader}, not one of this bench's processes`);
  const started = Date.now();
  await killed.kill();
  world.processes.delete(leader);
  const before = await setImages(world, names, `bench/app:takeover-${n}`);
  await until('new holder', async () => ((await holder(world)) !== leader ? true : undefined));
  const takeoverMs = Date.now() - started;
  await until('shard 0 Rollouts on the new revision', () => allMovedOn(world, before));
  const resumedMs = Date.now() - started;
  launch(world, `shard0-r${n}`, 0);
  return { takeoverMs, resumedMs };
}

function shardNames(namespace: string): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < PER_SHARD; i++) if (shardOfKey(`${namespace}/t${i}`, 2) === 0) out.push(`t${i}`);
  return out;
}

export async function runShardTakeover(): Promise<void> {
  const kc = loadTestKubeConfig();
  const world: World = { kc, namespace: await createTestNamespace('bench-takeover', kc), processes: new Map() };
  try {
    launch(world, 'shard0-a', 0);
    launch(world, 'shard0-b', 0);
    launch(world, 'shard1-a', 1);
    const names = shardNames(world.namespace);
    for (const name of names) await createAll(world, benchRolloutDocs({ name, replicas: 1, image: 'bench/app:n1', steps: STEPS, headless: true }));
    await until('shard 0 Rollouts Healthy', () => allMovedOn(world, new Map(names.map((name) => [name, '']))));
    const rounds = [];
    for (let n = 1; n <= ROUNDS; n++) {
      const result = await round(world, names, n);
      console.log(`shard-takeover round ${n}: Lease taken over after ${result.takeoverMs} ms, ${names.length} Rollouts on the new revision after ${result.resumedMs} ms`);
      rounds.push(result);
    }
    writeResult('shard-takeover', {
      takeover: summarize(rounds.map((r) => r.takeoverMs), 'ms'),
      resumed: summarize(rounds.map((r) => r.resumedMs), 'ms'),
    }, { rounds: ROUNDS, rolloutsOnShard0: names.length, leaseDuration: '15s', renewDeadline: '10s', retryPeriod: '2s' });
  } finally {
    await Promise.all([...world.processes.values()].map((p) => p.stop()));
    await deleteTestNamespace(world.namespace, kc);
  }
}
