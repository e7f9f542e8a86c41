/**
 * Issue 21 on the local stack, with the real controller and the edge proxy: Argo's setHeaderRoute and
 * setMirrorRoute over trafficRouting.managedRoutes, on Emissary Mappings. At the pause, requests
 * with the header are answered by the canary and the others by stable (the canary weight is 0);
 * a copy of the mirrored share of the base route's requests reaches the canary pods while every
 * client gets stable's answer. The extra Mappings are owned by the Rollout and disappear at
 * promotion and at abort.
 */
import { jest } from '@jest/globals';
import type * as k8s from '@kubernetes/client-node';
import { loopbackAddressOf } from '../../src/sandbox/pod-network.js';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { groupOf, requestMatching, sample, serviceClusterName, startNamespaceEdge, upstreamRequests, type NamespaceEdge } from './emissary-traffic.js';
import { applyDocs, ClusterView, kanary, loadExample, setImage, tweakExample, type Obj } from './rollout-fixtures.js';
import { autoMappingVersion } from './served-mapping-versions.js';

jest.setTimeout(240_000);

const ns = useTestNamespace('header-mirror');
let controller: ControllerProcess;
let view: ClusterView;
let edge: NamespaceEdge;

const MIRROR_PERCENT = 30;
const SAMPLE_REQUESTS = 400;
const HEADER_ROUTE = 'demo-beta-header';
const MIRROR_ROUTE = 'demo-copy-mirror-0';
const STEPS = [
  { setCanaryScale: { replicas: 1 } },
  { setHeaderRoute: { name: 'beta', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] } },
  { setMirrorRoute: { name: 'copy', percentage: MIRROR_PERCENT, match: [{}] } },
  { pause: {} },
];
const plain = requestMatching({ prefix: '/demo/' });
const withHeader = { ...plain, headers: { ...plain.headers, 'x-canary': 'yes' } };

const version = () => autoMappingVersion().split('/')[1] ?? 'v2';
const mapping = (name: string) => view.mapping(name, version());
const status = async (): Promise<Obj> => (await view.rollout()).status ?? {};

function rolloutWithRoutes(doc: Obj): Obj {
  if (doc.kind !== 'Rollout') return doc;
  const canary = doc.spec.strategy.canary;
  return { ...doc, spec: { ...doc.spec, strategy: { canary: { ...canary, trafficRouting: { ...canary.trafficRouting, managedRoutes: [{ name: 'beta' }, { name: 'copy' }] } } } } };
}

/** Requests the workload answered, summed over the pods of a hash (their own counters). */
async function podRequests(pods: k8s.V1Pod[]): Promise<number> {
  let total = 0;
  for (const pod of pods) {
    const text = await (await fetch(`http://${loopbackAddressOf(pod.status?.podIP ?? '')}:8080/metrics`)).text();
    for (const match of text.matchAll(/^sim_http_requests_total\{code="\d+"\} (\d+)$/gm)) total += Number(match[1]);
  }
  return total;
}

async function pausedWithRoutes(hash: string): Promise<void> {
  await view.waitForStatus((s) => (s.phase === 'Paused' && s.currentStepIndex === 3 && s.currentPodHash === hash ? true : undefined), `paused at step 3 on ${hash}`, 90_000);
}

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  controller = startController({ namespace: ns.name, flags: ['--mapping-propagation-delay', '1s'] });
  await controller.metricsUrl();
  edge = await startNamespaceEdge(ns.kc, ns.name);
  const docs = tweakExample(loadExample('canary-ambassador'), { replicas: 2, steps: STEPS, scaleDownDelaySeconds: 1, abortScaleDownDelaySeconds: 1 }).map(rolloutWithRoutes);
  await applyDocs(ns.name, docs);
  await view.waitForStatus((s) => (s.phase === 'Healthy' ? true : undefined), 'Healthy v1', 90_000);
});

afterAll(async () => {
  await edge?.proxy.stop();
  await controller?.stop();
});

