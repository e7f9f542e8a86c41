/**
 * The canary-readiness gate on discovery.k8s.io/v1 EndpointSlices (issue 13): the canary weight is
 * not raised while an EndpointSlice of the canary Service still lists a stable pod as ready, even
 * with every canary pod available; it rises once the slices list canary pods only. The stale slice
 * is one the test writes (managed by "kanary-test", so the endpointslice controller leaves it),
 * standing for an endpointslice controller that has not caught up with a selector change.
 */
import { jest } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import * as k8s from '@kubernetes/client-node';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, loadExample, tweakExample, type Obj } from './rollout-fixtures.js';

jest.setTimeout(150_000);

const ns = useTestNamespace('slice-gate');
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
const docs = (image: string, steps: Obj[]) => tweakExample(loadExample('canary-ambassador'), { replicas: 2, image, steps, scaleDownDelaySeconds: 2 });

function discovery(): k8s.DiscoveryV1Api {
  return ns.kc.makeApiClient(k8s.DiscoveryV1Api);
}

/** A ready endpoint for `pod` in a slice of the canary Service that only this test manages. */
async function writeStaleSlice(pod: k8s.V1Pod): Promise<void> {
  await discovery().createNamespacedEndpointSlice({
    namespace: ns.name,
    body: {
      metadata: { name: 'demo-canary-stale', labels: { 'kubernetes.io/service-name': 'demo-canary', 'endpointslice.kubernetes.io/managed-by': 'kanary-test' } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: [{
        addresses: [pod.status?.podIP ?? '127.0.0.1'],
        conditions: { ready: true },
        targetRef: { kind: 'Pod', name: pod.metadata?.name, namespace: ns.name, uid: pod.metadata?.uid },
      }],
    },
  });
}

test('the weight waits for the canary Service slices to list canary pods only', async () => {
  await applyDocs(ns.name, docs('kanary/demo-app:v1', []));
  const healthy = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Healthy' && s.availableReplicas === 2 ? s : undefined;
  }, { timeoutMs: 60_000, description: 'v1 Healthy' });
  const core = ns.kc.makeApiClient(k8s.CoreV1Api);
  const stablePods = await core.listNamespacedPod({ namespace: ns.name, labelSelector: `rollouts-pod-template-hash=${healthy.stableRS}` });
  const stablePod = stablePods.items[0];
  expect(stablePod).toBeDefined();
  await writeStaleSlice(stablePod!);

  await applyDocs(ns.name, docs('kanary/demo-app:v2', [{ setWeight: 50 }, { pause: {} }]));
  const canaryHash = await waitFor(async () => {
    const s = await status();
    return s.currentPodHash !== healthy.stableRS && s.currentPodHash ? (s.currentPodHash as string) : undefined;
  }, { timeoutMs: 30_000, description: 'v2 revision' });
  await waitFor(async () => ((await view.replicaSetOf(canaryHash))?.status?.availableReplicas === 1 ? true : undefined), { timeoutMs: 60_000, description: 'canary pod available' });
  await waitFor(async () => ((await view.serviceHash('demo-canary')) === canaryHash ? true : undefined), { timeoutMs: 30_000, description: 'canary Service selects the canary' });
  // Held: the canary pod is available and selected, but a slice still lists a stable pod.
  for (let i = 0; i < 10; i++) {
    expect(await view.canaryWeight()).toBe(0);
    await sleep(500);
  }
  expect((await status()).currentStepIndex ?? 0).toBe(0);

  await discovery().deleteNamespacedEndpointSlice({ namespace: ns.name, name: 'demo-canary-stale' });
  await waitFor(async () => ((await view.canaryWeight()) === 50 ? true : undefined), { timeoutMs: 30_000, description: 'canary weight 50 once the stale slice is gone' });
});
