/**
 * Issue 17 on the local stack, with the real controller and the edge proxy: canary.baseline. At a
 * 20 % step the canary, a baseline of the stable template at the canary's size, and stable share
 * the base Mapping's group about 20/20/60 (the baseline through its own Mapping in the same
 * Emissary group). The baseline ReplicaSet and Mapping are owned by the Rollout and gone after
 * promotion, and (separately) after an abort. Then the judge compares the canary with the baseline
 * arm (the edge proxy's per-cluster counters of the baseline's Service) and aborts a canary that
 * fails 30 % of its requests.
 */
import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { groupOf, requestMatching, sample, serviceClusterName, startNamespaceEdge, upstreamRequests, type NamespaceEdge } from './emissary-traffic.js';
import { applyDocs, ClusterView, kanary, loadExample, setImage, tweakExample, type Obj } from './rollout-fixtures.js';
import { describeRuns, metricResult } from '../analysis-e2e/analysis-e2e-fixtures.js';
import { autoMappingVersion } from './served-mapping-versions.js';

jest.setTimeout(240_000);

const ns = useTestNamespace('baseline');
let controller: ControllerProcess;
let view: ClusterView;
let edge: NamespaceEdge;

const REPLICAS = 5;
const WEIGHT = 20;
const SAMPLE_REQUESTS = 500;
const BASELINE_MAPPING = 'demo-baseline';
const STEPS = [{ setWeight: WEIGHT }, { pause: {} }];
const plain = requestMatching({ prefix: '/demo/' });

const version = () => autoMappingVersion().split('/')[1] ?? 'v2';
const mapping = (name: string) => view.mapping(name, version());

const BASELINE_SERVICE: Obj = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'demo-baseline' },
  spec: { selector: { app: 'demo' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
};

function withBaseline(doc: Obj): Obj {
  if (doc.kind !== 'Rollout') return doc;
  const canary = doc.spec.strategy.canary;
  return { ...doc, spec: { ...doc.spec, strategy: { canary: { ...canary, baseline: { service: 'demo-baseline' } } } } };
}

async function baselineReplicaSets(): Promise<k8s.V1ReplicaSet[]> {
  return (await view.replicaSets()).filter((rs) => rs.metadata?.labels?.['kanary.dev/role'] === 'baseline');
}

async function pausedOn(hash: string): Promise<void> {
  await view.waitForStatus((s) => (s.phase === 'Paused' && s.currentStepIndex === 1 && s.currentPodHash === hash ? true : undefined), `paused at step 1 on ${hash}`, 90_000);
}

/** The baseline ReplicaSets are gone or at 0, and the baseline Mapping is gone. */
async function baselineRemoved(description: string): Promise<void> {
  await waitFor(async () => {
    const left = (await baselineReplicaSets()).filter((rs) => (rs.spec?.replicas ?? 0) > 0 || (rs.status?.replicas ?? 0) > 0);
    return left.length === 0 && (await mapping(BASELINE_MAPPING)) === undefined ? true : undefined;
  }, { timeoutMs: 60_000, description });
}

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  controller = startController({ namespace: ns.name, flags: ['--mapping-propagation-delay', '1s'] });
  await controller.metricsUrl();
  edge = await startNamespaceEdge(ns.kc, ns.name);
  const docs = tweakExample(loadExample('canary-ambassador'), { replicas: REPLICAS, steps: STEPS, scaleDownDelaySeconds: 1, abortScaleDownDelaySeconds: 1 }).map(withBaseline);
  await applyDocs(ns.name, [BASELINE_SERVICE, ...docs]);
  await view.waitForStatus((s) => (s.phase === 'Healthy' ? true : undefined), 'Healthy v1', 90_000);
});

afterAll(async () => {
  await edge?.proxy.stop();
  await controller?.stop();
});

