// rawList pages through a collection with limit/continue and joins the pages into one list.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { RawListError, rawList } from '../../src/runtime/raw-list.js';

interface Seen {
  limit: string | null;
  continue: string | null;
  labelSelector: string | null;
}

let server: http.Server;
let seen: Seen[] = [];
const items = Array.from({ length: 7 }, (_, i) => ({ metadata: { name: `rs-${i}`, namespace: 'shop' } }));

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = { limit: url.searchParams.get('limit'), continue: url.searchParams.get('continue'), labelSelector: url.searchParams.get('labelSelector') };
    seen.push(query);
    if (url.pathname.endsWith('/gone')) {
      res.writeHead(410, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'the provided continue parameter is too old' }));
      return;
    }
    const start = Number(query.continue ?? 0);
    const limit = Number(query.limit);
    const next = start + limit < items.length ? String(start + limit) : undefined;
    const body = { kind: 'ReplicaSetList', apiVersion: 'apps/v1', metadata: { resourceVersion: '42', ...(next ? { continue: next } : {}) }, items: items.slice(start, start + limit) };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
});

function kubeConfig(): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  const port = (server.address() as AddressInfo).port;
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

test('pages of 3 are joined into one list of 7 with the list resourceVersion', async () => {
  const list = await rawList({ kubeConfig: kubeConfig(), path: '/apis/apps/v1/replicasets', labelSelector: 'rollouts-pod-template-hash', pageSize: 3 });
  expect(list.items.map((i) => i.metadata?.name)).toEqual(items.map((i) => i.metadata.name));
  expect(list.metadata?.resourceVersion).toBe('42');
  expect(seen).toEqual([
    { limit: '3', continue: null, labelSelector: 'rollouts-pod-template-hash' },
    { limit: '3', continue: '3', labelSelector: 'rollouts-pod-template-hash' },
    { limit: '3', continue: '6', labelSelector: 'rollouts-pod-template-hash' },
  ]);
});

test('the default page size is 500', async () => {
  const list = await rawList({ kubeConfig: kubeConfig(), path: '/apis/apps/v1/replicasets' });
  expect(list.items).toHaveLength(7);
  expect(seen).toEqual([{ limit: '500', continue: null, labelSelector: null }]);
});

test('an expired continue token is a 410 the informer relists after', async () => {
  const failure = rawList({ kubeConfig: kubeConfig(), path: '/apis/apps/v1/gone' });
  await expect(failure).rejects.toBeInstanceOf(RawListError);
  await expect(failure).rejects.toMatchObject({ statusCode: 410 });
});
