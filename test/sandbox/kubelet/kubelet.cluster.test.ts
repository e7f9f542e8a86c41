import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { useTestNamespace, waitFor } from '../../harness/cluster.js';
import { connectError, httpGet } from './http-get.js';

// The cluster's own kubelet (started with the cluster) runs these pods: tests go through the API.
const ns = useTestNamespace('kubelet');
const nodeName = 'kanary-sim-node';
const port = 8080;

jest.setTimeout(60_000);

function core(): k8s.CoreV1Api {
  return ns.kc.makeApiClient(k8s.CoreV1Api);
}

async function createPod(name: string, image: string, annotations?: Record<string, string>): Promise<k8s.V1Pod> {
  return core().createNamespacedPod({
    namespace: ns.name,
    body: {
      metadata: { name, labels: { app: name }, ...(annotations ? { annotations } : {}) },
      spec: { containers: [{ name: 'app', image, ports: [{ containerPort: port }] }] },
    },
  });
}

function readPod(name: string): Promise<k8s.V1Pod> {
  return core().readNamespacedPod({ name, namespace: ns.name });
}

function condition(pod: k8s.V1Pod, type: string): string | undefined {
  return pod.status?.conditions?.find((c) => c.type === type)?.status;
}

function waitForPod(name: string, check: (pod: k8s.V1Pod) => boolean, description: string): Promise<k8s.V1Pod> {
  return waitFor(async () => {
    const pod = await readPod(name);
    return check(pod) ? pod : undefined;
  }, { timeoutMs: 30_000, description: `${name}: ${description}` });
}

const isReady = (pod: k8s.V1Pod): boolean => condition(pod, 'Ready') === 'True';

test('the node is registered and Ready', async () => {
  const node = await core().readNode({ name: nodeName });
  expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  expect(Number(node.status?.allocatable?.['pods'])).toBeGreaterThanOrEqual(100);
});

test('a pod is bound, Running and Ready on its own pod IP (240.x, listening on 127.x), answering with its image body', async () => {
  await createPod('demo-v2', 'kanary/demo-app:v2');
  const pod = await waitForPod('demo-v2', isReady, 'Ready');
  expect(pod.spec?.nodeName).toBe(nodeName);
  expect(pod.status?.phase).toBe('Running');
  const ip = pod.status?.podIP ?? '';
  expect(ip).toMatch(/^240\.(?!0\.)\d+\.\d+\.\d+$/);
  expect(pod.status?.podIPs).toEqual([{ ip }]);
  expect(pod.status?.hostIP).toBe('127.0.0.1');
  expect(pod.status?.startTime).toBeDefined();
  for (const type of ['PodScheduled', 'Initialized', 'ContainersReady']) expect(condition(pod, type)).toBe('True');
  expect(pod.status?.containerStatuses).toEqual([expect.objectContaining({
    name: 'app', ready: true, restartCount: 0, state: expect.objectContaining({ running: expect.anything() }),
  })]);

  const res = await httpGet(`http://${ip}:${port}/hello`);
  expect(res.status).toBe(200);
  expect(JSON.parse(res.body)).toMatchObject({ pod: 'demo-v2', image: 'kanary/demo-app:v2', version: 'v2', colour: 'green' });
  const metrics = await httpGet(`http://${ip}:${port}/metrics`);
  expect(metrics.body).toMatch(/^sim_http_requests_total\{code="200"\} 1$/m);
});

test('two pods get distinct IPs', async () => {
  await Promise.all([createPod('twin-a', 'kanary/demo-app:v1'), createPod('twin-b', 'kanary/demo-app:v1')]);
  const [a, b] = await Promise.all([waitForPod('twin-a', isReady, 'Ready'), waitForPod('twin-b', isReady, 'Ready')]);
  expect(a.status?.podIP).toBeDefined();
  expect(a.status?.podIP).not.toBe(b.status?.podIP);
  const body = JSON.parse((await httpGet(`http://${b.status?.podIP}:${port}/`)).body);
  expect(body).toMatchObject({ pod: 'twin-b', colour: 'blue' });
});

test('a never-ready pod is Running and stays not Ready', async () => {
  await createPod('never', 'kanary/never-ready:latest');
  const running = await waitForPod('never', (p) => p.status?.containerStatuses?.[0]?.state?.running !== undefined, 'container running');
  expect(running.status?.phase).toBe('Running');
  // Well past the default readiness delay (300 ms): still not Ready.
  await sleep(2_000);
  const later = await readPod('never');
  expect(condition(later, 'Ready')).toBe('False');
  expect(later.status?.containerStatuses?.[0]?.ready).toBe(false);
  expect((await httpGet(`http://${later.status?.podIP}:${port}/`)).status).toBe(200);
});

test('deleting a pod stops its server and removes the object', async () => {
  await createPod('doomed', 'kanary/demo-app:v1');
  const pod = await waitForPod('doomed', isReady, 'Ready');
  const url = `http://${pod.status?.podIP}:${port}/`;
  expect((await httpGet(url)).status).toBe(200);
  await core().deleteNamespacedPod({ name: 'doomed', namespace: ns.name });
  await waitFor(async () => (await connectError(url)) === 'ECONNREFUSED', { timeoutMs: 10_000, description: 'server stopped' });
  await waitFor(async () => {
    try {
      await readPod('doomed');
      return false;
    } catch (err) {
      return (err as { code?: number }).code === 404;
    }
  }, { timeoutMs: 15_000, description: 'pod object removed' });
});

test('a crash-loop pod shows restarts and its last termination', async () => {
  await createPod('crashy', 'kanary/crash-loop:latest');
  const pod = await waitForPod('crashy', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 'a restart');
  const status = pod.status?.containerStatuses?.[0];
  expect(status?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
  expect(pod.status?.phase).toBe('Running');
});

test('the behaviour annotation overrides the catalog; a malformed one is ignored', async () => {
  await createPod('always-fails', 'kanary/demo-app:v1', { 'sim.kanary.dev/behaviour': '{"errorRate":1}' });
  await createPod('bad-annotation', 'kanary/demo-app:v1', { 'sim.kanary.dev/behaviour': '{not json' });
  const failing = await waitForPod('always-fails', isReady, 'Ready');
  const healthy = await waitForPod('bad-annotation', isReady, 'Ready');
  const failed = await httpGet(`http://${failing.status?.podIP}:${port}/`);
  expect(failed.status).toBe(500);
  expect(JSON.parse(failed.body)).toMatchObject({ error: 'simulated failure', colour: 'blue' });
  expect((await httpGet(`http://${healthy.status?.podIP}:${port}/`)).status).toBe(200);
});

test('a pod bound to another node is left alone', async () => {
  await core().createNamespacedPod({
    namespace: ns.name,
    body: { metadata: { name: 'elsewhere' }, spec: { nodeName: 'some-other-node', containers: [{ name: 'app', image: 'kanary/demo-app:v1' }] } },
  });
  // A ready pod created after it proves the kubelet has seen both.
  await createPod('witness', 'kanary/demo-app:v1');
  await waitForPod('witness', isReady, 'Ready');
  const pod = await readPod('elsewhere');
  expect(pod.status?.podIP).toBeUndefined();
  expect(pod.status?.containerStatuses).toBeUndefined();
});
