/**
 * Issue 21 on the local stack, with the real controller: scaleDownDelayRevisionLimit on a canary
 * with traffic routing. With a 120 s scaleDownDelaySeconds and a limit of 1, two releases in a row
 * leave the previous revision up (for an instant rollback) and take the one before it to 0 at once.
 */
import { jest } from '@jest/globals';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, loadExample, setImage, tweakExample } from './rollout-fixtures.js';

jest.setTimeout(180_000);

const ns = useTestNamespace('revision-limit');
let controller: ControllerProcess;
let view: ClusterView;

const replicasOf = async (hash: string): Promise<number | undefined> => (await view.replicaSetOf(hash))?.spec?.replicas;

async function releaseTo(image: string, from: string): Promise<string> {
  await setImage(ns.name, image);
  return view.waitForStatus((s) => (s.phase === 'Healthy' && s.stableRS !== from && s.stableRS === s.currentPodHash ? (s.stableRS as string) : undefined), `Healthy on ${image}`, 90_000);
}

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  const docs = tweakExample(loadExample('canary-ambassador'), { replicas: 2, steps: [], scaleDownDelaySeconds: 120 })
    .map((doc) => (doc.kind === 'Rollout' ? { ...doc, spec: { ...doc.spec, strategy: { canary: { ...doc.spec.strategy.canary, scaleDownDelayRevisionLimit: 1 } } } } : doc));
  await applyDocs(ns.name, docs);
  controller = startController({ namespace: ns.name, flags: ['--mapping-propagation-delay', '1s'] });
  await controller.metricsUrl();
});

afterAll(async () => {
  await controller?.stop();
});

test('limit 1: the previous revision waits out its delay, the one before goes to 0 at once', async () => {
  const v1 = await view.waitForStatus((s) => (s.phase === 'Healthy' ? (s.stableRS as string) : undefined), 'Healthy v1');
  const v2 = await releaseTo('kanary/demo-app:v2', v1);
  expect(await replicasOf(v1)).toBe(2);
  const v3 = await releaseTo('kanary/demo-app:v3', v2);
  await waitFor(async () => ((await replicasOf(v1)) === 0 ? true : undefined), { timeoutMs: 20_000, description: 'v1 at 0 at once' });
  expect(await replicasOf(v2)).toBe(2);
  expect(await replicasOf(v3)).toBe(2);
  expect((await view.replicaSetOf(v2))?.metadata?.annotations?.['kanary.dev/scale-down-deadline']).toBeDefined();
});
