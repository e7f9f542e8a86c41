/**
 * Pods on the local cluster through the real controllers and the simulated kubelet: a ReplicaSet's
 * pods run as HTTP servers on loopback IPs (reported as 240.x pod IPs), the endpointslice controller lists exactly the Ready
 * ones, scaling down stops servers, a never-ready image is never a ready endpoint, and deleting
 * the ReplicaSet garbage-collects its pods.
 */
import { request } from 'node:http';
import * as k8s from '@kubernetes/client-node';
import { kubectl, useTestNamespace, waitFor } from '../../harness/cluster.js';
import { loopbackAddressOf } from '../../../src/sandbox/pod-network.js';

const ns = useTestNamespace('workloads');
const T = 120_000;
const PORT = 8080;

interface HttpAnswer {
  status: number;
  body: Record<string, unknown>;
}

function httpGet(ip: string, port = PORT): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: loopbackAddressOf(ip), port, path: '/', timeout: 5_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function connectionRefused(ip: string): Promise<boolean> {
  try {
    await httpGet(ip);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
  }
}

function isReady(pod: k8s.V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function podTemplate(app: string, image: string): k8s.V1PodTemplateSpec {
  return {
    metadata: { labels: { app } },
    spec: { containers: [{ name: 'app', image, ports: [{ name: 'http', containerPort: PORT }] }] },
  };
}

async function pods(app: string): Promise<k8s.V1Pod[]> {
  const core = ns.kc.makeApiClient(k8s.CoreV1Api);
  return (await core.listNamespacedPod({ namespace: ns.name, labelSelector: `app=${app}` })).items;
}

async function createService(app: string): Promise<void> {
  const core = ns.kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedService({
    namespace: ns.name,
    body: { metadata: { name: app }, spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
  });
}

interface SliceEndpoint {
  addresses: string[];
  conditions?: { ready?: boolean };
  targetRef?: { name?: string };
}

/** The Service's EndpointSlice endpoints (discovery.k8s.io/v1). */
async function sliceEndpoints(service: string): Promise<SliceEndpoint[]> {
  const api = ns.kc.makeApiClient(k8s.CustomObjectsApi);
  const list = (await api.listNamespacedCustomObject({
    group: 'discovery.k8s.io',
    version: 'v1',
    namespace: ns.name,
    plural: 'endpointslices',
    labelSelector: `kubernetes.io/service-name=${service}`,
  })) as { items: { endpoints?: SliceEndpoint[] | null }[] };
  return list.items.flatMap((slice) => slice.endpoints ?? []);
}

async function readyEndpointIps(service: string): Promise<string[]> {
  const endpoints = await sliceEndpoints(service);
  return endpoints.filter((e) => e.conditions?.ready === true).flatMap((e) => e.addresses).sort();
}

describe('a ReplicaSet of kanary/demo-app:v1', () => {
  const app = 'web';
  let firstIps: string[] = [];

  beforeAll(async () => {
    await createService(app);
    const apps = ns.kc.makeApiClient(k8s.AppsV1Api);
    await apps.createNamespacedReplicaSet({
      namespace: ns.name,
      body: {
        metadata: { name: app },
        spec: { replicas: 3, selector: { matchLabels: { app } }, template: podTemplate(app, 'kanary/demo-app:v1') },
      },
    });
  });

  test('scaled to 3 gets 3 Ready pods with distinct pod IPs answering with the image body', async () => {
    const ready = await waitFor(
      async () => {
        const list = await pods(app);
        return list.length === 3 && list.every(isReady) ? list : undefined;
      },
      { timeoutMs: 60_000, description: '3 Ready pods' },
    );
    firstIps = ready.map((p) => p.status?.podIP ?? '').sort();
    expect(new Set(firstIps).size).toBe(3);
    for (const ip of firstIps) expect(ip).toMatch(/^240\.\d+\.\d+\.\d+$/);
    for (const pod of ready) {
      const answer = await httpGet(pod.status?.podIP ?? '');
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ pod: pod.metadata?.name, image: 'kanary/demo-app:v1', version: 'v1', colour: 'blue' });
    }
  }, T);

  test("the Service's EndpointSlices list exactly the Ready pods as ready endpoints", async () => {
    const ips = await waitFor(
      async () => {
        const found = await readyEndpointIps(app);
        return found.length === 3 ? found : undefined;
      },
      { timeoutMs: 60_000, description: '3 ready endpoints' },
    );
    expect(ips).toEqual(firstIps);
    const targets = (await sliceEndpoints(app)).map((e) => e.targetRef?.name).sort();
    expect(targets).toEqual((await pods(app)).map((p) => p.metadata?.name).sort());
  }, T);

  test('scaling to 1 stops the servers of the two removed pods', async () => {
    await kubectl(['scale', 'replicaset', app, '-n', ns.name, '--replicas=1']);
    const remaining = await waitFor(
      async () => {
        const list = await pods(app);
        return list.length === 1 ? list : undefined;
      },
      { timeoutMs: 60_000, description: 'two pods to be deleted' },
    );
    const keptIp = remaining[0]?.status?.podIP ?? '';
    const removedIps = firstIps.filter((ip) => ip !== keptIp);
    expect(removedIps).toHaveLength(2);
    for (const ip of removedIps) expect(await connectionRefused(ip)).toBe(true);
    expect((await httpGet(keptIp)).status).toBe(200);
    const ips = await waitFor(
      async () => {
        const found = await readyEndpointIps(app);
        return found.length === 1 ? found : undefined;
      },
      { timeoutMs: 60_000, description: 'the EndpointSlice to shrink to 1 ready endpoint' },
    );
    expect(ips).toEqual([keptIp]);
  }, T);

  test('deleting the ReplicaSet garbage-collects its pods', async () => {
    const apps = ns.kc.makeApiClient(k8s.AppsV1Api);
    await apps.deleteNamespacedReplicaSet({ name: app, namespace: ns.name, propagationPolicy: 'Background' });
    const left = await waitFor(async () => ((await pods(app)).length === 0 ? 0 : undefined), {
      timeoutMs: 60_000,
      description: 'the pods of the deleted ReplicaSet to be garbage-collected',
    });
    expect(left).toBe(0);
  }, T);
});

