// Requests to the API server share one keep-alive connection per set of TLS settings instead of
// opening one per request (client-node makes a new agent for each request).
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { createKubeClients } from '../../src/kube/clients.js';
import { closeSharedAgents, sharedAgent } from '../../src/kube/shared-agent.js';
import { sendRawRequest } from '../../src/runtime/raw-request.js';

let server: http.Server;
let connections = 0;
let requests = 0;

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    requests += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ apiVersion: 'kanary.dev/v1alpha1', kind: 'Rollout', metadata: { name: 'web' } }));
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  closeSharedAgents();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  closeSharedAgents();
  connections = 0;
  requests = 0;
});

function kubeConfig(): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'secret' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

test('ten requests through the typed clients and ten raw requests use one connection', async () => {
  const kc = kubeConfig();
  const custom = createKubeClients(kc).custom;
  for (let i = 0; i < 10; i++) {
    const got = (await custom.getNamespacedCustomObject({ group: 'kanary.dev', version: 'v1alpha1', namespace: 'shop', plural: 'rollouts', name: 'web' })) as { metadata: { name: string } };
    expect(got.metadata.name).toBe('web');
  }
  for (let i = 0; i < 10; i++) expect((await sendRawRequest({ kubeConfig: kc, method: 'GET', path: '/apis/kanary.dev/v1alpha1/namespaces/shop/rollouts/web' })).code).toBe(200);
  expect(requests).toBe(20);
  expect(connections).toBe(1);
});

test('agents with the same settings are shared, other settings get their own agent, and proxies pass through', () => {
  const one = sharedAgent(new https.Agent({ ca: Buffer.from('ca-1'), rejectUnauthorized: true }));
  expect(sharedAgent(new https.Agent({ ca: Buffer.from('ca-1'), rejectUnauthorized: true }))).toBe(one);
  expect((one as https.Agent & { keepAlive?: boolean }).keepAlive).toBe(true);
  const rotated = sharedAgent(new https.Agent({ ca: Buffer.from('ca-2'), rejectUnauthorized: true }));
  expect(rotated).not.toBe(one);
  expect(sharedAgent(new http.Agent())).not.toBe(sharedAgent(new https.Agent()));
  class ProxyAgent extends https.Agent {}
  const proxy = new ProxyAgent();
  expect(sharedAgent(proxy)).toBe(proxy);
  expect(sharedAgent(undefined)).toBeUndefined();
});

test('at most four agents are kept: the oldest is closed when a fifth set of settings appears', () => {
  const first = sharedAgent(new https.Agent({ servername: 'a' }));
  const destroyed = jest.spyOn(first, 'destroy');
  for (const name of ['b', 'c', 'd']) sharedAgent(new https.Agent({ servername: name }));
  expect(destroyed).not.toHaveBeenCalled();
  sharedAgent(new https.Agent({ servername: 'e' }));
  expect(destroyed).toHaveBeenCalledTimes(1);
  expect(sharedAgent(new https.Agent({ servername: 'a' }))).not.toBe(first);
});
