/**
 * Issue 4, scenarios 5, 6 and 8: abort mid-rollout and retry, promote --full, and a fast rollback
 * when the template returns to the stable revision.
 */
import { jest } from '@jest/globals';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, kanary, loadExample, setImage, tweakExample, type Obj } from './rollout-fixtures.js';

jest.setTimeout(120_000);

const ns = useTestNamespace('abort');
let controller: ControllerProcess;
let view: ClusterView;
let v1Hash = '';
let v2Hash = '';

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  controller = startController({ namespace: ns.name, flags: ['--mapping-propagation-delay', '1s'] });
  await controller.metricsUrl();
  await applyDocs(ns.name, tweakExample(loadExample('canary-ambassador'), { replicas: 4, scaleDownDelaySeconds: 2, abortScaleDownDelaySeconds: 2 }));
  const s = await waitFor(async () => {
    const st = (await view.rollout()).status;
    return st?.phase === 'Healthy' && st.availableReplicas === 4 ? st : undefined;
  }, { timeoutMs: 60_000, description: 'Healthy' });
  v1Hash = s.stableRS;
});

afterAll(async () => {
  await controller?.stop();
});

const status = async (): Promise<Obj> => (await view.rollout()).status ?? {};

test('abort mid-rollout: weight 0 at once, Mapping deleted, canary Service back on stable, canary scaled to 0, Degraded', async () => {
  await setImage(ns.name, 'kanary/demo-app:v2');
  const paused = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Paused' && s.currentStepIndex === 1 ? s : undefined;
  }, { timeoutMs: 60_000, description: 'paused at 30%' });
  v2Hash = paused.currentPodHash;
  expect(await view.canaryWeight()).toBe(30);

  const result = await kanary(['abort', 'demo', '-n', ns.name]);
  expect(result.code).toBe(0);
  await waitFor(async () => {
    const mapping = await view.mapping('demo-canary');
    return mapping === undefined || mapping.spec?.weight === 0;
  }, { timeoutMs: 10_000, description: 'canary weight 0' });
  const degraded = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Degraded' ? s : undefined;
  }, { timeoutMs: 10_000, description: 'Degraded' });
  expect(degraded.abort).toBe(true);
  expect(degraded.pauseConditions ?? []).toHaveLength(0);
  await waitFor(async () => (await view.serviceHash('demo-canary')) === v1Hash, { timeoutMs: 10_000, description: 'canary Service on stable' });
  await waitFor(async () => (await view.mapping('demo-canary')) === undefined, { timeoutMs: 20_000, description: 'canary Mapping deleted' });
  await waitFor(async () => (await view.replicaSetOf(v2Hash))?.spec?.replicas === 0, { timeoutMs: 30_000, description: 'canary scaled to 0' });
  expect((await view.replicaSetOf(v1Hash))?.spec?.replicas).toBe(4);
});

test('abort again says it is already aborted', async () => {
  const result = await kanary(['abort', 'demo', '-n', ns.name]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('already aborted');
});

test('retry: steps restart from 0 and the canary comes back at 30%', async () => {
  expect((await kanary(['retry', 'demo', '-n', ns.name])).code).toBe(0);
  await waitFor(async () => {
    const s = await status();
    return s.phase === 'Paused' && s.currentStepIndex === 1 && !s.abort;
  }, { timeoutMs: 60_000, description: 'paused at step 1 after retry' });
  expect(await view.canaryWeight()).toBe(30);
});

test('promote --full during a pause: straight to 100 and Healthy on v2', async () => {
  expect((await kanary(['promote', 'demo', '--full', '-n', ns.name])).code).toBe(0);
  const done = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Healthy' && s.stableRS === v2Hash ? s : undefined;
  }, { timeoutMs: 60_000, description: 'Healthy on v2' });
  expect(done.promoteFull ?? false).toBe(false);
  await waitFor(async () => (await view.mapping('demo-canary')) === undefined, { timeoutMs: 20_000, description: 'canary Mapping removed' });
});

test('fast rollback: template back to the stable revision mid-rollout skips all steps with weight 0 at once', async () => {
  await setImage(ns.name, 'kanary/demo-app:v3');
  const paused = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Paused' && s.currentStepIndex === 1 ? s : undefined;
  }, { timeoutMs: 60_000, description: 'v3 paused at 30%' });
  const v3Hash = paused.currentPodHash;
  expect(await view.canaryWeight()).toBe(30);
  await setImage(ns.name, 'kanary/demo-app:v2');
  await waitFor(async () => {
    const mapping = await view.mapping('demo-canary');
    return mapping === undefined || mapping.spec?.weight === 0;
  }, { timeoutMs: 10_000, description: 'weight 0 after revert' });
  const healthy = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Healthy' && s.currentPodHash === v2Hash ? s : undefined;
  }, { timeoutMs: 30_000, description: 'Healthy on v2 again' });
  expect(healthy.stableRS).toBe(v2Hash);
  expect(healthy.currentStepIndex).toBe(6);
  await waitFor(async () => (await view.replicaSetOf(v3Hash))?.spec?.replicas === 0, { timeoutMs: 30_000, description: 'v3 scaled down' });
});
