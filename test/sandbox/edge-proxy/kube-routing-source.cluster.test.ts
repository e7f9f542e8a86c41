// The edge proxy's Kubernetes source without pods: a selector-less Service whose EndpointSlices
// (discovery.k8s.io/v1) are written by hand and point at local HTTP servers, a v2 base
// Mapping and a v3alpha1 weighted canary. Exercises the real informers (Mappings in both
// versions, Services, EndpointSlices) without depending on the simulated kubelet.
import { jest } from '@jest/globals';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { startEdgeProxy, type EdgeProxy } from '../../../src/sandbox/edge-proxy/edge-proxy.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { podNetworkAddress } from '../../../src/sandbox/pod-network.js';
import { useTestNamespace, waitFor } from '../../harness/cluster.js';

jest.setTimeout(120_000);

const ns = useTestNamespace('edge-source');
const servers: http.Server[] = [];
let proxy: EdgeProxy | undefined;
let stablePort = 0;
let canaryPort = 0;

async function startWorkload(host: string, version: string): Promise<number> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ version, ip: host }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

function customApi(): k8s.CustomObjectsApi {
  return ns.kc.makeApiClient(k8s.CustomObjectsApi);
}

async function writeSlice(service: string, port: number, endpoints: Array<{ ip: string; ready: boolean }>): Promise<void> {
  const body = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-manual`, labels: { 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': 'kanary-test' } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port, protocol: 'TCP' }],
    endpoints: endpoints.map((e) => ({ addresses: [podNetworkAddress(e.ip)], conditions: { ready: e.ready } })),
  };
  const ref = { group: 'discovery.k8s.io', version: 'v1', namespace: ns.name, plural: 'endpointslices' };
  try {
    await customApi().replaceNamespacedCustomObject({ ...ref, name: body.metadata.name, body });
  } catch {
    await customApi().createNamespacedCustomObject({ ...ref, body });
  }
}

async function createService(name: string): Promise<void> {
  const core = ns.kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedService({ namespace: ns.name, body: { metadata: { name }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } } });
}

function get(url: string): Promise<{ status: number; version?: string; ip?: string }> {
  return new Promise((resolve) => {
    http.get(url, { agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, ...(JSON.parse(body) as { version?: string; ip?: string }) });
        } catch {
          resolve({ status: res.statusCode ?? 0 });
        }
      });
    }).on('error', () => resolve({ status: 0 }));
  });
}

async function sample(requests: number): Promise<Array<{ status: number; version?: string; ip?: string }>> {
  const url = `${proxy?.url ?? ''}/${ns.name}/`;
  const answers = [];
  for (let i = 0; i < requests; i += 1) answers.push(await get(url));
  return answers;
}

beforeAll(async () => {
  stablePort = await startWorkload('127.0.0.2', 'v1');
  canaryPort = await startWorkload('127.0.0.3', 'v2');
  await createService('demo-stable');
  await createService('demo-canary');
  await writeSlice('demo-stable', stablePort, [{ ip: '127.0.0.2', ready: true }]);
  await writeSlice('demo-canary', canaryPort, [{ ip: '127.0.0.3', ready: true }]);
  await customApi().createNamespacedCustomObject({
    group: 'getambassador.io', version: 'v2', namespace: ns.name, plural: 'mappings',
    body: { apiVersion: 'getambassador.io/v2', kind: 'Mapping', metadata: { name: 'demo' }, spec: { prefix: `/${ns.name}/`, service: 'demo-stable:80' } },
  });
  // Emissary 3 reads the v2 base without host as hostname "*" (an :authority match); a v3alpha1
  // canary without hostname would be in another group and get none of the base's traffic.
  await customApi().createNamespacedCustomObject({
    group: 'getambassador.io', version: 'v3alpha1', namespace: ns.name, plural: 'mappings',
    body: { apiVersion: 'getambassador.io/v3alpha1', kind: 'Mapping', metadata: { name: 'demo-canary' }, spec: { hostname: '*', prefix: `/${ns.name}/`, service: 'demo-canary:80', weight: 50 } },
  });
  proxy = await startEdgeProxy({ kubeConfig: ns.kc, logger: createLogger({ level: 'warn', sink: () => undefined }) });
});

afterAll(async () => {
  await proxy?.stop();
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
});

test('both Mapping versions, the Service port and the EndpointSlice port are resolved', async () => {
  await waitFor(async () => {
    const versions = new Set((await sample(30)).map((a) => a.version));
    return versions.has('v1') && versions.has('v2');
  }, { timeoutMs: 30_000, description: 'traffic on v1 and v2' });
  const groups = proxy?.routingTable().groups.filter((g) => g.entries.some((e) => e.mapping.namespace === ns.name)) ?? [];
  expect(groups.map((g) => g.entries.map((e) => [e.mapping.name, e.percent]))).toEqual([[['demo', 50], ['demo-canary', 50]]]);
});

test('an endpoint turning not ready stops receiving traffic; none ready gives 503', async () => {
  await writeSlice('demo-canary', canaryPort, [{ ip: '127.0.0.3', ready: false }]);
  await waitFor(async () => {
    const answers = await sample(20);
    return answers.filter((a) => a.status === 503).length > 0 && answers.every((a) => a.status === 503 || a.version === 'v1');
  }, { timeoutMs: 30_000, description: 'canary answers 503 once its only endpoint is not ready' });
  await writeSlice('demo-canary', canaryPort, [{ ip: '127.0.0.3', ready: true }]);
  await waitFor(async () => (await sample(20)).every((a) => a.status === 200), { timeoutMs: 30_000, description: 'canary ready again' });
});
