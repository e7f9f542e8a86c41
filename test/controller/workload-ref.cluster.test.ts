/**
 * Issue 21 on the local stack, with the real controller and kube-controller-manager: spec.workloadRef
 * (Argo's field). A Rollout takes its pod template from a Deployment that really runs its own
 * ReplicaSet and pods; neither counts the other's pods. scaleDown progressively takes the Deployment
 * to 0 as the Rollout's pods become available, onsuccess only once the Rollout is Healthy, never
 * not at all. A change of the Deployment's image is a canary through the steps; a missing Deployment
 * (or a kind Kanary does not follow) makes the Rollout wait, its ReplicaSets untouched.
 */
import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { kubectl, useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, kanary, type Obj } from './rollout-fixtures.js';

jest.setTimeout(240_000);

const ns = useTestNamespace('workload-ref');
let controller: ControllerProcess;
let view: ClusterView;
let apps: k8s.AppsV1Api;
let core: k8s.CoreV1Api;

const STEPS = [{ setWeight: 50 }, { pause: {} }];

function deploymentDoc(name: string, image: string, replicas = 4): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image, ports: [{ name: 'http', containerPort: 8080 }] }] },
      },
    },
  };
}

function rolloutDoc(name: string, scaleDown: string): Obj {
  return {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: name } },
      workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name, scaleDown },
      strategy: { canary: { steps: STEPS } },
    },
  };
}

async function deployment(name: string): Promise<k8s.V1Deployment> {
  return apps.readNamespacedDeployment({ namespace: ns.name, name });
}

async function patchDeployment(name: string, patch: Obj): Promise<void> {
  await kubectl(['patch', 'deployment', name, '-n', ns.name, '--type', 'merge', '-p', JSON.stringify(patch)]);
}

const imagePatch = (image: string, extra: Obj = {}): Obj => ({ spec: { ...extra, template: { spec: { containers: [{ name: 'app', image }] } } } });

async function status(name: string): Promise<Obj> {
  return (await view.rollout(name)).status ?? {};
}

/** The Rollout's status once `pick` accepts it. */
async function waitStatus(name: string, pick: (s: Obj) => boolean, description: string, timeoutMs = 90_000): Promise<Obj> {
  return waitFor(async () => {
    const s = await status(name);
    return pick(s) ? s : undefined;
  }, { timeoutMs, description: `${name}: ${description}` });
}

const healthyOn = (hash?: string) => (s: Obj) => s.phase === 'Healthy' && s.availableReplicas === 4 && (hash === undefined || s.stableRS === hash);

/** The Rollout's own ReplicaSets (controlled by it), `name=replicas`, sorted. */
async function rolloutReplicaSets(name: string): Promise<string[]> {
  return (await view.replicaSets())
    .filter((rs) => (rs.metadata?.ownerReferences ?? []).some((ref) => ref.controller === true && ref.kind === 'Rollout' && ref.name === name))
    .map((rs) => `${rs.metadata?.name}=${rs.spec?.replicas ?? 0}`)
    .sort();
}

/** Pods the Deployment's own ReplicaSets run (not being deleted). */
async function deploymentPods(name: string): Promise<number> {
  const pods = await core.listNamespacedPod({ namespace: ns.name, labelSelector: `app=${name},pod-template-hash` });
  return pods.items.filter((p) => p.metadata?.deletionTimestamp === undefined).length;
}

async function waitDeploymentAvailable(name: string, replicas: number): Promise<void> {
  await waitFor(async () => (await deployment(name)).status?.availableReplicas === replicas, { timeoutMs: 60_000, description: `Deployment ${name} ${replicas} available` });
}

async function scalingEvents(rollout: string): Promise<string[]> {
  const events = await core.listNamespacedEvent({ namespace: ns.name, fieldSelector: `involvedObject.name=${rollout},reason=ScalingWorkload` });
  return events.items.map((e) => e.message ?? '');
}

/** A Deployment of 4 (v1) once available, then a Rollout following it: the Rollout's first Healthy status. */
async function startFollowing(name: string, scaleDown: string): Promise<Obj> {
  await applyDocs(ns.name, [deploymentDoc(name, 'kanary/demo-app:v1')]);
  await waitDeploymentAvailable(name, 4);
  await applyDocs(ns.name, [rolloutDoc(name, scaleDown)]);
  return waitStatus(name, healthyOn(), 'Healthy');
}

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  apps = ns.kc.makeApiClient(k8s.AppsV1Api);
  core = ns.kc.makeApiClient(k8s.CoreV1Api);
  controller = startController({ namespace: ns.name });
  await controller.metricsUrl();
});

afterAll(async () => {
  await controller?.stop();
});

