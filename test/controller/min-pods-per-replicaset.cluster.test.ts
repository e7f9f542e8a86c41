/**
 * Issue 21, Argo's `minPodsPerReplicaSet`: with traffic routing, a canary at 10% of 10 replicas
 * runs 3 pods (the minimum), not 1; the weight is written once those 3 are available; the stable
 * ReplicaSet keeps all 10. A promotion then completes as usual.
 */
import { jest } from '@jest/globals';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, kanary, loadExample, setImage, tweakExample, type Obj } from './rollout-fixtures.js';

jest.setTimeout(180_000);

const ns = useTestNamespace('min-pods');
let controller: ControllerProcess;
let view: ClusterView;

const status = async (): Promise<Obj> => (await view.rollout()).status ?? {};

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  const docs = tweakExample(loadExample('canary-ambassador'), { replicas: 10, steps: [{ setWeight: 10 }, { pause: {} }] }).map((doc) => {
    if (doc.kind !== 'Rollout') return doc;
    const ro = structuredClone(doc);
    ro.spec.strategy.canary.minPodsPerReplicaSet = 3;
    return ro;
  });
  await applyDocs(ns.name, docs);
  controller = startController({ namespace: ns.name, flags: ['--mapping-propagation-delay', '1s'] });
  await controller.metricsUrl();
  await waitFor(async () => ((await status()).phase === 'Healthy' ? true : undefined), { timeoutMs: 90_000, description: 'Healthy at v1' });
});

afterAll(async () => {
  await controller?.stop();
});

test('at setWeight 10 of 10 replicas the canary has 3 pods, the weight 10, the stable all 10', async () => {
  const before = await status();
  await setImage(ns.name, 'kanary/demo-app:v2');
  const paused = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Paused' && s.currentStepIndex === 1 ? s : undefined;
  }, { timeoutMs: 90_000, description: 'paused after setWeight 10' });
  const canaryRs = await view.replicaSetOf(String(paused.currentPodHash));
  const stableRs = await view.replicaSetOf(String(before.stableRS));
  expect(canaryRs?.spec?.replicas).toBe(3);
  expect(canaryRs?.status?.availableReplicas).toBe(3);
  expect(stableRs?.spec?.replicas).toBe(10);
  expect(await view.canaryWeight()).toBe(10);
});

test('promoted, the canary becomes stable with all 10 pods', async () => {
  expect((await kanary(['promote', 'demo', '-n', ns.name])).code).toBe(0);
  const done = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Healthy' && s.stableRS === s.currentPodHash ? s : undefined;
  }, { timeoutMs: 120_000, description: 'Healthy on v2' });
  expect((await view.replicaSetOf(String(done.stableRS)))?.spec?.replicas).toBe(10);
});
