/**
 * Issue 9, reliability 4: two controllers with leader election (lease 6 s, renew 4 s, retry 1 s).
 * Fencing: before the kill the standby has made no write besides its Lease attempts. The leader is
 * SIGKILLed mid-rollout; the Lease shows the standby acquiring it within the lease duration (plus
 * one retry period) of the dead leader's last renewal, and the standby finishes the rollout.
 */
import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { readCounterTotal, startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, setImage, type Obj } from '../controller/rollout-fixtures.js';
import { canaryWithAnalysisDocs, startCheckServer, type CheckServer } from './reliability-fixtures.js';

jest.setTimeout(240_000);

const LEASE_MS = 6000;
const RETRY_MS = 1000;
const ns = useTestNamespace('leader');
const started: ControllerProcess[] = [];
let check: CheckServer;
let view: ClusterView;

function launch(identity: string): ControllerProcess {
  const c = startController({ namespace: ns.name, identity, flags: ['--mapping-propagation-delay', '1s', '--log-level', 'info', '--lease-duration', '6s', '--renew-deadline', '4s', '--retry-period', '1s'] });
  started.push(c);
  return c;
}

beforeAll(async () => {
  check = await startCheckServer();
  view = new ClusterView(ns.kc, ns.name);
});

afterAll(async () => {
  await Promise.all(started.map((c) => c.stop()));
  await check?.close();
});

const isLeader = (c: ControllerProcess): boolean => c.logs.some((l) => l.includes('became leader'));
const nonLeaseWrites = (labels: string): boolean => /verb="(create|update|patch|delete)"/.test(labels) && !labels.includes('resource="leases"');

async function lease(): Promise<k8s.V1Lease> {
  return ns.kc.makeApiClient(k8s.CoordinationV1Api).readNamespacedLease({ namespace: ns.name, name: 'kanary-controller' });
}

test('kill the leader mid-rollout: the standby takes the Lease within its duration and completes; the standby never wrote before', async () => {
  const a = launch('replica-a');
  const b = launch('replica-b');
  const [urlA, urlB] = await Promise.all([a.metricsUrl(), b.metricsUrl()]);
  await applyDocs(ns.name, canaryWithAnalysisDocs(check.url, 4));
  const first: Obj = await waitFor(async () => {
    const s = (await view.rollout()).status;
    return s?.phase === 'Healthy' ? s : undefined;
  }, { timeoutMs: 90_000, description: 'Healthy' });
  await setImage(ns.name, 'leader/app:r2');
  // The first revision finishes with currentStepIndex at the end of the steps, so "mid-rollout" also
  // needs the status to name the new revision and to be past its first step.
  await waitFor(async () => {
    const s = (await view.rollout()).status;
    return s?.currentPodHash !== first.stableRS && s?.stableRS === first.stableRS && Number(s?.currentStepIndex ?? 0) >= 1;
  }, { timeoutMs: 90_000, description: 'mid-rollout of r2' });
  expect([isLeader(a), isLeader(b)].filter(Boolean)).toHaveLength(1);
  const [leader, standby, standbyUrl] = isLeader(a) ? [a, b, urlB] : [b, a, urlA];
  expect(await readCounterTotal(standbyUrl, 'kanary_kubernetes_requests_total', nonLeaseWrites)).toBe(0);
  const before = await lease();
  await leader.kill();
  const lastRenew = new Date(String((await lease()).spec?.renewTime ?? before.spec?.renewTime)).getTime();
  const taken = await waitFor(async () => {
    const l = await lease();
    return l.spec?.holderIdentity !== before.spec?.holderIdentity ? l : undefined;
  }, { timeoutMs: 60_000, description: 'standby takes the Lease' });
  const acquired = new Date(String(taken.spec?.acquireTime)).getTime();
  expect(acquired - lastRenew).toBeLessThanOrEqual(LEASE_MS + RETRY_MS + 1000);
  const done: Obj = await waitFor(async () => {
    const s = (await view.rollout()).status;
    return s?.phase === 'Healthy' && s.stableRS === s.currentPodHash && s.stableRS !== first.stableRS ? s : undefined;
  }, { timeoutMs: 120_000, description: 'standby completes the rollout' });
  expect((await view.replicaSetOf(String(done.stableRS)))?.spec?.template?.spec?.containers?.[0]?.image).toBe('leader/app:r2');
  expect(isLeader(standby)).toBe(true);
});
