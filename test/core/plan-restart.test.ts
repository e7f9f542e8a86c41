// spec.restartAt (Argo's field; src/core/plan-restart.ts): pods created before it are evicted at
// most maxUnavailable at a time (at least one), stable first; a future time is a scheduled restart;
// status.restartedAt records the end. The release itself does not move.
import type { Rollout } from '../../src/api/rollout.js';
import { planCanary } from '../../src/core/plan-canary.js';
import type { PodView } from '../../src/core/snapshot.js';
import { deployed, hashOf, setImage, settle, snapshotOf, T0, type Cluster } from './canary-model.js';

const AT = new Date(T0 + 60_000).toISOString();

function withRestart(c: Cluster, restartAt: string, restartedAt?: string): void {
  const status = { ...c.rollout.status, ...(restartedAt !== undefined ? { restartedAt } : {}) };
  c.rollout = { ...c.rollout, spec: { ...c.rollout.spec, restartAt }, status } as Rollout;
}

function pods(hash: string, count: number, createdAtMs: number, terminating = 0, unready = 0): PodView[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${hash}-${i}`, podTemplateHash: hash, createdAtMs: createdAtMs + i, terminating: i < terminating, ready: i >= terminating + unready,
  }));
}

const plan = (c: Cluster, podList: PodView[], now = T0 + 120_000) => planCanary({ ...snapshotOf(c), pods: podList }, now);
const evicted = (p: ReturnType<typeof plan>) => p.actions.filter((a) => a.type === 'evictPod').map((a) => a.type === 'evictPod' && a.name);

test('10 replicas, maxUnavailable 25% (2, rounded down as Kubernetes does): two old pods evicted, none of the new ones', () => {
  const c = deployed({ spec: { replicas: 10 } });
  withRestart(c, AT);
  const v1 = hashOf('v1');
  const fresh = pods(v1, 3, T0 + 90_000).map((pod) => ({ ...pod, name: `new-${pod.name}` }));
  const p = plan(c, [...fresh, ...pods(v1, 7, T0)]);
  expect(evicted(p)).toEqual([`${v1}-0`, `${v1}-1`]);
  expect(p.status.restartedAt).toBeUndefined();
  expect(p.requeueAfterMs).toBeLessThanOrEqual(5_000);
});

test('pods already missing use up the budget: with 3 terminating, nothing more is evicted', () => {
  const c = deployed({ spec: { replicas: 10 } });
  withRestart(c, AT);
  const p = plan(c, pods(hashOf('v1'), 10, T0, 3));
  expect(evicted(p)).toEqual([]);
});

test('the pods are ahead of the ReplicaSet status: an evicted pod already gone, or its replacement not Ready, uses up the budget', () => {
  const c = deployed({ spec: { replicas: 4 } });
  withRestart(c, AT);
  const v1 = hashOf('v1');
  const replacement = { name: 'new-0', podTemplateHash: v1, createdAtMs: T0 + 90_000, terminating: false, ready: false };
  expect(evicted(plan(c, [replacement, ...pods(v1, 3, T0)]))).toEqual([]);
  expect(evicted(plan(c, pods(v1, 3, T0)))).toEqual([]);
  expect(evicted(plan(c, pods(v1, 4, T0, 0, 1)))).toEqual([]);
  expect(evicted(plan(c, pods(v1, 4, T0)))).toEqual([`${v1}-0`]);
});

test('maxUnavailable 0 still restarts one pod at a time', () => {
  const c = deployed({ spec: { replicas: 4 }, canary: { maxUnavailable: 0, maxSurge: 1 } });
  withRestart(c, AT);
  expect(evicted(plan(c, pods(hashOf('v1'), 4, T0)))).toHaveLength(1);
});

test('no pod older than restartAt: restartedAt is recorded once, with an Event', () => {
  const c = deployed();
  withRestart(c, AT);
  const p = plan(c, pods(hashOf('v1'), 4, T0 + 70_000));
  expect(p.status.restartedAt).toBe(AT);
  expect(p.actions).toContainEqual(expect.objectContaining({ type: 'recordEvent', reason: 'RolloutRestarted' }));
  withRestart(c, AT, AT);
  expect(evicted(plan(c, pods(hashOf('v1'), 4, T0)))).toEqual([]);
});

test('a time in the future is a scheduled restart: nothing evicted, a requeue at that time', () => {
  const c = deployed();
  withRestart(c, new Date(T0 + 600_000).toISOString());
  const p = plan(c, pods(hashOf('v1'), 4, T0));
  expect(evicted(p)).toEqual([]);
  expect(p.requeueAfterMs).toBe(480_000);
});

test('during a paused canary: stable pods go first, the step and weight stay', () => {
  const c = deployed({ steps: [{ setWeight: 50 }, { pause: {} }] });
  setImage(c, 'v2');
  settle(c);
  const before = { step: c.rollout.status?.currentStepIndex, weight: c.route?.weightPercent };
  withRestart(c, new Date(c.now + 1).toISOString());
  const p = plan(c, [...pods(hashOf('v2'), 5, T0), ...pods(hashOf('v1'), 10, T0)], c.now + 10);
  expect(evicted(p)[0]).toBe(`${hashOf('v1')}-0`);
  expect(p.status.currentStepIndex).toBe(before.step);
  expect(p.actions.some((a) => a.type === 'setCanaryWeight')).toBe(false);
  expect(before.weight).toBe(50);
});
