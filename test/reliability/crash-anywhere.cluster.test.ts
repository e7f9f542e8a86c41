/**
 * Issue 9, reliability 1: crash anywhere. During canaries with an analysis step the controller is
 * SIGKILLed at >= 20 seeded random moments (including during its own start-up) and restarted.
 * Every revision must end Healthy on its own hash, and throughout: never two ReplicaSets for one
 * hash, never two canary Mappings, never a canary weight above the canary's available share.
 * Replay a failure with KANARY_RELIABILITY_SEED=<the printed seed>.
 */
import { jest } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, setImage } from '../controller/rollout-fixtures.js';
import { createSeededRandom } from '../../src/sandbox/kubelet/random.js';
import { canaryWithAnalysisDocs, chooseSeed, isHealthyOn, startCheckServer, watchInvariants, type CheckServer } from './reliability-fixtures.js';

jest.setTimeout(300_000);

const KILLS = 24;
const REPLICAS = 4;
const ns = useTestNamespace('crash');
const seed = chooseSeed();
const random = createSeededRandom(seed);
const started: ControllerProcess[] = [];
let check: CheckServer;
let view: ClusterView;

function launch(): ControllerProcess {
  const controller = startController({ namespace: ns.name, flags: ['--mapping-propagation-delay', '1s', '--log-level', 'info'] });
  started.push(controller);
  return controller;
}

beforeAll(async () => {
  console.log(`crash-anywhere seed ${seed} (replay: KANARY_RELIABILITY_SEED=${seed})`);
  check = await startCheckServer();
  view = new ClusterView(ns.kc, ns.name);
});

afterAll(async () => {
  await Promise.all(started.map((c) => c.stop()));
  await check?.close();
});

const healthyOn = (image: string): Promise<boolean> => isHealthyOn(view, image, REPLICAS);

test(`SIGKILL at ${KILLS} seeded random moments of canaries with analysis: each revision ends Healthy on its hash, invariants hold`, async () => {
  let controller = launch();
  await applyDocs(ns.name, canaryWithAnalysisDocs(check.url, REPLICAS));
  await waitFor(() => healthyOn('kanary/demo-app:v1'), { timeoutMs: 60_000, description: 'initial Healthy' });
  const invariants = watchInvariants(view, REPLICAS);
  let revision = 1;
  let image = 'kanary/demo-app:v1';
  const completed: string[] = [];
  for (let kill = 0; kill < KILLS; kill += 1) {
    if (await healthyOn(image)) {
      completed.push(image);
      revision += 1;
      image = `crash/app:r${revision}`;
      await setImage(ns.name, image);
    }
    // One kill in four lands during start-up; the others after the controller is up and working.
    if (kill % 4 !== 3) await controller.metricsUrl().catch(() => undefined);
    await sleep(Math.floor(random() * 3000));
    await controller.kill();
    controller = launch();
  }
  await waitFor(() => healthyOn(image), { timeoutMs: 120_000, description: `Healthy on ${image} after ${KILLS} kills` });
  completed.push(image);
  await invariants.stop();
  expect(invariants.violations).toEqual([]);
  expect(invariants.checks()).toBeGreaterThan(50);
  expect(completed.length).toBeGreaterThanOrEqual(3);
  // Healthy comes first; the canary Mapping then goes to 0 and is removed after the propagation delay.
  const canaryMappings = async () => (await view.mappings()).filter((m) => String(m.metadata?.name).endsWith('-canary'));
  await waitFor(async () => (await canaryMappings()).length === 0, { timeoutMs: 60_000, description: 'the last canary Mapping removed' });
  expect(await canaryMappings()).toHaveLength(0);
  await controller.stop();
});
