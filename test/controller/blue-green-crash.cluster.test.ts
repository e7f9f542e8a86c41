/**
 * Issue 22: the controller SIGKILLed and restarted at several moments of a blue/green release
 * (preview, pre-promotion analysis, the auto-promotion pause, the switch, post-promotion analysis):
 * it converges to the new revision, the active Service moves exactly once (never back and forth,
 * never two ReplicaSets at once), never to a ReplicaSet that is not fully available, and no
 * ReplicaSet is duplicated.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, setImage, type Obj } from './rollout-fixtures.js';

jest.setTimeout(240_000);

const ns = useTestNamespace('bgcrash');
const running: ControllerProcess[] = [];
let view: ClusterView;
let server: Server;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function launch(): ControllerProcess {
  const controller = startController({ namespace: ns.name });
  running.push(controller);
  return controller;
}

function docs(url: string): Obj[] {
  const check = (name: string): Obj => ({
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name },
    spec: { metrics: [{ name: 'ready', interval: '1s', count: 3, successCondition: 'result == true', provider: { web: { url, jsonPath: '{$.ok}' } } }] },
  });
  const service = (name: string): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: 'crash' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
  const analysis = { templates: [{ templateName: 'check' }] };
  return [check('check'), service('crash-active'), service('crash-preview'), {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'crash' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'crash' } },
      template: { metadata: { labels: { app: 'crash' } }, spec: { containers: [{ name: 'app', image: 'kanary/demo-app:v1', ports: [{ name: 'http', containerPort: 8080 }] }] } },
      strategy: { blueGreen: { activeService: 'crash-active', previewService: 'crash-preview', previewReplicaCount: 1, autoPromotionSeconds: 2, prePromotionAnalysis: analysis, postPromotionAnalysis: analysis, scaleDownDelaySeconds: 3 } },
    },
  }];
}

const status = async (): Promise<Obj> => (await view.rollout('crash')).status ?? {};

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  view = new ClusterView(ns.kc, ns.name);
});

afterAll(async () => {
  await Promise.all(running.map((c) => c.stop()));
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

test('SIGKILLed at several moments and restarted: converges, one switch, never to an unavailable ReplicaSet', async () => {
  let controller = launch();
  await applyDocs(ns.name, docs(`http://127.0.0.1:${(server.address() as AddressInfo).port}/check`));
  const healthy = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Healthy' && s.availableReplicas === 3 ? s : undefined;
  }, { timeoutMs: 60_000, description: 'Healthy on v1' });
  const v1 = healthy.stableRS as string;
  await waitFor(async () => (await view.serviceHash('crash-active')) === v1, { timeoutMs: 10_000, description: 'active on v1' });

  const seen: string[] = [];
  const violations: string[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const hash = await view.serviceHash('crash-active').catch(() => undefined);
      if (hash !== undefined) {
        if (seen.at(-1) !== hash) seen.push(hash);
        const rs = await view.replicaSetOf(hash, 'crash').catch(() => undefined);
        if (hash !== v1 && (rs?.status?.availableReplicas ?? 0) < 3) violations.push(`${hash}: ${rs?.status?.availableReplicas ?? 0} available`);
      }
      await sleep(100);
    }
  })();

  await setImage(ns.name, 'kanary/demo-app:v2', 'crash');
  for (const delayMs of [400, 1500, 2500, 1200, 2000]) {
    await sleep(delayMs);
    await controller.kill();
    controller = launch();
  }
  const done = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Healthy' && s.stableRS === s.currentPodHash && s.stableRS !== v1 ? s : undefined;
  }, { timeoutMs: 120_000, description: 'Healthy on v2 after the kills' }).catch(async (error: unknown) => {
    console.error(`not Healthy after the kills; status ${JSON.stringify(await status())}\nlogs:\n${controller.logs.slice(-30).join('\n')}`);
    throw error;
  });
  sampling = false;
  await sampler;
  expect(seen).toEqual([v1, done.stableRS]);
  expect(violations).toEqual([]);
  const hashes = (await view.replicaSets()).map((rs) => rs.metadata?.labels?.['rollouts-pod-template-hash']);
  expect(new Set(hashes).size).toBe(hashes.length);
  expect(done.blueGreen).toMatchObject({ activeSelector: done.stableRS, previewSelector: done.stableRS });
  await controller.stop();
});
