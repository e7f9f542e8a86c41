/**
 * Issue 4, scenarios 4, 7 and 9: timed pauses advance by themselves (and never early), a new
 * revision mid-rollout restarts the steps, canary pods that never become Ready keep the weight at 0
 * and progressDeadlineAbort aborts.
 */
import { jest } from '@jest/globals';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { readCounterTotal, startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, loadExample, setImage, tweakExample, type Obj } from './rollout-fixtures.js';

jest.setTimeout(150_000);

const ns = useTestNamespace('revisions');
let controller: ControllerProcess;
let view: ClusterView;

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  controller = startController({ namespace: ns.name, flags: ['--mapping-propagation-delay', '1s'] });
  await controller.metricsUrl();
});

afterAll(async () => {
  await controller?.stop();
});

const status = async (): Promise<Obj> => (await view.rollout()).status ?? {};

test('timed pauses advance on their own, no earlier than their duration, without API polling', async () => {
  const steps = [{ setWeight: 20 }, { pause: { duration: '4s' } }, { setWeight: 50 }, { pause: { duration: 4 } }];
  await applyDocs(ns.name, tweakExample(loadExample('canary-ambassador'), { replicas: 5, steps }));
  await waitFor(async () => (await status()).phase === 'Healthy', { timeoutMs: 60_000, description: 'Healthy' });
  await setImage(ns.name, 'kanary/demo-app:v2');
  const paused = await waitFor(async () => {
    const s = await status();
    return s.currentStepIndex === 1 && s.pauseConditions?.length ? s : undefined;
  }, { timeoutMs: 60_000, description: 'in the first timed pause' });
  const pauseStart = Date.parse(paused.pauseConditions[0].startTime);
  const url = await controller.metricsUrl();
  const requestsInPause = await readCounterTotal(url, 'kanary_kubernetes_requests_total');
  await waitFor(async () => (await status()).currentStepIndex >= 2, { timeoutMs: 20_000, intervalMs: 50, description: 'first pause over' });
  expect(Date.now()).toBeGreaterThanOrEqual(pauseStart + 4000);
  // While paused the controller only waited on its queue: the requests since the pause began are the
  // writes that ended it (status, weight, scale), not polling.
  const afterPause = await readCounterTotal(url, 'kanary_kubernetes_requests_total', (l) => !l.includes('verb="get"'));
  expect(afterPause).toBeGreaterThanOrEqual(requestsInPause);
  expect(await readCounterTotal(url, 'kanary_kubernetes_requests_total', (l) => l.includes('verb="get"'))).toBe(0);
  const done = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Healthy' && s.stableRS === s.currentPodHash && s.currentStepIndex === 4 ? s : undefined;
  }, { timeoutMs: 60_000, description: 'promoted after the second pause' });
  // The old ReplicaSet goes to 0 after scaleDownDelaySeconds; then only the new one is counted.
  await waitFor(async () => (await status()).availableReplicas === 5, { timeoutMs: 30_000, description: 'old ReplicaSet scaled down' });
  expect((await view.replicaSetOf(done.stableRS))?.status?.availableReplicas).toBe(5);
});

test('a new revision at 20%: v2 drained, traffic to stable until v3 is available, steps restart', async () => {
  const steps = [{ setWeight: 20 }, { pause: {} }, { setWeight: 60 }, { pause: {} }];
  const docs = tweakExample(loadExample('canary-ambassador'), { replicas: 5, steps, image: 'kanary/demo-app:v2' });
  await applyDocs(ns.name, docs);
  await waitFor(async () => (await status()).phase === 'Healthy' && (await status()).observedGeneration === (await view.rollout()).metadata.generation, { timeoutMs: 60_000, description: 'Healthy with the new steps' });
  const stable = (await status()).stableRS;
  await setImage(ns.name, 'kanary/demo-app:v3');
  const first = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Paused' && s.currentStepIndex === 1 && s.currentPodHash !== stable ? s : undefined;
  }, { timeoutMs: 60_000, description: 'v3 at 20%' });
  const v3Hash = first.currentPodHash;
  await setImage(ns.name, 'kanary/demo-app:v1');
  const second = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Paused' && s.currentStepIndex === 1 && s.currentPodHash !== v3Hash && s.currentPodHash !== stable ? s : undefined;
  }, { timeoutMs: 60_000, description: 'v1 canary at 20% with steps restarted' });
  expect(second.stableRS).toBe(stable);
  expect(await view.canaryWeight()).toBe(20);
  const mapping = await view.mapping('demo-canary');
  expect(mapping?.spec?.service).toBe('demo-canary:80');
  expect(await view.serviceHash('demo-canary')).toBe(second.currentPodHash);
  await waitFor(async () => (await view.replicaSetOf(v3Hash))?.spec?.replicas === 0, { timeoutMs: 30_000, description: 'v3 (intermediate) scaled down' });
});

test('canary pods that never become Ready: weight stays 0; progressDeadlineAbort aborts', async () => {
  await applyDocs(ns.name, tweakExample(loadExample('canary-ambassador'), {
    replicas: 3, image: 'kanary/demo-app:v2', steps: [{ setWeight: 50 }, { pause: {} }],
    progressDeadlineSeconds: 8, progressDeadlineAbort: true,
  }));
  await waitFor(async () => (await status()).phase === 'Healthy', { timeoutMs: 60_000, description: 'Healthy' });
  await setImage(ns.name, 'kanary/never-ready:latest');
  const aborted = await waitFor(async () => {
    const s = await status();
    return s.abort === true && s.phase === 'Degraded' ? s : undefined;
  }, { timeoutMs: 60_000, intervalMs: 250, description: 'aborted after the progress deadline' });
  expect(aborted.message).toMatch(/progress|deadline/i);
  expect(await view.canaryWeight()).toBe(0);
});
