/**
 * Issue 14, item 4: the full release walkthrough with the controller installed by real Helm and run
 * as a pod of the simulated kubelet (no controller on the host): a 10-replica Rollout through
 * 30/pause/60/pause/100/pause with three promotes, a `helm upgrade` with a changed value mid-release
 * that rolls the Deployment without losing the Rollout's progress, an abort, a retry and a fast
 * rollback by reverting the image.
 */
import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { waitFor } from '../harness/cluster.js';
import { applyDocs, ClusterView, kanary, loadExample, setImage, tweakExample, type Obj } from '../controller/rollout-fixtures.js';
import { useChartRelease } from './controller-pod-fixture.js';

jest.setTimeout(300_000);

const chart = useChartRelease('pod-release');
const { system, apps } = chart;
const release = (): string => chart.name();
let view: ClusterView;

async function controllerPodNames(): Promise<string[]> {
  const list = await system.kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: system.name, labelSelector: `app.kubernetes.io/instance=${release()}` });
  return list.items
    .filter((pod) => !pod.metadata?.deletionTimestamp && pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((pod) => pod.metadata?.name ?? '');
}

const status = async (): Promise<Obj> => ((await view.rollout()).status ?? {}) as Obj;

async function pausedAt(step: number, description: string): Promise<Obj> {
  return waitFor(async () => {
    const s = await status();
    return s.phase === 'Paused' && s.currentStepIndex === step && !s.abort ? s : undefined;
  }, { timeoutMs: 90_000, description });
}

async function promote(): Promise<void> {
  const result = await kanary(['promote', 'demo', '-n', apps.name]);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
}

beforeAll(async () => {
  await chart.apply('install');
  view = new ClusterView(apps.kc, apps.name);
  await applyDocs(apps.name, tweakExample(loadExample('canary-ambassador'), { replicas: 10, scaleDownDelaySeconds: 2, abortScaleDownDelaySeconds: 2 }));
  await waitFor(async () => {
    const s = await status();
    return s.phase === 'Healthy' && s.availableReplicas === 10 ? s : undefined;
  }, { timeoutMs: 120_000, description: '10 replicas Healthy' });
});

test('three promotes take v2 to 100%; a helm upgrade mid-release rolls the controller and keeps the step', async () => {
  await setImage(apps.name, 'kanary/demo-app:v2');
  const first = await pausedAt(1, 'paused at 30%');
  expect(await view.canaryWeight()).toBe(30);
  await promote();
  await pausedAt(3, 'paused at 60%');
  expect(await view.canaryWeight()).toBe(60);

  const before = await controllerPodNames();
  await chart.apply('upgrade', { logLevel: 'debug' });
  const after = await waitFor(async () => {
    const names = await controllerPodNames();
    return names.length === 1 && !before.includes(names[0] ?? '') ? names : undefined;
  }, { timeoutMs: 60_000, description: 'the Deployment rolled to a new pod' });
  expect(after).toHaveLength(1);
  // The new controller picks the release up where it was: still paused at 60%, same revision.
  const kept = await pausedAt(3, 'still paused at 60% after the upgrade');
  expect(kept.currentPodHash).toBe(first.currentPodHash);
  expect(await view.canaryWeight()).toBe(60);

  await promote();
  await pausedAt(5, 'paused at 100%');
  expect(await view.canaryWeight()).toBe(100);
  await promote();
  const done = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Healthy' && s.stableRS === first.currentPodHash ? s : undefined;
  }, { timeoutMs: 90_000, description: 'Healthy on v2' });
  expect(done.currentStepIndex).toBe(6);
});

test('v3: abort at 30% sends all traffic back, retry restarts the steps, reverting the image rolls back at once', async () => {
  const stable = (await status()).stableRS as string;
  await setImage(apps.name, 'kanary/demo-app:v3');
  const paused = await pausedAt(1, 'v3 paused at 30%');
  expect(await view.canaryWeight()).toBe(30);

  expect((await kanary(['abort', 'demo', '-n', apps.name])).code).toBe(0);
  const degraded = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Degraded' ? s : undefined;
  }, { timeoutMs: 30_000, description: 'Degraded' });
  expect(degraded.abort).toBe(true);
  expect(await view.canaryWeight()).toBe(0);

  expect((await kanary(['retry', 'demo', '-n', apps.name])).code).toBe(0);
  await pausedAt(1, 'paused at 30% after retry');
  expect(await view.canaryWeight()).toBe(30);

  await setImage(apps.name, 'kanary/demo-app:v2');
  const healthy = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Healthy' && s.currentPodHash === stable ? s : undefined;
  }, { timeoutMs: 60_000, description: 'Healthy on v2 again' });
  expect(healthy.stableRS).toBe(stable);
  expect(healthy.currentStepIndex).toBe(6);
  expect(await view.canaryWeight()).toBe(0);
  await waitFor(async () => (await view.replicaSetOf(paused.currentPodHash))?.spec?.replicas === 0, { timeoutMs: 60_000, description: 'v3 scaled down' });
});
