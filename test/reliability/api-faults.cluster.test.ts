/**
 * Issue 9, reliability 2: API faults. The controller talks to the API server only through a
 * fault-injecting proxy (~10% of writes answered 409 or 500 or losing their response; every watch
 * stream cut within a few seconds). Canaries with analysis still complete, the invariants hold and
 * the controller recovers without a restart (one process from start to end).
 */
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, setImage } from '../controller/rollout-fixtures.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { createSeededRandom } from '../../src/sandbox/kubelet/random.js';
import { canaryWithAnalysisDocs, chooseSeed, isHealthyOn, startCheckServer, watchInvariants, type CheckServer } from './reliability-fixtures.js';

jest.setTimeout(300_000);

const REPLICAS = 4;
const ns = useTestNamespace('api-faults');
const seed = chooseSeed();
const dir = mkdtempSync(join(tmpdir(), 'kanary-faults-'));
let proxy: FaultProxy;
let check: CheckServer;
let controller: ControllerProcess | undefined;
let view: ClusterView;

beforeAll(async () => {
  console.log(`api-faults seed ${seed} (replay: KANARY_RELIABILITY_SEED=${seed})`);
  proxy = await startFaultProxy({ kc: ns.kc, random: createSeededRandom(seed), writeFaultRate: 0.1, maxWatchMs: 4000 });
  proxy.writeKubeconfig(join(dir, 'kubeconfig'));
  check = await startCheckServer();
  view = new ClusterView(ns.kc, ns.name);
});

afterAll(async () => {
  await controller?.stop();
  await proxy?.close();
  await check?.close();
  rmSync(dir, { recursive: true, force: true });
});

const healthyOn = (image: string): Promise<boolean> => isHealthyOn(view, image, REPLICAS);

test('canaries with analysis complete through injected 409/500/lost responses and cut watches, without a restart', async () => {
  controller = startController({ namespace: ns.name, flags: ['--kubeconfig', join(dir, 'kubeconfig'), '--mapping-propagation-delay', '1s', '--log-level', 'info'] });
  await controller.metricsUrl();
  await applyDocs(ns.name, canaryWithAnalysisDocs(check.url, REPLICAS));
  await waitFor(() => healthyOn('kanary/demo-app:v1'), { timeoutMs: 90_000, description: 'initial Healthy through the proxy' });
  const invariants = watchInvariants(view, REPLICAS);
  for (const image of ['faults/app:r2', 'faults/app:r3', 'faults/app:r4']) {
    await setImage(ns.name, image);
    await waitFor(() => healthyOn(image), { timeoutMs: 120_000, description: `Healthy on ${image} through faults ${JSON.stringify(proxy.faults)}` }).catch(async (error: unknown) => {
      // What the controller saw and did last, to tell a stuck rollout from a slow one.
      console.error(`not Healthy on ${image}; status ${JSON.stringify((await view.rollout()).status)}\nproxy upstream errors ${JSON.stringify(proxy.upstreamErrors())}\nlast controller log lines:\n${controller?.logs.slice(-40).join('\n')}`);
      throw error;
    });
  }
  await invariants.stop();
  console.log(`api-faults: ${proxy.forwarded()} requests forwarded, faults ${JSON.stringify(proxy.faults)}, upstream errors ${JSON.stringify(proxy.upstreamErrors())}`);
  expect(invariants.violations).toEqual([]);
  expect(controller.exited()).toBe(false);
  expect(proxy.faults.conflict + proxy.faults.internal + proxy.faults.lostResponse).toBeGreaterThan(3);
  expect(proxy.faults.watchCut).toBeGreaterThan(10);
});
