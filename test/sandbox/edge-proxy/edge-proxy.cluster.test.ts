// The edge proxy against the local cluster: real Services, a ReplicaSet per version run by the
// simulated kubelet, EndpointSlices from the real endpointslice controller, a base Mapping (v2)
// and a weighted canary Mapping (v3alpha1). The traffic split is observed from real requests.
import { jest } from '@jest/globals';
import * as http from 'node:http';
import * as k8s from '@kubernetes/client-node';
import { startEdgeProxy, type EdgeProxy } from '../../../src/sandbox/edge-proxy/edge-proxy.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { useTestNamespace, waitFor } from '../../harness/cluster.js';
import { createSeededRandom } from '../../../src/sandbox/kubelet/random.js';

jest.setTimeout(180_000);

const ns = useTestNamespace('edge-proxy');
let proxy: EdgeProxy | undefined;

interface Answer { status: number; version?: string; pod?: string }

function get(url: string): Promise<Answer> {
  return new Promise((resolve) => {
    http.get(url, { agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => {
        try {
          const parsed = JSON.parse(body) as { version?: string; pod?: string };
          resolve({ status: res.statusCode ?? 0, ...parsed });
        } catch {
          resolve({ status: res.statusCode ?? 0 });
        }
      });
    }).on('error', () => resolve({ status: 0 }));
  });
}

async function sample(url: string, requests: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < requests; i += 1) answers.push(await get(url));
  return answers;
}

function service(name: string, track: string): k8s.V1Service {
  return {
    metadata: { name },
    spec: { selector: { app: 'demo', track }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
}

function replicaSet(name: string, track: string, image: string, replicas: number): k8s.V1ReplicaSet {
  const labels = { app: 'demo', track };
  return {
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image, ports: [{ name: 'http', containerPort: 8080 }] }] },
      },
    },
  };
}

async function setCanaryWeight(weight: number): Promise<void> {
  const custom = ns.kc.makeApiClient(k8s.CustomObjectsApi);
  await custom.patchNamespacedCustomObject(
    { group: 'getambassador.io', version: 'v3alpha1', namespace: ns.name, plural: 'mappings', name: 'demo-canary', body: { spec: { weight } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
}

function prefix(): string {
  return `/${ns.name}/`;
}

beforeAll(async () => {
  const core = ns.kc.makeApiClient(k8s.CoreV1Api);
  const apps = ns.kc.makeApiClient(k8s.AppsV1Api);
  const custom = ns.kc.makeApiClient(k8s.CustomObjectsApi);
  await core.createNamespacedService({ namespace: ns.name, body: service('demo-stable', 'stable') });
  await core.createNamespacedService({ namespace: ns.name, body: service('demo-canary', 'canary') });
  await apps.createNamespacedReplicaSet({ namespace: ns.name, body: replicaSet('demo-v1', 'stable', 'kanary/demo-app:v1', 2) });
  await apps.createNamespacedReplicaSet({ namespace: ns.name, body: replicaSet('demo-v2', 'canary', 'kanary/demo-app:v2', 1) });
  // A unique prefix per run: the proxy watches every namespace, other test files have Mappings too.
  await custom.createNamespacedCustomObject({
    group: 'getambassador.io', version: 'v2', namespace: ns.name, plural: 'mappings',
    body: { apiVersion: 'getambassador.io/v2', kind: 'Mapping', metadata: { name: 'demo' }, spec: { prefix: prefix(), service: 'demo-stable:80' } },
  });
  // Emissary 3 reads the v2 base without host as hostname "*" (an :authority match); a v3alpha1
  // canary without hostname would be in another group and get none of the base's traffic.
  await custom.createNamespacedCustomObject({
    group: 'getambassador.io', version: 'v3alpha1', namespace: ns.name, plural: 'mappings',
    body: { apiVersion: 'getambassador.io/v3alpha1', kind: 'Mapping', metadata: { name: 'demo-canary' }, spec: { hostname: '*', prefix: prefix(), service: 'demo-canary:80', weight: 30 } },
  });
  proxy = await startEdgeProxy({
    kubeConfig: ns.kc,
    random: createSeededRandom(7),
    logger: createLogger({ level: 'warn', sink: () => undefined }),
  });
});

afterAll(async () => {
  await proxy?.stop();
});

function requireProxy(): EdgeProxy {
  if (!proxy) throw new Error('proxy not started');
  return proxy;
}

test('routes to ready pods of both Services and splits 30/70 by the canary weight', async () => {
  const url = `${requireProxy().url}${prefix()}`;
  await waitFor(async () => {
    const answers = await sample(url, 30);
    const versions = new Set(answers.map((a) => a.version));
    const pods = new Set(answers.filter((a) => a.version === 'v1').map((a) => a.pod));
    return answers.every((a) => a.status === 200) && versions.has('v1') && versions.has('v2') && pods.size === 2;
  }, { timeoutMs: 90_000, intervalMs: 500, description: 'all 3 pods ready behind the proxy' });

  const answers = await sample(url, 400);
  expect(answers.every((a) => a.status === 200)).toBe(true);
  const canaryShare = (answers.filter((a) => a.version === 'v2').length / answers.length) * 100;
  expect(canaryShare).toBeGreaterThanOrEqual(25);
  expect(canaryShare).toBeLessThanOrEqual(35);
  const stablePods = new Set(answers.filter((a) => a.version === 'v1').map((a) => a.pod));
  expect(stablePods.size).toBe(2);
});

test('weight changes on the Mapping move the traffic', async () => {
  const url = `${requireProxy().url}${prefix()}`;
  await setCanaryWeight(100);
  await waitFor(async () => (await sample(url, 20)).every((a) => a.version === 'v2'), { timeoutMs: 30_000, description: 'all traffic on v2' });
  await setCanaryWeight(0);
  await waitFor(async () => (await sample(url, 20)).every((a) => a.version === 'v1'), { timeoutMs: 30_000, description: 'all traffic on v1' });
});

test('metrics name the clusters as Emissary does', async () => {
  const text = await new Promise<string>((resolve, reject) => {
    http.get(requireProxy().metricsUrl, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
  const canaryTotal = new RegExp(`^envoy_cluster_upstream_rq_total\\{envoy_cluster_name="demo_canary_${ns.name.replace(/-/g, '_')}_80"\\} (\\d+)`, 'm');
  expect(Number(canaryTotal.exec(text)?.[1] ?? 0)).toBeGreaterThan(0);
  expect(text).toMatch(new RegExp(`envoy_cluster_upstream_rq_xx\\{envoy_cluster_name="demo_stable_${ns.name.replace(/-/g, '_')}_80",envoy_response_code_class="2"\\}`));
});
