/**
 * Issue 22 on the local stack, with the real controller: blue/green releases gated by web analyses
 * against a small HTTP server on 127.0.0.1.
 * 1. Pre-promotion analysis passes, then auto-promotion after autoPromotionSeconds; the switch is
 *    one active selector change to a fully available ReplicaSet; the old one goes after the delay;
 *    activeMetadata/previewMetadata follow the roles on the running pods (no pod replaced).
 * 2. Pre-promotion analysis fails: the active Service never switches; Degraded.
 * 3. Post-promotion analysis fails: the active Service is back on the old ReplicaSet in the
 *    reconcile that sees the failure, and the old pods are the same pods, never scaled down.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, setImage, type Obj } from './rollout-fixtures.js';

jest.setTimeout(180_000);

const ns = useTestNamespace('bluegreen');
let controller: ControllerProcess;
let view: ClusterView;
let server: Server;
let baseUrl = '';

function checkTemplate(name: string, path: string): Obj {
  return {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name },
    spec: { metrics: [{ name: 'ready', interval: '1s', count: 2, successCondition: 'result == true', provider: { web: { url: `${baseUrl}${path}`, jsonPath: '{$.ok}' } } }] },
  };
}

function service(name: string, app: string): Obj {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } };
}

/** Services `<name>-active` and `<name>-preview` and a 3-replica blue/green Rollout `<name>` on v1. */
function blueGreenDocs(name: string, blueGreen: Obj): Obj[] {
  const rollout = {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'kanary/demo-app:v1', ports: [{ name: 'http', containerPort: 8080 }] }] },
      },
      strategy: { blueGreen: { activeService: `${name}-active`, previewService: `${name}-preview`, scaleDownDelaySeconds: 3, abortScaleDownDelaySeconds: 2, ...blueGreen } },
    },
  };
  return [service(`${name}-active`, name), service(`${name}-preview`, name), rollout];
}

const statusOf = async (name: string): Promise<Obj> => (await view.rollout(name)).status ?? {};

async function deployHealthy(name: string, blueGreen: Obj): Promise<string> {
  await applyDocs(ns.name, blueGreenDocs(name, blueGreen));
  const status = await waitFor(async () => {
    const s = await statusOf(name);
    return s.phase === 'Healthy' && s.availableReplicas === 3 ? s : undefined;
  }, { timeoutMs: 60_000, description: `${name} Healthy on v1` });
  await waitFor(async () => (await view.serviceHash(`${name}-active`)) === status.stableRS, { timeoutMs: 10_000, description: `${name}-active on v1` });
  return status.stableRS as string;
}

/**
 * Every selector hash the active Service takes, from a watch (polling could miss a switch and a
 * switch back that happen within one interval). Resolves once the watch has its first event.
 */
async function sampleActive(name: string): Promise<{ stop: () => Promise<string[]> }> {
  const seen: string[] = [];
  let first: () => void = () => undefined;
  const started = new Promise<void>((resolve) => { first = resolve; });
  const watch = new k8s.Watch(ns.kc);
  const request = await watch.watch(`/api/v1/namespaces/${ns.name}/services`, { fieldSelector: `metadata.name=${name}-active` }, (_type: string, svc: k8s.V1Service) => {
    const hash = svc.spec?.selector?.['rollouts-pod-template-hash'];
    if (hash !== undefined && seen.at(-1) !== hash) seen.push(hash);
    first();
  }, () => undefined);
  await started;
  return {
    // The watch may deliver the last change a moment after a GET shows it: wait until it has.
    stop: async () => {
      const current = await view.serviceHash(`${name}-active`);
      await waitFor(() => (seen.at(-1) === current ? true : undefined), { timeoutMs: 10_000, description: `the watch to see ${name}-active on ${current}` });
      request.abort();
      return seen;
    },
  };
}

const podsOf = (hash: string): Promise<k8s.V1Pod[]> => view.pods(hash);

/** `<role label>/<preview annotation>` of each pod of a hash (`-` when absent). */
async function podRoles(hash: string): Promise<string[]> {
  return (await podsOf(hash)).map((p) => `${p.metadata?.labels?.role ?? '-'}/${p.metadata?.annotations?.['example.com/preview'] ?? '-'}`);
}

async function podNames(hash: string): Promise<string[]> {
  return (await podsOf(hash)).map((p) => p.metadata?.name ?? '');
}

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(req.url === '/fail' ? '{"ok":false}' : '{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  view = new ClusterView(ns.kc, ns.name);
  controller = startController({ namespace: ns.name });
  await controller.metricsUrl();
  await applyDocs(ns.name, [checkTemplate('check-pass', '/ok'), checkTemplate('check-fail', '/fail')]);
});

