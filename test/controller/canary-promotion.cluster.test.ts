/**
 * Issue 4, scenarios 1–3 and the idle check: the Ambassador example from first deploy through a
 * manual-promote canary to Healthy, with the real controller, CLI, API server and simulated pods.
 */
import { jest } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { readCounterTotal, startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, kanary, loadExample, setImage, tweakExample, type Obj } from './rollout-fixtures.js';

jest.setTimeout(120_000);

const ns = useTestNamespace('promotion');
let controller: ControllerProcess;
let view: ClusterView;
let v1Hash = '';
let v2Hash = '';

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  controller = startController({ namespace: ns.name, flags: ['--mapping-propagation-delay', '1s'] });
  await controller.metricsUrl();
});

afterAll(async () => {
  await controller?.stop();
});

const status = async (): Promise<Obj> => (await view.rollout()).status ?? {};

test('initial deploy: 10 ready stable pods, Healthy, no canary Mapping, both Services on stable', async () => {
  await applyDocs(ns.name, tweakExample(loadExample('canary-ambassador'), { scaleDownDelaySeconds: 2 }));
  const healthy = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Healthy' && s.availableReplicas === 10 ? s : undefined;
  }, { timeoutMs: 60_000, description: 'rollout Healthy with 10 available' });
  v1Hash = healthy.stableRS;
  expect(healthy.currentPodHash).toBe(v1Hash);
  const rs = await view.replicaSetOf(v1Hash);
  expect(rs?.metadata?.name).toBe(`demo-${v1Hash}`);
  expect(rs?.status?.readyReplicas).toBe(10);
  expect(rs?.metadata?.ownerReferences?.[0]?.kind).toBe('Rollout');
  expect(await view.mapping('demo-canary')).toBeUndefined();
  await waitFor(async () => (await view.serviceHash('demo-canary')) === v1Hash, { timeoutMs: 10_000, description: 'canary Service on stable' });
  expect(await view.serviceHash('demo-stable')).toBe(v1Hash);
});

test('an idle Healthy rollout makes no API requests', async () => {
  const url = await controller.metricsUrl();
  await sleep(2000);
  const before = await readCounterTotal(url, 'kanary_kubernetes_requests_total');
  await sleep(15_000);
  const after = await readCounterTotal(url, 'kanary_kubernetes_requests_total');
  expect(after - before).toBe(0);
});

test('set image v2: canary scales to 3, canary Mapping at 30 after the pods are available, Paused', async () => {
  await setImage(ns.name, 'kanary/demo-app:v2');
  const paused = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Paused' && s.currentStepIndex === 1 ? s : undefined;
  }, { timeoutMs: 60_000, description: 'paused at step 1' });
  v2Hash = paused.currentPodHash;
  expect(v2Hash).not.toBe(v1Hash);
  expect(paused.stableRS).toBe(v1Hash);
  const canaryRs = await view.replicaSetOf(v2Hash);
  expect(canaryRs?.spec?.replicas).toBe(3);
  expect(canaryRs?.status?.availableReplicas).toBe(3);
  expect((await view.replicaSetOf(v1Hash))?.spec?.replicas).toBe(10);
  const mapping = await view.mapping('demo-canary');
  expect(mapping?.spec?.weight).toBe(30);
  expect(mapping?.spec?.prefix).toBe('/demo/');
  expect(mapping?.spec?.service).toBe('demo-canary:80');
  expect(mapping?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Rollout', name: 'demo', controller: true });
  expect(paused.pauseConditions?.[0]?.reason).toBe('CanaryPauseStep');
  expect(await view.serviceHash('demo-canary')).toBe(v2Hash);
  expect(await view.serviceHash('demo-stable')).toBe(v1Hash);
});

test('promote: weight 60 with 6 canary pods available', async () => {
  const result = await kanary(['promote', 'demo', '-n', ns.name]);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('promoted');
  await waitFor(async () => (await status()).currentStepIndex === 3 && (await status()).phase === 'Paused', { timeoutMs: 60_000, description: 'paused at step 3' });
  expect(await view.canaryWeight()).toBe(60);
  expect((await view.replicaSetOf(v2Hash))?.status?.availableReplicas).toBe(6);
});

test('promote twice more: 100%, then stable = v2, canary Mapping removed, old ReplicaSet scaled to 0, Healthy', async () => {
  expect((await kanary(['promote', 'demo', '-n', ns.name])).code).toBe(0);
  await waitFor(async () => (await status()).currentStepIndex === 5, { timeoutMs: 60_000, description: 'paused at step 5' });
  expect(await view.canaryWeight()).toBe(100);
  expect((await kanary(['promote', 'demo', '-n', ns.name])).code).toBe(0);
  const done = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Healthy' && s.stableRS === v2Hash ? s : undefined;
  }, { timeoutMs: 60_000, description: 'Healthy on v2' });
  expect(done.currentPodHash).toBe(v2Hash);
  await waitFor(async () => (await view.serviceHash('demo-stable')) === v2Hash, { timeoutMs: 10_000, description: 'stable Service on v2' });
  await waitFor(async () => (await view.mapping('demo-canary')) === undefined, { timeoutMs: 20_000, description: 'canary Mapping deleted' });
  await waitFor(async () => (await view.replicaSetOf(v1Hash))?.spec?.replicas === 0, { timeoutMs: 30_000, description: 'old ReplicaSet scaled to 0' });
  expect((await view.replicaSetOf(v2Hash))?.status?.availableReplicas).toBe(10);
});

test('promote on a Healthy rollout says there is nothing to promote', async () => {
  const result = await kanary(['promote', 'demo', '-n', ns.name]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('nothing to promote');
});

test('unknown rollout: not found message', async () => {
  const result = await kanary(['abort', 'nope', '-n', ns.name]);
  expect(result.code).toBe(1);
  expect(result.stderr.trim()).toBe(`kanary: rollout "nope" not found in namespace "${ns.name}"`);
});
