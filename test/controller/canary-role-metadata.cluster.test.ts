/**
 * Issue 21 on the local stack, with the real controller: canaryMetadata and stableMetadata (Argo's
 * fields). The stable pods carry stableMetadata; during a release the canary's pods carry
 * canaryMetadata; once the canary is promoted its SAME pods (none replaced) carry stableMetadata,
 * without the canary keys, and the ReplicaSet's template carries it for pods created later.
 */
import { jest } from '@jest/globals';
import type * as k8s from '@kubernetes/client-node';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, kanary, loadExample, setImage, tweakExample, type Obj } from './rollout-fixtures.js';

jest.setTimeout(180_000);

const ns = useTestNamespace('role-metadata');
let controller: ControllerProcess;
let view: ClusterView;

const canaryMetadata = { labels: { role: 'canary' }, annotations: { 'example.com/track': 'canary' } };
const stableMetadata = { labels: { role: 'stable' } };
const status = async (): Promise<Obj> => (await view.rollout()).status ?? {};
/** `<role label>/<track annotation>` of each pod (`-` when absent). */
const rolesOf = (pods: k8s.V1Pod[]) => pods.map((p) => `${p.metadata?.labels?.role ?? '-'}/${p.metadata?.annotations?.['example.com/track'] ?? '-'}`);

async function waitRoles(hash: string, expected: string[], description: string): Promise<k8s.V1Pod[]> {
  return waitFor(async () => {
    const pods = await view.pods(hash);
    return JSON.stringify(rolesOf(pods)) === JSON.stringify(expected) ? pods : undefined;
  }, { timeoutMs: 30_000, description });
}

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  const docs = tweakExample(loadExample('canary-ambassador'), { replicas: 2, trafficRouting: false, steps: [{ setWeight: 50 }, { pause: {} }] })
    .map((doc) => (doc.kind === 'Rollout' ? { ...doc, spec: { ...doc.spec, strategy: { canary: { ...doc.spec.strategy.canary, canaryMetadata, stableMetadata } } } } : doc));
  await applyDocs(ns.name, docs);
  controller = startController({ namespace: ns.name });
  await controller.metricsUrl();
});

afterAll(async () => {
  await controller?.stop();
});

test('stable pods, canary pods, then the promoted canary\'s same pods swap to stableMetadata', async () => {
  const v1 = await view.waitForStatus((s) => (s.phase === 'Healthy' ? (s.stableRS as string) : undefined), 'Healthy v1');
  await waitRoles(v1, ['stable/-', 'stable/-'], 'stable pods labelled');

  await setImage(ns.name, 'kanary/demo-app:v2');
  const v2 = await view.waitForStatus((s) => (s.phase === 'Paused' ? (s.currentPodHash as string) : undefined), 'Paused at 50%');
  const canaryPods = await waitRoles(v2, ['canary/canary'], 'canary pod labelled');
  // Without traffic routing the 50% step is one pod each; the stable one keeps stableMetadata.
  expect(rolesOf(await view.pods(v1))).toEqual(['stable/-']);

  expect((await kanary(['promote', 'demo', '-n', ns.name])).code).toBe(0);
  await waitFor(async () => ((await status()).stableRS === v2 ? true : undefined), { timeoutMs: 60_000, description: 'v2 stable' });
  const promoted = await waitRoles(v2, ['stable/-', 'stable/-'], 'promoted pods carry stableMetadata only');
  // The canary's pod is still there (relabelled, not replaced).
  expect(promoted.map((p) => p.metadata?.name)).toContain(canaryPods[0]?.metadata?.name);
  const template = (await view.replicaSetOf(v2))?.spec?.template?.metadata;
  expect(template?.labels?.role).toBe('stable');
  expect(template?.annotations?.['example.com/track']).toBeUndefined();
});
