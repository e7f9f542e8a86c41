/**
 * Issue 21 on the local stack, with the real controller: antiAffinity (Argo's field) on a canary.
 * The canary's ReplicaSet is created with a preferred pod anti-affinity term against the stable
 * revision's pods (next to the user's own affinity), its pods run, and once promoted the revision's
 * ReplicaSet no longer carries the term (the user's affinity stays).
 */
import { jest } from '@jest/globals';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, kanary, loadExample, setImage, tweakExample, type Obj } from './rollout-fixtures.js';

jest.setTimeout(180_000);

const ns = useTestNamespace('anti-affinity');
let controller: ControllerProcess;
let view: ClusterView;

const userAffinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } }] } };
const status = async (): Promise<Obj> => (await view.rollout()).status ?? {};

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  const docs = tweakExample(loadExample('canary-ambassador'), { replicas: 2, trafficRouting: false, steps: [{ setWeight: 50 }, { pause: {} }] })
    .map((doc) => {
      if (doc.kind !== 'Rollout') return doc;
      const spec = structuredClone(doc.spec);
      spec.strategy.canary.antiAffinity = { preferredDuringSchedulingIgnoredDuringExecution: { weight: 60 } };
      spec.template.spec.affinity = userAffinity;
      return { ...doc, spec };
    });
  await applyDocs(ns.name, docs);
  controller = startController({ namespace: ns.name });
  await controller.metricsUrl();
});

afterAll(async () => {
  await controller?.stop();
});

test('the canary avoids the stable pods\' nodes (preferred, weight 60) until it is promoted', async () => {
  const v1 = await view.waitForStatus((s) => (s.phase === 'Healthy' ? (s.stableRS as string) : undefined), 'Healthy v1');
  expect((await view.replicaSetOf(v1))?.spec?.template?.spec?.affinity).toEqual(userAffinity);

  await setImage(ns.name, 'kanary/demo-app:v2');
  const v2 = await view.waitForStatus((s) => (s.phase === 'Paused' ? (s.currentPodHash as string) : undefined), 'Paused at 50%');
  const canary = await view.replicaSetOf(v2);
  expect(canary?.metadata?.annotations?.['kanary.dev/anti-affinity']).toBe(v1);
  expect(canary?.spec?.template?.spec?.affinity).toEqual({
    ...userAffinity,
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{
        weight: 60,
        podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'rollouts-pod-template-hash', operator: 'In', values: [v1] }] }, namespaces: [ns.name], topologyKey: 'kubernetes.io/hostname' },
      }],
    },
  });
  expect((await view.pods(v2)).length).toBe(1);

  expect((await kanary(['promote', 'demo', '-n', ns.name])).code).toBe(0);
  await waitFor(async () => {
    const rs = await view.replicaSetOf(v2);
    const s = await status();
    return s.stableRS === v2 && rs?.metadata?.annotations?.['kanary.dev/anti-affinity'] === undefined ? rs : undefined;
  }, { timeoutMs: 60_000, description: 'v2 stable, rule removed' });
  expect((await view.replicaSetOf(v2))?.spec?.template?.spec?.affinity).toEqual(userAffinity);
});
