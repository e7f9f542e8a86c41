/**
 * Issue 20 item 4: `--shards 2`, shard 0 with a standby. Every Rollout is reconciled by the process
 * of its shard and by no other; the shard Leases name their holders and the count; when shard 0's
 * leader is killed its standby takes its Rollouts over; a process started with another shard count
 * never leads while the others hold their Leases.
 */
import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { SHARDS_ANNOTATION, shardOfKey } from '../../src/core/shard.js';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, loadExample, setImage, tweakExample, type Obj } from '../controller/rollout-fixtures.js';

jest.setTimeout(300_000);

const ns = useTestNamespace('shards');
const started: ControllerProcess[] = [];
let view: ClusterView;
const TIMINGS = ['--lease-duration', '4s', '--renew-deadline', '3s', '--retry-period', '500ms'];

/** Names until each of the 2 shards has 2 Rollouts. */
function rolloutNames(namespace: string): string[] {
  const names: string[] = [];
  const perShard = [0, 0];
  for (let i = 0; perShard.some((n) => n < 2); i += 1) {
    const name = `app-${i}`;
    const shard = shardOfKey(`${namespace}/${name}`, 2);
    if ((perShard[shard] ?? 0) < 2) {
      names.push(name);
      perShard[shard] = (perShard[shard] ?? 0) + 1;
    }
  }
  return names;
}

function rolloutDoc(name: string): Obj {
  const [base] = tweakExample(loadExample('canary-timed'), {
    replicas: 1,
    trafficRouting: false,
    steps: [{ setWeight: 50 }, { pause: { duration: '1s' } }],
    scaleDownDelaySeconds: 0,
  }).filter((doc) => doc.kind === 'Rollout');
  const ro = structuredClone(base as Obj);
  ro.metadata.name = name;
  ro.spec.selector.matchLabels = { app: name };
  ro.spec.template.metadata.labels = { app: name };
  return ro;
}

function launch(identity: string, shards: number, index: number): ControllerProcess {
  const c = startController({ namespace: ns.name, identity, flags: ['--shards', String(shards), '--shard-index', String(index), '--log-level', 'info', ...TIMINGS] });
  started.push(c);
  return c;
}

/** The Rollouts a controller acted on (its `action` log lines). */
function actedOn(c: ControllerProcess): Set<string> {
  const names = new Set<string>();
  for (const line of c.logs) {
    try {
      const entry = JSON.parse(line) as Obj;
      if (entry.msg === 'action' && typeof entry.rollout === 'string') names.add(entry.rollout);
    } catch { /* not a log line */ }
  }
  return names;
}

async function lease(name: string): Promise<k8s.V1Lease | undefined> {
  try {
    return await ns.kc.makeApiClient(k8s.CoordinationV1Api).readNamespacedLease({ namespace: ns.name, name });
  } catch {
    return undefined;
  }
}

async function allReleased(names: string[], image: string): Promise<void> {
  await waitFor(async () => {
    for (const name of names) {
      const ro = await view.rollout(name);
      const s = ro.status ?? {};
      if (s.phase !== 'Healthy' || s.stableRS !== s.currentPodHash || ro.spec.template.spec.containers[0].image !== image) return undefined;
    }
    return true;
  }, { timeoutMs: 150_000, description: `every Rollout Healthy on ${image}` });
}

let names: string[];
const shardOf = (name: string): number => shardOfKey(`${ns.name}/${name}`, 2);
let shard0: ControllerProcess[];
let shard1: ControllerProcess;

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  names = rolloutNames(ns.name);
  shard0 = [launch('shard0-a', 2, 0), launch('shard0-b', 2, 0)];
  shard1 = launch('shard1-a', 2, 1);
  await Promise.all(started.map((c) => c.metricsUrl()));
});

afterAll(async () => {
  await Promise.all(started.map((c) => c.stop()));
});

test('each Rollout is released by its own shard and no other; each shard Lease names its holder and the count', async () => {
  await applyDocs(ns.name, names.map(rolloutDoc));
  await allReleased(names, 'kanary/demo-app:v1');
  for (const name of names) await setImage(ns.name, 'kanary/demo-app:v2', name);
  await allReleased(names, 'kanary/demo-app:v2');

  const lease0 = await lease('kanary-controller-shard-0');
  const lease1 = await lease('kanary-controller-shard-1');
  expect(lease0?.metadata?.annotations?.[SHARDS_ANNOTATION]).toBe('2');
  expect(lease1?.metadata?.annotations?.[SHARDS_ANNOTATION]).toBe('2');
  expect(lease1?.spec?.holderIdentity).toBe('shard1-a');
  expect(['shard0-a', 'shard0-b']).toContain(lease0?.spec?.holderIdentity);
  expect(await lease('kanary-controller')).toBeUndefined();

  const leader0 = shard0.find((c) => c.logs.some((l) => l.includes('became leader')));
  const standby0 = shard0.find((c) => c !== leader0);
  expect(leader0).toBeDefined();
  expect([...actedOn(leader0 as ControllerProcess)].sort()).toEqual(names.filter((n) => shardOf(n) === 0).sort());
  expect([...actedOn(shard1)].sort()).toEqual(names.filter((n) => shardOf(n) === 1).sort());
  expect(actedOn(standby0 as ControllerProcess).size).toBe(0);
});

test('shard 0 leader killed: its standby takes shard 0 over and releases its Rollouts; shard 1 is untouched', async () => {
  const leader0 = shard0.find((c) => c.logs.some((l) => l.includes('became leader'))) as ControllerProcess;
  const standby0 = shard0.find((c) => c !== leader0) as ControllerProcess;
  const shard1Before = actedOn(shard1);
  leader0.child.kill('SIGKILL');
  await waitFor(() => standby0.logs.some((l) => l.includes('became leader')) || undefined, { timeoutMs: 30_000, description: 'the standby leads shard 0' });
  expect((await lease('kanary-controller-shard-0'))?.spec?.holderIdentity).toBe(standby0 === shard0[0] ? 'shard0-a' : 'shard0-b');
  for (const name of names) await setImage(ns.name, 'kanary/demo-app:v3', name);
  await allReleased(names, 'kanary/demo-app:v3');
  expect([...actedOn(standby0)].sort()).toEqual(names.filter((n) => shardOf(n) === 0).sort());
  expect([...actedOn(shard1)].sort()).toEqual([...shard1Before].sort());
});

test('a process with another shard count never leads while the others hold their Leases', async () => {
  const odd = launch('three-shards', 3, 2);
  await odd.metricsUrl();
  const refusal = await waitFor(() => odd.logs.find((l) => l.includes('not holding the leader lease')), { timeoutMs: 20_000, description: 'the refusal in the log' });
  expect(refusal).toContain('shard count mismatch');
  expect(refusal).toContain('this process has --shards 3');
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(odd.logs.some((l) => l.includes('became leader'))).toBe(false);
  expect(await lease('kanary-controller-shard-2')).toBeUndefined();
  expect(actedOn(odd).size).toBe(0);
});
