/**
 * Issue 21 on the local stack, with the real controller: measurementRetention and dryRun (Argo's
 * fields) in the Rollout's step analysis and in the template. The AnalysisRun the controller
 * creates carries the Rollout's entries first, and its status keeps that many measurements of each
 * metric: 12 of `ready` (the Rollout's entry), 2 of the others (the template's `.*`), while each
 * counts 12. `flaky` fails but is dry-run by the Rollout: it ends Failed and the run still passes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, loadExample, setImage, tweakExample, type Obj } from './rollout-fixtures.js';

jest.setTimeout(180_000);

const ns = useTestNamespace('retention');
let controller: ControllerProcess;
let view: ClusterView;
let server: Server;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(req.url === '/fail' ? '{"ok":false}' : '{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const metric = (name: string, path = '/ok') => ({ name, interval: '1s', count: 12, successCondition: 'result == true', provider: { web: { url: `${base}${path}`, jsonPath: '{$.ok}' } } });
  const template = {
    apiVersion: 'kanary.dev/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'checks' },
    spec: { metrics: [metric('ready'), metric('other'), metric('flaky', '/fail')], measurementRetention: [{ metricName: '.*', limit: 2 }] },
  };
  const steps = [{ analysis: { templates: [{ templateName: 'checks' }], measurementRetention: [{ metricName: 'ready', limit: 12 }], dryRun: [{ metricName: 'fla.*' }] } }];
  view = new ClusterView(ns.kc, ns.name);
  await applyDocs(ns.name, [template, ...tweakExample(loadExample('canary-ambassador'), { replicas: 1, trafficRouting: false, steps })]);
  controller = startController({ namespace: ns.name });
  await controller.metricsUrl();
});

afterAll(async () => {
  await controller?.stop();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

test('the step\'s run keeps 12 measurements of ready and 2 of the others; the dry-run failures do not fail it', async () => {
  await waitFor(async () => ((await view.rollout()).status?.phase === 'Healthy' ? true : undefined), { timeoutMs: 60_000, description: 'Healthy v1' });
  await setImage(ns.name, 'kanary/demo-app:v2');
  const custom = ns.kc.makeApiClient(k8s.CustomObjectsApi);
  const run = await waitFor(async () => {
    const list = (await custom.listNamespacedCustomObject({ group: 'kanary.dev', version: 'v1alpha1', plural: 'analysisruns', namespace: ns.name })) as { items: Obj[] };
    return list.items.find((r) => r.status?.phase === 'Successful');
  }, { timeoutMs: 90_000, description: 'the step analysis Successful' });
  expect(run.spec.measurementRetention).toEqual([{ metricName: 'ready', limit: 12 }, { metricName: '.*', limit: 2 }]);
  const result = (name: string) => (run.status.metricResults as Obj[]).find((r) => r.name === name);
  expect(result('ready')).toMatchObject({ count: 12, successful: 12 });
  expect(result('ready')?.measurements).toHaveLength(12);
  expect(result('other')).toMatchObject({ count: 12, successful: 12 });
  expect(result('other')?.measurements).toHaveLength(2);
  expect(run.spec.dryRun).toEqual([{ metricName: 'fla.*' }]);
  // The dry-run metric fails (and stops) at its first failed measurement; the run is not failed.
  expect(result('flaky')).toMatchObject({ dryRun: true, phase: 'Failed', failed: 1 });
  await waitFor(async () => {
    const s = (await view.rollout()).status ?? {};
    return s.phase === 'Healthy' && s.stableRS === s.currentPodHash ? true : undefined;
  }, { timeoutMs: 60_000, description: 'Healthy v2' });
});
