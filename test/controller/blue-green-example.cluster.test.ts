/**
 * Issue 22 with examples/blue-green and the real CLI: the preview reached through the preview
 * Mapping's header match while users stay on the active version, `kanary get rollout` showing the
 * blue/green state, `kanary promote`, then `kanary abort` during post-promotion analysis and
 * `kanary retry` / `promote --full`. Steady traffic through the edge proxy across the switch and the
 * switch back: zero failed requests (healthy images).
 */
import { jest } from '@jest/globals';
import { kubectl, useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { requestMatching, send, startNamespaceEdge, type EdgeRequest, type NamespaceEdge } from './emissary-traffic.js';
import { applyDocs, ClusterView, kanary, setImage, type Obj } from './rollout-fixtures.js';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';
import { startCheckServer, webCheckTemplate, type CheckServer } from '../reliability/reliability-fixtures.js';

jest.setTimeout(180_000);

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ns = useTestNamespace('bgexample');
let controller: ControllerProcess;
let view: ClusterView;
let edge: NamespaceEdge;
let plain: EdgeRequest;
let preview: EdgeRequest;
let v1 = '';
let checkServer: CheckServer;

function exampleDocs(): Obj[] {
  const docs: Obj[] = [];
  for (const file of ['services.yaml', 'mapping.yaml', 'rollout.yaml']) {
    for (const doc of yaml.loadAll(readFileSync(join(root, 'examples', 'blue-green', file), 'utf8'))) if (doc) docs.push(doc as Obj);
  }
  return docs.map((doc) => {
    if (doc.kind !== 'Rollout') return doc;
    const rollout = structuredClone(doc);
    rollout.spec.replicas = 3;
    rollout.spec.strategy.blueGreen.scaleDownDelaySeconds = 5;
    rollout.spec.strategy.blueGreen.abortScaleDownDelaySeconds = 3;
    return rollout;
  });
}

const status = async (): Promise<Obj> => (await view.rollout()).status ?? {};

/** Requests one after the other until stopped; every answer's status and version in order. */
function steadyTraffic(request: EdgeRequest): { stop: () => Promise<{ failed: number; versions: string[] }> } {
  let running = true;
  let failed = 0;
  const versions: string[] = [];
  const loop = (async () => {
    while (running) {
      const answer = await send(edge.proxy, request);
      if (answer.status !== 200) failed += 1;
      if (answer.version !== undefined && versions.at(-1) !== answer.version) versions.push(answer.version);
    }
  })();
  return { stop: async () => { running = false; await loop; return { failed, versions }; } };
}

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  controller = startController({ namespace: ns.name });
  await controller.metricsUrl();
  const docs = exampleDocs();
  checkServer = await startCheckServer();
  await applyDocs(ns.name, [
    // A post-promotion analysis that passes but takes a minute: long enough to abort during it.
    { ...webCheckTemplate(checkServer.url, 'slow-pass'), spec: { metrics: [{ name: 'ready', interval: '1s', count: 60, successCondition: 'result == true', provider: { web: { url: checkServer.url, jsonPath: '{$.ok}' } } }] } },
    ...docs,
  ]);
  const healthy = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Healthy' && s.availableReplicas === 3 ? s : undefined;
  }, { timeoutMs: 60_000, description: 'Healthy on v1' });
  v1 = healthy.stableRS;
  edge = await startNamespaceEdge(ns.kc, ns.name);
  const mappings = docs.filter((d) => d.kind === 'Mapping');
  plain = requestMatching(mappings.find((m) => m.metadata.name === 'demo')?.spec ?? {});
  preview = requestMatching(mappings.find((m) => m.metadata.name === 'demo-preview')?.spec ?? {});
  await waitFor(async () => (await send(edge.proxy, plain)).version === 'v1', { timeoutMs: 20_000, description: 'v1 through the edge proxy' });
});

afterAll(async () => {
  await edge?.proxy.stop();
  await controller?.stop();
  await checkServer?.close();
});