test('progressively: the Rollout runs the Deployment\'s template and the Deployment goes to 0; a new image is a canary', async () => {
  const v1 = await startFollowing('web-p', 'progressively');
  await waitFor(async () => (await deployment('web-p')).spec?.replicas === 0, { timeoutMs: 60_000, description: 'Deployment scaled to 0' });
  await waitFor(async () => (await deploymentPods('web-p')) === 0, { timeoutMs: 60_000, description: 'the Deployment\'s pods gone' });
  const generation = String((await deployment('web-p')).metadata?.generation);
  await waitStatus('web-p', (s) => s.workloadObservedGeneration === generation, `workloadObservedGeneration ${generation}`);
  expect(await rolloutReplicaSets('web-p')).toEqual([`web-p-${v1.stableRS}=4`]);
  const rs = await view.replicaSetOf(v1.stableRS, 'web-p');
  expect(rs?.spec?.template?.spec?.containers?.[0]?.image).toBe('kanary/demo-app:v1');
  expect((await view.pods(v1.stableRS)).length).toBe(4);
  const events = await scalingEvents('web-p');
  expect(events.length).toBeGreaterThan(0);
  expect(events).toContainEqual(expect.stringMatching(/^Scaled down Deployment web-p from \d to 0 \(workloadRef scaleDown progressively\)$/));

  await patchDeployment('web-p', imagePatch('kanary/demo-app:v2'));
  const paused = await waitStatus('web-p', (s) => s.phase === 'Paused' && s.currentStepIndex === 1 && s.currentPodHash !== v1.stableRS && s.availableReplicas === 4, 'Paused at 50%');
  expect(await rolloutReplicaSets('web-p')).toEqual([`web-p-${paused.currentPodHash}=2`, `web-p-${v1.stableRS}=2`].sort());
  expect((await view.replicaSetOf(paused.currentPodHash, 'web-p'))?.spec?.template?.spec?.containers?.[0]?.image).toBe('kanary/demo-app:v2');
  expect((await deployment('web-p')).spec?.replicas).toBe(0);

  expect((await kanary(['promote', 'web-p', '-n', ns.name])).code).toBe(0);
  await waitStatus('web-p', healthyOn(paused.currentPodHash as string), 'v2 Healthy');
  expect((await deployment('web-p')).spec?.replicas).toBe(0);
});

test('onsuccess: nothing while the Rollout is Paused with every pod available, 0 once it is Healthy', async () => {
  const v1 = await startFollowing('web-o', 'onsuccess');
  await waitFor(async () => (await deployment('web-o')).spec?.replicas === 0, { timeoutMs: 60_000, description: 'Deployment scaled to 0 once Healthy' });

  // A new image and the Deployment back at 4 in one write: the canary pauses at 50% with all
  // 4 Rollout pods available (2 stable, 2 canary), which progressively would answer with 0.
  await patchDeployment('web-o', imagePatch('kanary/demo-app:v2', { replicas: 4 }));
  const paused = await waitStatus('web-o', (s) => s.phase === 'Paused' && s.currentPodHash !== v1.stableRS && s.availableReplicas === 4, 'Paused at 50%, 4 available');
  expect((await deployment('web-o')).spec?.replicas).toBe(4);

  expect((await kanary(['promote', 'web-o', '-n', ns.name])).code).toBe(0);
  await waitStatus('web-o', healthyOn(paused.currentPodHash as string), 'v2 Healthy');
  await waitFor(async () => (await deployment('web-o')).spec?.replicas === 0, { timeoutMs: 60_000, description: 'Deployment scaled to 0 once Healthy again' });
});

test('never: the Deployment keeps its pods, which the Rollout does not count; another kind makes it wait with its ReplicaSets as they are', async () => {
  const v1 = await startFollowing('web-n', 'never');
  expect(v1.replicas).toBe(4);
  expect((await deployment('web-n')).spec?.replicas).toBe(4);
  expect(await deploymentPods('web-n')).toBe(4);
  expect(await scalingEvents('web-n')).toEqual([]);
  const before = await rolloutReplicaSets('web-n');

  await kubectl(['patch', 'rollouts.kanary.dev', 'web-n', '-n', ns.name, '--type', 'merge', '-p', JSON.stringify({ spec: { workloadRef: { kind: 'StatefulSet' } } })]);
  const invalid = await waitStatus('web-n', (s) => s.phase === 'Degraded', 'InvalidSpec');
  const condition = (invalid.conditions as Obj[]).find((c) => c.type === 'InvalidSpec');
  expect(condition?.message).toContain('spec.workloadRef.kind: is "StatefulSet": Kanary follows only a Deployment (apiVersion apps/v1, kind Deployment).');
  expect(await rolloutReplicaSets('web-n')).toEqual(before);
  expect((await deployment('web-n')).spec?.replicas).toBe(4);
});

test('a missing Deployment: the Rollout waits with a condition naming it, then proceeds once it is created', async () => {
  await applyDocs(ns.name, [rolloutDoc('web-m', 'progressively')]);
  const waiting = await waitStatus('web-m', (s) => s.phase === 'Degraded', 'InvalidSpec');
  const condition = (waiting.conditions as Obj[]).find((c) => c.type === 'InvalidSpec' && c.status === 'True');
  expect(condition?.message).toContain(`spec.workloadRef: Deployment "web-m" not found in namespace "${ns.name}"; the Rollout waits for it`);
  expect(await rolloutReplicaSets('web-m')).toEqual([]);

  await applyDocs(ns.name, [deploymentDoc('web-m', 'kanary/demo-app:v1', 2)]);
  const healthy = await waitStatus('web-m', healthyOn(), 'Healthy once the Deployment exists');
  expect((healthy.conditions as Obj[]).some((c) => c.type === 'InvalidSpec' && c.status === 'True')).toBe(false);
  expect(await rolloutReplicaSets('web-m')).toEqual([`web-m-${healthy.stableRS}=4`]);
  await waitFor(async () => (await deployment('web-m')).spec?.replicas === 0, { timeoutMs: 60_000, description: 'Deployment scaled to 0' });
});
