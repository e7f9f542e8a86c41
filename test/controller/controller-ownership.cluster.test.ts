/**
 * Issue 4, bad input: an object named like ours but not owned by the Rollout is never adopted or
 * modified, and a Rollout deleted mid-update takes its ReplicaSets and canary Mapping with it.
 */
import { jest } from '@jest/globals';
import { kubectl, useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, loadExample, setImage, tweakExample, type Obj } from './rollout-fixtures.js';

jest.setTimeout(150_000);

const ns = useTestNamespace('ownership');
let controller: ControllerProcess;
let view: ClusterView;

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  controller = startController({ namespace: ns.name, flags: ['--mapping-propagation-delay', '1s'] });
  await controller.metricsUrl();
  await applyDocs(ns.name, tweakExample(loadExample('canary-ambassador'), { replicas: 2 }));
  await waitFor(async () => (await view.rollout()).status?.phase === 'Healthy', { timeoutMs: 60_000, description: 'Healthy' });
});

afterAll(async () => {
  await controller?.stop();
});

test('a foreign Mapping named <base>-canary is reported and left untouched', async () => {
  const foreign: Obj = {
    apiVersion: 'getambassador.io/v2', kind: 'Mapping',
    metadata: { name: 'demo-canary', labels: { owner: 'someone-else' } },
    spec: { prefix: '/other/', service: 'elsewhere:80', weight: 0 },
  };
  await applyDocs(ns.name, [foreign]);
  await setImage(ns.name, 'kanary/demo-app:v2');
  const degraded = await waitFor(async () => {
    const s = (await view.rollout()).status;
    return s?.phase === 'Degraded' ? s : undefined;
  }, { timeoutMs: 30_000, description: 'InvalidSpec for the foreign Mapping' });
  expect(degraded.conditions.find((c: Obj) => c.type === 'InvalidSpec')?.message).toContain('demo-canary');
  const live = await view.mapping('demo-canary');
  expect(live?.spec).toEqual(foreign.spec);
  expect(live?.metadata?.ownerReferences).toBeUndefined();
  await kubectl(['delete', 'mappings.getambassador.io', 'demo-canary', '-n', ns.name]);
  await waitFor(async () => (await view.rollout()).status?.phase === 'Paused', { timeoutMs: 60_000, description: 'progresses once the foreign Mapping is gone' });
  expect(await view.canaryWeight()).toBe(30);
});

test('deleting the Rollout mid-update garbage-collects its ReplicaSets and canary Mapping', async () => {
  expect((await view.replicaSets()).length).toBeGreaterThanOrEqual(2);
  await kubectl(['delete', 'rollouts.kanary.dev', 'demo', '-n', ns.name, '--wait=false']);
  await waitFor(async () => (await view.replicaSets()).length === 0, { timeoutMs: 60_000, description: 'ReplicaSets collected' });
  await waitFor(async () => (await view.mapping('demo-canary')) === undefined, { timeoutMs: 60_000, description: 'canary Mapping collected' });
  expect(await view.mapping('demo')).toBeDefined();
  expect(controller.exited()).toBe(false);
});