test('a new revision: the preview header reaches it, users stay on v1, get rollout shows the blue/green state', async () => {
  await setImage(ns.name, 'kanary/demo-app:v2');
  const paused = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Paused' && s.pauseConditions?.[0]?.reason === 'BlueGreenPause' ? s : undefined;
  }, { timeoutMs: 60_000, description: 'paused before promotion' });
  const v2 = paused.currentPodHash as string;
  expect(await view.serviceHash('demo-active')).toBe(v1);
  expect(await view.serviceHash('demo-preview')).toBe(v2);
  await waitFor(async () => (await send(edge.proxy, preview)).version === 'v2', { timeoutMs: 20_000, description: 'the preview Mapping reaches v2' });
  expect((await send(edge.proxy, plain)).version).toBe('v1');
  const shown = await kanary(['get', 'rollout', 'demo', '-n', ns.name]);
  expect(shown.code).toBe(0);
  expect(shown.stdout).toMatch(/Strategy:\s+BlueGreen/);
  expect(shown.stdout).toMatch(/Stage:\s+preview: waiting for kanary promote/);
  expect(shown.stdout).toMatch(new RegExp(`Active:\\s+${v1}`));
  expect(shown.stdout).toMatch(new RegExp(`Preview:\\s+${v2}`));
});

test('kanary promote switches the active Service under steady traffic with zero failed requests', async () => {
  const traffic = steadyTraffic(plain);
  const promoted = await kanary(['promote', 'demo', '-n', ns.name]);
  expect(promoted).toMatchObject({ code: 0, stdout: 'rollout "demo" promoted: the promotion pause is over (analysis still has to pass)\n' });
  const done = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Healthy' && s.stableRS === s.currentPodHash ? s : undefined;
  }, { timeoutMs: 30_000, description: 'Healthy on v2' });
  await waitFor(async () => (await send(edge.proxy, plain)).version === 'v2', { timeoutMs: 20_000, description: 'users on v2' });
  const result = await traffic.stop();
  expect(result).toEqual({ failed: 0, versions: ['v1', 'v2'] });
  expect(await view.serviceHash('demo-active')).toBe(done.stableRS);
  v1 = done.stableRS;
});

test('kanary abort during post-promotion analysis switches back at once, zero failed requests; retry then promote --full', async () => {
  const patch = JSON.stringify([
    { op: 'add', path: '/spec/strategy/blueGreen/postPromotionAnalysis', value: { templates: [{ templateName: 'slow-pass' }] } },
    { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'kanary/demo-app:v1' },
  ]);
  await kubectl(['patch', 'rollouts.kanary.dev', 'demo', '-n', ns.name, '--type', 'json', '-p', patch]);
  await waitFor(async () => (await status()).pauseConditions?.[0]?.reason === 'BlueGreenPause', { timeoutMs: 60_000, description: 'paused before promotion' });
  expect((await kanary(['promote', 'demo', '-n', ns.name])).code).toBe(0);
  const newHash = (await status()).currentPodHash as string;
  await waitFor(async () => (await status()).blueGreen?.postPromotionAnalysisRunStatus?.status === 'Running', { timeoutMs: 30_000, description: 'post-promotion analysis running' });
  expect(await view.serviceHash('demo-active')).toBe(newHash);
  await waitFor(async () => (await send(edge.proxy, plain)).version === 'v1', { timeoutMs: 20_000, description: 'users on the new revision (image v1)' });

  const traffic = steadyTraffic(plain);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const aborting = await kanary(['abort', 'demo', '-n', ns.name]);
  expect(aborting).toMatchObject({ code: 0, stdout: 'rollout "demo" aborted: the active Service goes back to the stable revision\n' });
  await waitFor(async () => (await view.serviceHash('demo-active')) === v1, { timeoutMs: 10_000, description: 'active back on the stable revision' });
  await waitFor(async () => (await send(edge.proxy, plain)).version === 'v2', { timeoutMs: 20_000, description: 'users back on v2' });
  const result = await traffic.stop();
  expect(result).toEqual({ failed: 0, versions: ['v1', 'v2'] });
  // The switch back is the abort reconcile's first write; its status write (Degraded) comes after its other actions.
  const aborted = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Degraded' ? s : undefined;
  }, { timeoutMs: 10_000, description: 'Degraded' });
  expect(aborted).toMatchObject({ abort: true, stableRS: v1 });
  await waitFor(async () => (await view.replicaSetOf(newHash))?.spec?.replicas === 0, { timeoutMs: 20_000, description: 'aborted ReplicaSet scaled to 0 after abortScaleDownDelaySeconds' });

  expect((await kanary(['retry', 'demo', '-n', ns.name])).code).toBe(0);
  await waitFor(async () => (await status()).pauseConditions?.[0]?.reason === 'BlueGreenPause', { timeoutMs: 60_000, description: 'paused again after retry' });
  expect((await kanary(['promote', 'demo', '--full', '-n', ns.name])).code).toBe(0);
  const full = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Healthy' && s.stableRS === newHash ? s : undefined;
  }, { timeoutMs: 30_000, description: 'Healthy on the new revision after promote --full' });
  expect(full.blueGreen).toMatchObject({ activeSelector: newHash, previewSelector: newHash });
});