test('at 20 %: canary, baseline and stable get about 20/20/60; the baseline runs the stable image at the canary size; gone after promotion', async () => {
  expect(await baselineReplicaSets()).toEqual([]);
  await setImage(ns.name, 'kanary/demo-app:v2');
  const v2 = await view.waitForStatus((s) => (typeof s.currentPodHash === 'string' && s.currentPodHash !== s.stableRS ? (s.currentPodHash as string) : undefined), 'v2 rolling out');
  await pausedOn(v2);

  const uid = (await view.rollout()).metadata.uid as string;
  const [baseline, ...others] = await baselineReplicaSets();
  expect(others).toEqual([]);
  const canaryRs = await view.replicaSetOf(v2);
  expect(baseline?.spec?.replicas).toBe(canaryRs?.spec?.replicas);
  expect(baseline?.spec?.replicas).toBe(Math.ceil((REPLICAS * WEIGHT) / 100));
  expect(baseline?.spec?.template?.spec?.containers.map((c) => c.image)).toEqual(['kanary/demo-app:v1']);
  expect(baseline?.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'Rollout', name: 'demo', uid, controller: true })]);
  const baselineHash = baseline?.metadata?.labels?.['rollouts-pod-template-hash'];
  const status = (await view.rollout()).status;
  expect(status.canary.weights).toEqual({
    canary: { weight: WEIGHT, podTemplateHash: v2 },
    baseline: { weight: WEIGHT, podTemplateHash: baselineHash },
    stable: { weight: 100 - 2 * WEIGHT, podTemplateHash: status.stableRS },
  });
  expect(await view.serviceHash('demo-baseline')).toBe(baselineHash);

  const baselineMapping = await mapping(BASELINE_MAPPING);
  expect(baselineMapping?.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'Rollout', name: 'demo', uid, controller: true })]);
  expect(baselineMapping?.spec).toMatchObject({ prefix: '/demo/', service: 'demo-baseline:80', weight: WEIGHT });
  expect((await mapping('demo-canary'))?.spec).toMatchObject({ prefix: '/demo/', service: 'demo-canary:80', weight: WEIGHT });

  const { proxy } = edge;
  const baseKey = `${ns.name}/demo`;
  await waitFor(() => (groupOf(proxy, baseKey)?.entries.length === 3 ? true : undefined), { timeoutMs: 20_000, description: 'the edge proxy groups base, canary and baseline' });
  const clusters = { canary: serviceClusterName('demo-canary:80', ns.name), baseline: serviceClusterName('demo-baseline:80', ns.name), stable: serviceClusterName('demo-stable:80', ns.name) };
  const counts = async () => ({ canary: await upstreamRequests(proxy, clusters.canary), baseline: await upstreamRequests(proxy, clusters.baseline), stable: await upstreamRequests(proxy, clusters.stable) });
  const before = await counts();
  const got = await sample(proxy, plain, SAMPLE_REQUESTS);
  const after = await counts();
  const share = (arm: keyof typeof before) => ((after[arm] - before[arm]) / SAMPLE_REQUESTS) * 100;
  console.log(`baseline split: canary ${share('canary')} %, baseline ${share('baseline')} %, stable ${share('stable')} %`);
  // The proxy's draws are evenly spread (evenDraws): a share more than 3 points off is a routing fault.
  expect(Math.abs(share('canary') - WEIGHT)).toBeLessThanOrEqual(3);
  expect(Math.abs(share('baseline') - WEIGHT)).toBeLessThanOrEqual(3);
  expect(Math.abs(share('stable') - (100 - 2 * WEIGHT))).toBeLessThanOrEqual(3);
  expect(((got.byVersion['v2'] ?? 0) / SAMPLE_REQUESTS) * 100).toBeCloseTo(share('canary'), 5);
  expect(got.byStatus).toEqual({ 200: SAMPLE_REQUESTS });
  expect(edge.problems).toEqual([]);

  const shown = await kanary(['get', 'rollout', 'demo', '-n', ns.name]);
  expect(shown.stdout).toMatch(new RegExp(`Baseline:\\s+${baseline?.metadata?.name ?? '?'} ${WEIGHT}%, 1/1 available`));

  expect((await kanary(['promote', 'demo', '-n', ns.name])).code).toBe(0);
  await view.waitForStatus((s) => (s.phase === 'Healthy' && s.stableRS === v2 ? true : undefined), 'v2 Healthy', 90_000);
  await baselineRemoved('baseline ReplicaSet and Mapping removed after promotion');
  expect((await sample(proxy, plain, 20)).byVersion).toEqual({ v2: 20 });
});

