/**
 * Issue 21 on the local stack, with the real controller: `kanary restart` (spec.restartAt, Argo's
 * field). Every pod of the Rollout is replaced by eviction, at most maxUnavailable (25% of 4: one)
 * missing at a time, without a new revision; status.restartedAt records the end.
 */
import { jest } from '@jest/globals';
import { useTestNamespace } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, kanary, loadExample, tweakExample } from './rollout-fixtures.js';

jest.setTimeout(180_000);

const ns = useTestNamespace('restart');
let controller: ControllerProcess;
let view: ClusterView;


beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  await applyDocs(ns.name, tweakExample(loadExample('canary-ambassador'), { replicas: 4, trafficRouting: false }));
  controller = startController({ namespace: ns.name });
  await controller.metricsUrl();
});

afterAll(async () => {
  await controller?.stop();
});

test('kanary restart replaces every pod, one at a time, in the same ReplicaSet', async () => {
  const v1 = await view.waitForStatus((s) => (s.phase === 'Healthy' && s.availableReplicas === 4 ? (s.stableRS as string) : undefined), 'Healthy v1 with 4 pods');
  const before = (await view.pods(v1)).map((p) => p.metadata?.name);
  let fewestAvailable = 4;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const rs = await view.replicaSetOf(v1);
      fewestAvailable = Math.min(fewestAvailable, rs?.status?.availableReplicas ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();

  const result = await kanary(['restart', 'demo', '-n', ns.name]);
  expect(result.code).toBe(0);
  const restartAt = /pods created before (\S+) will be replaced/.exec(result.stdout)?.[1];
  expect((await view.rollout()).spec.restartAt).toBe(restartAt);
  const done = await view.waitForStatus((s) => (s.restartedAt === restartAt && s.availableReplicas === 4 ? s : undefined), 'status.restartedAt', 120_000);
  sampling = false;
  await sampler;

  const after = (await view.pods(v1)).map((p) => p.metadata?.name);
  expect(after).toHaveLength(4);
  expect(after.filter((name) => before.includes(name))).toEqual([]);
  expect(done.stableRS).toBe(v1);
  expect(done.phase).toBe('Healthy');
  expect(fewestAvailable).toBeGreaterThanOrEqual(3);
});
