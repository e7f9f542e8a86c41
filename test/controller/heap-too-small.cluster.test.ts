/**
 * Issue 20 (bad input): a heap limit too small for the controller ends it with a message naming the
 * heap and what to change, and exit code 3, instead of V8's out-of-memory abort (and a restart loop
 * that explains nothing). The same objects sync under a big enough heap.
 */
import * as k8s from '@kubernetes/client-node';
import { jest } from '@jest/globals';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';

jest.setTimeout(180_000);

const ns = useTestNamespace('heap');
const started: ControllerProcess[] = [];
/** 100 ReplicaSets of about 240 KB each: one list page of about 24 MB. */
const REPLICA_SETS = 100;
const ANNOTATION_BYTES = 240_000;

afterAll(async () => {
  for (const controller of started) await controller.kill();
});

async function exitOf(controller: ControllerProcess): Promise<number | null> {
  await waitFor(() => (controller.exited() ? true : undefined), { timeoutMs: 60_000, description: 'the controller exits' });
  return controller.child.exitCode;
}

function run(maxOldSpaceMiB: number): ControllerProcess {
  const controller = startController({ namespace: ns.name, nodeFlags: [`--max-old-space-size=${maxOldSpaceMiB}`] });
  started.push(controller);
  return controller;
}

test('a heap limit under the minimum: exit 3 at start, naming the limit and the remedies', async () => {
  const controller = run(40);
  expect(await exitOf(controller)).toBe(3);
  const line = controller.logs.find((l) => l.includes('V8 heap limit'));
  expect(line).toMatch(/^kanary controller: the V8 heap limit is 88 MiB, under the 96 MiB the controller needs to start/);
  expect(line).toContain('resources.limits.memory');
});

test('a list page too big for the heap: exit 3 before it is parsed, naming the page; the same objects sync with room', async () => {
  const apps = ns.kc.makeApiClient(k8s.AppsV1Api);
  const filler = 'x'.repeat(ANNOTATION_BYTES);
  for (let i = 0; i < REPLICA_SETS; i += 10) {
    await Promise.all(Array.from({ length: 10 }, (_, j) => apps.createNamespacedReplicaSet({
      namespace: ns.name,
      body: {
        metadata: { name: `bulky-${i + j}`, labels: { 'rollouts-pod-template-hash': `h${i + j}` }, annotations: { 'example.com/filler': filler } },
        spec: {
          replicas: 0,
          selector: { matchLabels: { bulky: `b${i + j}` } },
          template: { metadata: { labels: { bulky: `b${i + j}` } }, spec: { containers: [{ name: 'app', image: 'example/app:1' }] } },
        },
      },
    })));
  }

  // 56 MiB of old space (104 MiB with the young generation): the bundled controller holds about
  // 25 MiB before its lists, so the page's estimated cost (4 × ~23 MiB) leaves it well over 90% of
  // the limit. At 80 MiB it sat on the line (it tripped or not by a few MiB of heap in use).
  const small = run(56);
  expect(await exitOf(small)).toBe(3);
  const line = small.logs.find((l) => l.includes('heap too small to sync the caches'));
  expect(line).toMatch(/a 2\d MiB page of replicasets would need about \d+ MiB of the \d+ MiB heap limit/);
  expect(small.logs.some((l) => l.includes('out of memory'))).toBe(false);

  const roomy = run(320);
  await roomy.metricsUrl();
  await waitFor(() => (roomy.logs.some((l) => l.includes('caches synced')) ? true : undefined), { timeoutMs: 60_000, description: 'caches synced' });
  expect(roomy.exited()).toBe(false);
  expect(await roomy.stop()).toBe(0);
});