test('header route: the canary answers requests with the header; mirror: canary pods get a copy of the share, clients get stable; both go at promotion', async () => {
  await setImage(ns.name, 'kanary/demo-app:v2');
  const v2 = await view.waitForStatus((s) => (typeof s.currentPodHash === 'string' && s.currentPodHash !== s.stableRS ? (s.currentPodHash as string) : undefined), 'v2 rolling out');
  await pausedWithRoutes(v2);

  const uid = (await view.rollout()).metadata.uid as string;
  for (const name of [HEADER_ROUTE, MIRROR_ROUTE]) {
    const m = await mapping(name);
    expect(m?.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'Rollout', name: 'demo', uid, controller: true })]);
    expect(m?.metadata?.labels).toMatchObject({ 'kanary.dev/canary-mapping': 'true' });
  }
  expect((await mapping(MIRROR_ROUTE))?.spec).toMatchObject({ prefix: '/demo/', service: 'demo-canary:80', shadow: true, weight: MIRROR_PERCENT });
  expect((await mapping(HEADER_ROUTE))?.spec).toMatchObject({ prefix: '/demo/', service: 'demo-canary:80', headers: { 'x-canary': 'yes' }, precedence: 2 });
  expect((await status()).canary?.currentRoutes).toEqual([{ name: 'beta', kind: 'header' }, { name: 'copy', kind: 'mirror' }]);
  expect(await mapping('demo-canary')).toBeUndefined();

  const { proxy } = edge;
  const baseKey = `${ns.name}/demo`;
  await waitFor(() => groupOf(proxy, `${ns.name}/${HEADER_ROUTE}`) !== undefined && groupOf(proxy, baseKey)?.shadow?.mapping.name === MIRROR_ROUTE,
    { timeoutMs: 20_000, description: 'the edge proxy routes the header route, and the shadow in the base group' });
  expect(groupOf(proxy, baseKey)?.entries.map((e) => [e.mapping.key, e.percent])).toEqual([[baseKey, 100]]);
  // The proxy watches Mappings in both apiVersions and may group a new Mapping by its v2 view (no
  // hostname) for a moment before its v3alpha1 view arrives; from here on it must report nothing.
  const problemsBefore = edge.problems.length;
  await waitFor(async () => ((await sample(proxy, withHeader, 10)).byVersion['v2'] === 10 ? true : undefined),
    { timeoutMs: 30_000, intervalMs: 500, description: 'the canary pod answers through the header route' });

  // With the header: the canary answers every request.
  expect((await sample(proxy, withHeader, 50)).byVersion).toEqual({ v2: 50 });

  // Without: stable answers every request, and the canary pod gets a copy of about 30 % of them.
  const canaryPods = await view.pods(v2);
  expect(canaryPods).toHaveLength(1);
  const canaryCluster = serviceClusterName('demo-canary:80', ns.name);
  const before = { pods: await podRequests(canaryPods), copies: await upstreamRequests(proxy, canaryCluster) };
  const got = await sample(proxy, plain, SAMPLE_REQUESTS);
  expect(got.byVersion).toEqual({ v1: SAMPLE_REQUESTS });
  // Each copy is counted on the canary's cluster once answered; wait until the last ones are.
  const copies = await waitFor(async () => {
    const counted = (await upstreamRequests(proxy, canaryCluster)) - before.copies;
    return (await podRequests(canaryPods)) - before.pods >= counted && counted > 0 ? counted : undefined;
  }, { timeoutMs: 10_000, description: 'the mirrored copies answered' });
  const sharePercent = (copies / SAMPLE_REQUESTS) * 100;
  console.log(`mirror ${MIRROR_PERCENT} %: ${copies} copies of ${SAMPLE_REQUESTS} requests (${sharePercent.toFixed(2)} %)`);
  expect(Math.abs(sharePercent - MIRROR_PERCENT)).toBeLessThanOrEqual(4);
  expect(edge.problems.slice(problemsBefore)).toEqual([]);

  const shown = await kanary(['get', 'rollout', 'demo', '-n', ns.name]);
  expect(shown.stdout).toMatch(/Routes:\s+beta \(header\), copy \(mirror\)/);

  expect((await kanary(['promote', 'demo', '-n', ns.name])).code).toBe(0);
  await view.waitForStatus((s) => (s.phase === 'Healthy' && s.stableRS === v2 ? true : undefined), 'v2 Healthy', 90_000);
  await waitFor(async () => ((await mapping(HEADER_ROUTE)) === undefined && (await mapping(MIRROR_ROUTE)) === undefined ? true : undefined),
    { timeoutMs: 30_000, description: 'route Mappings removed at promotion' });
  expect((await status()).canary?.currentRoutes).toBeUndefined();
  expect((await sample(proxy, withHeader, 10)).byVersion).toEqual({ v2: 10 });
});

test('abort removes the header and mirror Mappings; requests with the header go back to stable', async () => {
  await setImage(ns.name, 'kanary/demo-app:v3');
  const v3 = await view.waitForStatus((s) => (typeof s.currentPodHash === 'string' && s.currentPodHash !== s.stableRS ? (s.currentPodHash as string) : undefined), 'v3 rolling out');
  await pausedWithRoutes(v3);
  expect(await mapping(HEADER_ROUTE)).toBeDefined();
  expect(await mapping(MIRROR_ROUTE)).toBeDefined();

  expect((await kanary(['abort', 'demo', '-n', ns.name])).code).toBe(0);
  await waitFor(async () => ((await mapping(HEADER_ROUTE)) === undefined && (await mapping(MIRROR_ROUTE)) === undefined ? true : undefined),
    { timeoutMs: 30_000, description: 'route Mappings removed at abort' });
  await view.waitForStatus((s) => (s.phase === 'Degraded' && s.canary?.currentRoutes === undefined ? true : undefined), 'Degraded, no routes in status');
  await waitFor(() => groupOf(edge.proxy, `${ns.name}/${HEADER_ROUTE}`) === undefined, { timeoutMs: 20_000, description: 'the edge proxy drops the header route' });
  expect((await sample(edge.proxy, withHeader, 20)).byVersion).toEqual({ v2: 20 });
});