describe('kanary/never-ready:latest', () => {
  const app = 'stuck';

  test('yields a Running pod that is never Ready and never a ready endpoint', async () => {
    await createService(app);
    const core = ns.kc.makeApiClient(k8s.CoreV1Api);
    const pod = (name: string, image: string): k8s.V1Pod => ({ metadata: { name, labels: { app } }, spec: podTemplate(app, image).spec });
    await core.createNamespacedPod({ namespace: ns.name, body: pod('never-ready', 'kanary/never-ready:latest') });
    const running = await waitFor(
      async () => {
        const p = await core.readNamespacedPod({ name: 'never-ready', namespace: ns.name });
        return p.status?.phase === 'Running' && p.status.podIP ? p : undefined;
      },
      { timeoutMs: 60_000, description: 'the never-ready pod to run' },
    );
    // A healthy pod behind the same Service, created later, becoming a ready endpoint shows the
    // endpointslice controller has processed the Service since the never-ready pod started.
    await core.createNamespacedPod({ namespace: ns.name, body: pod('healthy', 'kanary/demo-app:v2') });
    const healthy = await waitFor(
      async () => {
        const p = await core.readNamespacedPod({ name: 'healthy', namespace: ns.name });
        return isReady(p) && p.status?.podIP ? p : undefined;
      },
      { timeoutMs: 60_000, description: 'the healthy pod to be Ready' },
    );
    await waitFor(async () => (await readyEndpointIps(app)).includes(healthy.status?.podIP ?? '-'), {
      timeoutMs: 60_000,
      description: 'the healthy pod as a ready endpoint',
    });
    const now = await core.readNamespacedPod({ name: 'never-ready', namespace: ns.name });
    expect(now.status?.phase).toBe('Running');
    expect(isReady(now)).toBe(false);
    expect(await readyEndpointIps(app)).toEqual([healthy.status?.podIP]);
    const stuckEndpoint = (await sliceEndpoints(app)).filter((e) => e.addresses.includes(running.status?.podIP ?? '-'));
    expect(stuckEndpoint.every((e) => e.conditions?.ready !== true)).toBe(true);
  }, T);
});