test('abort removes the baseline; a new stable revision gets a fresh baseline with its image', async () => {
  await setImage(ns.name, 'kanary/demo-app:v3');
  const v3 = await view.waitForStatus((s) => (typeof s.currentPodHash === 'string' && s.currentPodHash !== s.stableRS ? (s.currentPodHash as string) : undefined), 'v3 rolling out');
  await pausedOn(v3);
  const [baseline] = await baselineReplicaSets().then((list) => list.filter((rs) => (rs.spec?.replicas ?? 0) > 0));
  expect(baseline?.spec?.template?.spec?.containers.map((c) => c.image)).toEqual(['kanary/demo-app:v2']);
  expect((await mapping(BASELINE_MAPPING))?.spec?.weight).toBe(WEIGHT);

  expect((await kanary(['abort', 'demo', '-n', ns.name])).code).toBe(0);
  await view.waitForStatus((s) => (s.phase === 'Degraded' ? true : undefined), 'Degraded');
  await baselineRemoved('baseline ReplicaSet and Mapping removed after abort');
  await view.waitForStatus((s) => (s.canary?.weights?.baseline === undefined ? true : undefined), 'no baseline weight in status');
  expect((await sample(edge.proxy, plain, 20)).byVersion).toEqual({ v2: 20 });
});

/** The AnalysisRuns of a pod-template hash. */
async function runsOf(hash: string): Promise<Obj[]> {
  const custom = ns.kc.makeApiClient(k8s.CustomObjectsApi);
  const list = (await custom.listNamespacedCustomObject({ group: 'kanary.dev', version: 'v1alpha1', plural: 'analysisruns', namespace: ns.name })) as { items: Obj[] };
  return list.items.filter((r) => r.metadata?.labels?.['rollouts-pod-template-hash'] === hash);
}

/** A judged metric: canary cluster against the baseline's cluster, from the edge proxy's /stats/counters. */
function judgeAgainstBaseline(countersUrl: string): Obj {
  const cluster = (service: string) => serviceClusterName(service, ns.name);
  const path = (service: string, kind: string) => `$.clusters['${cluster(service)}'].${kind}`;
  return {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'judge-baseline' },
    spec: {
      metrics: [{
        name: 'errors-vs-baseline',
        interval: '1s',
        count: 60,
        provider: { web: { url: countersUrl, timeoutSeconds: 5 } },
        judge: {
          alpha: 0.01,
          tolerance: 1.1,
          minEvents: 5,
          counts: {
            counters: 'cumulative',
            canaryRequests: path('demo-canary:80', 'requests'),
            canaryErrors: path('demo-canary:80', 'errors'),
            baselineRequests: path('demo-baseline:80', 'requests'),
            baselineErrors: path('demo-baseline:80', 'errors'),
          },
        },
      }],
    },
  };
}

test('the judge on the baseline arm aborts a canary that fails 30 % of its requests', async () => {
  await applyDocs(ns.name, [judgeAgainstBaseline(`${edge.proxy.adminUrl}/stats/counters`)]);
  const steps = [{ setWeight: WEIGHT }, { analysis: { templates: [{ templateName: 'judge-baseline' }] } }];
  const failing = tweakExample(loadExample('canary-ambassador'), { replicas: REPLICAS, steps, scaleDownDelaySeconds: 1, abortScaleDownDelaySeconds: 1, image: 'kanary/demo-app:v2' })
    .map(withBaseline)
    .filter((doc) => doc.kind === 'Rollout')
    .map((doc) => {
      doc.spec.template.metadata.annotations = { 'sim.kanary.dev/behaviour': JSON.stringify({ version: 'v2-failing', errorRate: 0.3 }) };
      return doc;
    });
  await applyDocs(ns.name, failing);
  const hash = await view.waitForStatus((s) => (typeof s.currentPodHash === 'string' && s.currentPodHash !== s.stableRS && s.abort !== true ? (s.currentPodHash as string) : undefined), 'the failing revision rolling out');

  let sending = true;
  const traffic = (async () => {
    while (sending) await sample(edge.proxy, plain, 20);
  })();
  try {
    const degraded = await view.waitForStatus((s) => (s.phase === 'Degraded' && s.currentPodHash === hash ? s : undefined), 'aborted by the judge', 90_000).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${describeRuns(await runsOf(hash))}`);
    });
    expect(degraded.abort).toBe(true);
    expect(degraded.message).toContain('judge: canary worse than');
  } finally {
    sending = false;
    await traffic;
  }
  const [run] = await runsOf(hash);
  expect(run?.status?.phase).toBe('Failed');
  const result = metricResult(run!, 'errors-vs-baseline')!;
  expect(result.judge.state.verdict).toMatchObject({ outcome: 'fail' });
  expect(result.judge.state.baselineRequests).toBeGreaterThan(0);
  expect(result.resolvedQuery).toContain(serviceClusterName('demo-baseline:80', ns.name));
  console.log(`judge on the baseline arm: ${result.measurements.at(-1)?.message}`);
  await baselineRemoved('baseline removed after the judge aborted');
});