afterAll(async () => {
  await controller?.stop();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

test('pre-promotion analysis passes, then auto-promotion after autoPromotionSeconds to a fully available ReplicaSet', async () => {
  const roles = { activeMetadata: { labels: { role: 'active' } }, previewMetadata: { labels: { role: 'preview' }, annotations: { 'example.com/preview': 'true' } } };
  const v1 = await deployHealthy('bg-auto', { autoPromotionSeconds: 5, prePromotionAnalysis: { templates: [{ templateName: 'check-pass' }] }, ...roles });
  await waitFor(async () => (await podRoles(v1)).every((r) => r === 'active/-') && (await podRoles(v1)).length === 3, { timeoutMs: 10_000, description: 'v1 pods labelled active' });
  const sampler = await sampleActive('bg-auto');
  await setImage(ns.name, 'kanary/demo-app:v2', 'bg-auto');
  const paused = await waitFor(async () => {
    const s = await statusOf('bg-auto');
    return s.pauseConditions?.[0]?.reason === 'BlueGreenPause' ? s : undefined;
  }, { timeoutMs: 60_000, description: 'BlueGreenPause after the pre-promotion analysis' });
  const v2 = paused.currentPodHash as string;
  expect(paused.phase).toBe('Paused');
  expect(paused.blueGreen.prePromotionAnalysisRunStatus).toEqual({ name: `bg-auto-${v2}-2-pre`, status: 'Successful' });
  expect(await view.serviceHash('bg-auto-preview')).toBe(v2);
  expect(await view.serviceHash('bg-auto-active')).toBe(v1);
  await waitFor(async () => (await podRoles(v2)).join() === 'preview/true,preview/true,preview/true', { timeoutMs: 10_000, description: 'v2 pods labelled preview' });
  const v1Pods = await podNames(v1);

  await waitFor(async () => (await view.serviceHash('bg-auto-active')) === v2, { timeoutMs: 30_000, intervalMs: 100, description: 'active switched to v2' });
  const switchedAt = Date.now();
  const newRs = await view.replicaSetOf(v2, 'bg-auto');
  expect(newRs?.status?.availableReplicas).toBe(3);
  expect(switchedAt - Date.parse(paused.pauseConditions[0].startTime)).toBeGreaterThanOrEqual(5_000);
  expect(await sampler.stop()).toEqual([v1, v2]);

  const done = await waitFor(async () => {
    const s = await statusOf('bg-auto');
    return s.phase === 'Healthy' && s.stableRS === v2 ? s : undefined;
  }, { timeoutMs: 20_000, description: 'Healthy on v2' });
  expect(done.blueGreen).toMatchObject({ activeSelector: v2, previewSelector: v2 });
  await waitFor(async () => (await podRoles(v2)).join() === 'active/-,active/-,active/-', { timeoutMs: 10_000, description: 'v2 pods relabelled active, the preview annotation removed' });
  await waitFor(async () => (await podRoles(v1)).join() === '-/-,-/-,-/-', { timeoutMs: 10_000, description: 'v1 pods lose the active label' });
  expect(await podNames(v1)).toEqual(v1Pods);
  expect((await view.replicaSetOf(v1, 'bg-auto'))?.spec?.replicas).toBe(3);
  await waitFor(async () => (await view.replicaSetOf(v1, 'bg-auto'))?.spec?.replicas === 0, { timeoutMs: 20_000, description: 'old ReplicaSet scaled to 0 after scaleDownDelaySeconds' });
});

test('pre-promotion analysis fails: the active Service never switches, Degraded, the new ReplicaSet goes to 0', async () => {
  const v1 = await deployHealthy('bg-prefail', { prePromotionAnalysis: { templates: [{ templateName: 'check-fail' }] } });
  const sampler = await sampleActive('bg-prefail');
  await setImage(ns.name, 'kanary/demo-app:v2', 'bg-prefail');
  const degraded = await waitFor(async () => {
    const s = await statusOf('bg-prefail');
    return s.phase === 'Degraded' ? s : undefined;
  }, { timeoutMs: 60_000, description: 'Degraded' });
  const v2 = degraded.currentPodHash as string;
  expect(degraded.abort).toBe(true);
  expect(degraded.message).toMatch(new RegExp(`^RolloutAborted: AnalysisRun "bg-prefail-${v2}-2-pre" failed`));
  await waitFor(async () => (await view.serviceHash('bg-prefail-preview')) === v1, { timeoutMs: 10_000, description: 'preview back on v1' });
  await waitFor(async () => (await view.replicaSetOf(v2, 'bg-prefail'))?.spec?.replicas === 0, { timeoutMs: 20_000, description: 'new ReplicaSet scaled to 0' });
  expect(await sampler.stop()).toEqual([v1]);
  expect((await view.replicaSetOf(v1, 'bg-prefail'))?.status?.availableReplicas).toBe(3);
});

test('post-promotion analysis fails: switched back within the reconcile that sees it, the old pods kept', async () => {
  const v1 = await deployHealthy('bg-postfail', { postPromotionAnalysis: { templates: [{ templateName: 'check-fail' }] } });
  const oldPods = async () => (await ns.kc.makeApiClient((await import('@kubernetes/client-node')).CoreV1Api).listNamespacedPod({ namespace: ns.name, labelSelector: `rollouts-pod-template-hash=${v1}` })).items
    .filter((p) => p.metadata?.deletionTimestamp === undefined)
    .map((p) => p.metadata?.name).sort();
  const before = await oldPods();
  expect(before).toHaveLength(3);
  const sampler = await sampleActive('bg-postfail');
  await setImage(ns.name, 'kanary/demo-app:v2', 'bg-postfail');
  const degraded = await waitFor(async () => {
    const s = await statusOf('bg-postfail');
    return s.phase === 'Degraded' ? s : undefined;
  }, { timeoutMs: 60_000, intervalMs: 100, description: 'Degraded' });
  // The status that says Degraded is written after the actions of the same reconcile: the switch back is already done.
  expect(await view.serviceHash('bg-postfail-active')).toBe(v1);
  const v2 = degraded.currentPodHash as string;
  expect(degraded.blueGreen.postPromotionAnalysisRunStatus).toMatchObject({ name: `bg-postfail-${v2}-2-post`, status: 'Failed' });
  expect(degraded.stableRS).toBe(v1);
  expect(await sampler.stop()).toEqual([v1, v2, v1]);
  expect(await oldPods()).toEqual(before);
  const oldRs = await view.replicaSetOf(v1, 'bg-postfail');
  expect(oldRs?.spec?.replicas).toBe(3);
  expect(oldRs?.status?.availableReplicas).toBe(3);
});
