/**
 * Issue 15 (controller side): the real controller keeps each canary Mapping in its base's Emissary
 * group (every grouping field and label as the base has it, in the one apiVersion it reads and
 * writes), gives it its own stats_name, writes at most once per weight change, tolerates labels
 * others add to the canary without a write loop, and goes through promotion and abort. Each case is
 * a base Mapping in one apiVersion with a controller choosing its version (auto or fixed).
 * Traffic is measured through the sandbox edge proxy (Emissary's grouping and weights): at 30 % and
 * 60 % the canary's share of requests shaped to match the base, and the statistics under each
 * Mapping's stats_name (or service cluster name); the last step is an analysis reading the
 * canary's success rate from the proxy's /stats/window, which promotes the canary when it passes.
 */
import { jest } from '@jest/globals';
import { kubectl, useTestNamespace, waitFor } from '../harness/cluster.js';
import { readCounterTotal, startController, type ControllerProcess } from '../harness/controller-process.js';
import { startTrafficGenerator, type TrafficGenerator } from '../../src/sandbox/edge-proxy/traffic-generator.js';
import { measurementsOf, metricResult, RunReader } from '../analysis-e2e/analysis-e2e-fixtures.js';
import { applyDocs, ClusterView, kanary, loadExample, setImage, tweakExample, type Obj } from './rollout-fixtures.js';
import { autoMappingVersion, servedMappingVersions } from './served-mapping-versions.js';
import {
  groupOf, requestMatching, sample, serviceClusterName, sharePercent, startNamespaceEdge, upstreamRequests, type NamespaceEdge,
} from './emissary-traffic.js';

jest.setTimeout(180_000);

const OWN_LABEL = 'kanary.dev/canary-mapping';
const OWN_ANNOTATIONS = ['kanary.dev/copied-from-base', 'kanary.dev/zero-weight-since'];
const BASE_LABELS = { 'app.kubernetes.io/managed-by': 'argocd', 'emissary.example/host': 'edge' };

interface Case {
  name: string;
  /** The version the base is written and read back in. */
  baseVersion: 'v2' | 'v3alpha1';
  /** `--ambassador-api-version`. */
  setting: string;
  /** The version the controller should choose on this stack. */
  chosen: string;
  spec: Obj;
}

const ALL_CASES: Case[] = [
  {
    name: 'v2 base with a specific host, headers, v3StatsName and precedence; controller auto',
    baseVersion: 'v2', setting: 'auto', chosen: autoMappingVersion(),
    spec: { prefix: '/demo/', host: 'shop.example.com', headers: { 'x-shop-tier': 'gold' }, precedence: 7, v3StatsName: 'shop_demo', service: 'demo-stable:80', timeout_ms: 3000 },
  },
  {
    name: 'v3alpha1 base with hostname "*", stats_name and precedence; controller fixed to v3alpha1',
    baseVersion: 'v3alpha1', setting: 'getambassador.io/v3alpha1', chosen: 'getambassador.io/v3alpha1',
    spec: { prefix: '/demo/', hostname: '*', method: 'GET', precedence: 3, stats_name: 'shop_demo', service: 'demo-stable:80', rewrite: '/' },
  },
  {
    name: `v3alpha1 base with a specific hostname and headers; controller auto (reads and writes ${autoMappingVersion()})`,
    baseVersion: 'v3alpha1', setting: 'auto', chosen: autoMappingVersion(),
    spec: { prefix: '/demo/', hostname: 'shop.example.com', headers: { 'x-shop-tier': 'gold' }, query_parameters: { beta: 'true' }, service: 'demo-stable:80' },
  },
];

/** The cases this stack can run (Emissary 4 CRDs serve no v2). */
const CASES = ALL_CASES.filter((c) => servedMappingVersions().includes(`getambassador.io/${c.baseVersion}`) && (c.setting === 'auto' || servedMappingVersions().includes(c.setting)));

function baseMapping(c: Case): Obj {
  return {
    apiVersion: `getambassador.io/${c.baseVersion}`,
    kind: 'Mapping',
    metadata: { name: 'demo', labels: BASE_LABELS, annotations: { team: 'shop' } },
    spec: c.spec,
  };
}

/** What must equal between base and canary: everything but name, service, weight, stats_name and Kanary's metadata. */
function groupView(mapping: Obj): Obj {
  const { service: _s, weight: _w, stats_name: _n, v3StatsName: _v, ...spec } = mapping.spec ?? {};
  const labels = { ...(mapping.metadata?.labels ?? {}) } as Record<string, string>;
  delete labels[OWN_LABEL];
  const annotations = { ...(mapping.metadata?.annotations ?? {}) } as Record<string, string>;
  for (const key of [...OWN_ANNOTATIONS, 'kubectl.kubernetes.io/last-applied-configuration']) delete annotations[key];
  return { spec, labels, annotations };
}

/** Requests per measured weight, and the allowed miss in percentage points (see evenDraws). */
const SAMPLE_REQUESTS = 400;
const SHARE_TOLERANCE = 2;

/** Step analysis: the canary's success rate over the last 5 s as the edge proxy saw it under the canary's cluster name. */
const ANALYSIS_TEMPLATE: Obj = {
  apiVersion: 'kanary.dev/v1alpha1',
  kind: 'AnalysisTemplate',
  metadata: { name: 'edge-success-rate' },
  spec: {
    args: [{ name: 'edge' }, { name: 'cluster' }],
    metrics: [{
      name: 'success-rate',
      interval: '1s',
      initialDelay: '1s',
      count: 3,
      failureLimit: 0,
      // A measurement with under 10 canary requests in its window is an Error (HTTP 503); two in a row fail the run.
      consecutiveErrorLimit: 1,
      successCondition: 'result >= 0.95',
      provider: { web: { url: '{{args.edge}}/stats/window?cluster={{args.cluster}}&seconds=5&minRequests=10', timeoutSeconds: 5, jsonPath: '{$.successRate}' } },
    }],
  },
};

/** The envoy_cluster_name of the base and of its canary: stats_name (v2: v3StatsName) and its `-canary` copy, else the services'. */
function clusterNames(c: Case, namespace: string): { stable: string; canary: string } {
  const statsName = c.spec['stats_name'] ?? c.spec['v3StatsName'];
  if (typeof statsName === 'string') return { stable: statsName, canary: `${statsName}-canary` };
  return { stable: serviceClusterName('demo-stable:80', namespace), canary: serviceClusterName('demo-canary:80', namespace) };
}

const isMappingWrite = (labels: string) => labels.includes('resource="mappings"') && /verb="(create|update|patch)"/.test(labels) && /code="2\d\d"/.test(labels);

describe.each(CASES)('$name', (c) => {
  const ns = useTestNamespace('emissary-map');
  let controller: ControllerProcess;
  let view: ClusterView;
  let url = '';
  let edge: NamespaceEdge;
  let traffic: TrafficGenerator | undefined;
  const request = requestMatching(c.spec);
  const status = async (): Promise<Obj> => (await view.rollout()).status ?? {};
  const canary = () => view.mapping('demo-canary', c.baseVersion);
  const writes = () => readCounterTotal(url, 'kanary_kubernetes_requests_total', isMappingWrite);
  const pausedAt = (step: number) => waitFor(async () => {
    const s = await status();
    return s.phase === 'Paused' && s.currentStepIndex === step ? s : undefined;
  }, { timeoutMs: 60_000, description: `paused at step ${step}` });

  beforeAll(async () => {
    view = new ClusterView(ns.kc, ns.name);
    controller = startController({ namespace: ns.name, flags: ['--mapping-propagation-delay', '1s', '--ambassador-api-version', c.setting] });
    url = await controller.metricsUrl();
    edge = await startNamespaceEdge(ns.kc, ns.name);
    const analysis = { templates: [{ templateName: 'edge-success-rate' }], args: [{ name: 'edge', value: edge.proxy.adminUrl }, { name: 'cluster', value: clusterNames(c, ns.name).canary }] };
    const steps = [{ setWeight: 30 }, { pause: {} }, { setWeight: 60 }, { pause: {} }, { analysis }];
    const docs = tweakExample(loadExample('canary-ambassador'), { replicas: 2, steps, scaleDownDelaySeconds: 1, abortScaleDownDelaySeconds: 1 })
      .map((doc) => (doc.kind === 'Mapping' ? baseMapping(c) : doc));
    await applyDocs(ns.name, [ANALYSIS_TEMPLATE, ...docs]);
    await waitFor(async () => (await status()).phase === 'Healthy', { timeoutMs: 60_000, description: 'Healthy' });
  });

  afterAll(async () => {
    await traffic?.stop();
    await edge?.proxy.stop();
    await controller?.stop();
  });

  /**
   * Requests matching the base through the edge proxy once it routes the canary at `weight` in the
   * base's group: the canary (v2) answers weight % of them, and each version's requests are
   * counted under its own cluster name.
   */
  async function expectEdgeSplit(weight: number): Promise<void> {
    const { proxy } = edge;
    const baseKey = `${ns.name}/demo`;
    const canaryKey = `${ns.name}/demo-canary`;
    await waitFor(() => groupOf(proxy, canaryKey)?.entries.find((e) => e.mapping.key === canaryKey)?.mapping.weight === weight,
      { timeoutMs: 20_000, description: `edge proxy sees the canary at weight ${weight}` });
    const group = groupOf(proxy, canaryKey);
    expect(group?.entries.map((e) => [e.mapping.key, e.percent])).toEqual([[baseKey, 100 - weight], [canaryKey, weight]]);
    expect(edge.problems).toEqual([]);
    // Endpoints reach the proxy through its own watch: wait until both versions answer.
    await waitFor(async () => {
      const s = await sample(proxy, request, 20);
      return s.byStatus['200'] === 20 && (s.byVersion['v1'] ?? 0) > 0 && (s.byVersion['v2'] ?? 0) > 0;
    }, { timeoutMs: 30_000, intervalMs: 500, description: 'stable and canary pods answer through the edge proxy' });

    const names = clusterNames(c, ns.name);
    const before = { stable: await upstreamRequests(proxy, names.stable), canary: await upstreamRequests(proxy, names.canary) };
    const got = await sample(proxy, request, SAMPLE_REQUESTS);
    const share = sharePercent(got, 'v2');
    console.log(`[${c.baseVersion}/${c.setting} on ${servedMappingVersions().join('+')}] weight ${weight}: canary share ${share.toFixed(2)} % of ${SAMPLE_REQUESTS} (${JSON.stringify(got.byVersion)})`);
    expect(got.byStatus).toEqual({ 200: SAMPLE_REQUESTS });
    expect((got.byVersion['v1'] ?? 0) + (got.byVersion['v2'] ?? 0)).toBe(SAMPLE_REQUESTS);
    expect(Math.abs(share - weight)).toBeLessThanOrEqual(SHARE_TOLERANCE);
    expect({ stable: await upstreamRequests(proxy, names.stable) - before.stable, canary: await upstreamRequests(proxy, names.canary) - before.canary })
      .toEqual({ stable: got.byVersion['v1'], canary: got.byVersion['v2'] });
  }

  test('the controller says which Mapping apiVersion it chose, in its log and /readyz', async () => {
    const ready = await fetch(`${await controller.probesUrl()}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe(`ok: Mapping apiVersion ${c.chosen}\n`);
    const lines = controller.logs.flatMap((line) => { try { return [JSON.parse(line) as Obj]; } catch { return []; } });
    expect(lines.filter((l) => l.msg === 'Mapping apiVersion chosen').map((l) => l.apiVersion)).toEqual([c.chosen]);
    expect(lines.find((l) => l.msg === 'caches synced, starting workers')?.mappingApi).toEqual({ apiVersion: c.chosen, setting: c.setting });
  });

  test('canary at 30%: read back in the base\'s version it equals the base but for name, service, weight, stats_name and Kanary\'s metadata; one write', async () => {
    const before = await writes();
    await setImage(ns.name, 'kanary/demo-app:v2');
    await pausedAt(1);
    const base = await view.mapping('demo', c.baseVersion);
    const got = await canary();
    expect(got?.spec?.weight).toBe(30);
    expect(got?.spec?.service).toBe('demo-canary:80');
    expect(groupView(got ?? {})).toEqual(groupView(base ?? {}));
    expect(got?.metadata?.labels).toEqual({ ...BASE_LABELS, [OWN_LABEL]: 'true' });
    const statsField = c.spec['stats_name'] !== undefined ? 'stats_name' : c.spec['v3StatsName'] !== undefined ? 'v3StatsName' : undefined;
    if (statsField) expect(got?.spec?.[statsField]).toBe(`${String(c.spec[statsField])}-canary`);
    expect(got?.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'Rollout', name: 'demo', controller: true })]);
    expect(await writes()).toBe(before + 1);
  });

  test('edge proxy at 30%: canary and base in one group, 30% of matching requests reach the canary, counted under its own stats name', async () => {
    await expectEdgeSplit(30);
  });

  test('a label another writer adds to the canary causes no write and survives the next weight change', async () => {
    const before = await writes();
    await kubectl(['label', 'mappings.getambassador.io', 'demo-canary', '-n', ns.name, 'policy.example/audited=yes']);
    await kubectl(['annotate', 'mappings.getambassador.io', 'demo-canary', '-n', ns.name, 'note=by-hand']);
    // The label is a watch event, so the Rollout is reconciled: give it time to (not) write.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await writes()).toBe(before);
    expect((await canary())?.spec?.weight).toBe(30);

    expect((await kanary(['promote', 'demo', '-n', ns.name])).code).toBe(0);
    await pausedAt(3);
    const got = await canary();
    expect(got?.spec?.weight).toBe(60);
    expect(got?.metadata?.labels?.['policy.example/audited']).toBe('yes');
    expect(got?.metadata?.annotations?.['note']).toBe('by-hand');
    expect(await writes()).toBe(before + 1);
  });

  test('edge proxy at 60%: 60% of matching requests reach the canary, counted under its own stats name', async () => {
    await expectEdgeSplit(60);
  });

  test('promote: the step analysis reads the canary\'s success rate at the edge and promotes to the end: weight 100 then 0, the canary Mapping is removed, Healthy on v2; at most one write per weight', async () => {
    const before = await writes();
    const hash = String((await status()).currentPodHash);
    traffic = startTrafficGenerator({ url: `${edge.proxy.url}${request.path}`, headers: request.headers, rps: 20 });
    expect((await kanary(['promote', 'demo', '-n', ns.name])).code).toBe(0);
    const runs = new RunReader(ns.kc, ns.name);
    const running = await runs.waitFor(hash, (r) => r.status?.phase !== undefined, 'step analysis run started', 30_000);
    expect(running.metadata.name).toMatch(new RegExp(`^demo-${hash}-\\d+-4$`));
    const healthy = await waitFor(async () => {
      const s = await status();
      return (s.phase === 'Healthy' && s.stableRS === s.currentPodHash) || s.phase === 'Degraded' ? s : undefined;
    }, { timeoutMs: 60_000, description: 'Healthy on v2' });
    const tally = await traffic.stop();
    traffic = undefined;
    console.log(`[${c.baseVersion}/${c.setting}] traffic during analysis and promotion: ${JSON.stringify(tally)}`);
    const [run] = await runs.ofHash(hash);
    expect(`${String(healthy.phase)}: ${String(healthy.message ?? '')}`).toMatch(/^Healthy/);
    expect(run?.status?.phase).toBe('Successful');
    expect(metricResult(run!, 'success-rate')).toMatchObject({ phase: 'Successful', successful: 3 });
    const measured = measurementsOf(run!).filter((m) => m.phase === 'Successful');
    expect(measured).toHaveLength(3);
    for (const m of measured) expect(Number(m.value)).toBeGreaterThanOrEqual(0.95);
    await waitFor(async () => (await canary()) === undefined, { timeoutMs: 30_000, description: 'canary Mapping removed' });
    // Weight 100, then 0 before the delete.
    expect(await writes()).toBeLessThanOrEqual(before + 2);
    expect(await view.mapping('demo', c.baseVersion)).toEqual(expect.objectContaining({ spec: expect.objectContaining({ service: 'demo-stable:80' }) }));
  });

  test('abort: the canary goes to 0 and is removed, the Rollout is Degraded; the base is untouched', async () => {
    const baseBefore = await view.mapping('demo', c.baseVersion);
    await setImage(ns.name, 'kanary/demo-app:v3');
    await pausedAt(1);
    expect((await canary())?.spec?.weight).toBe(30);
    expect((await kanary(['abort', 'demo', '-n', ns.name])).code).toBe(0);
    await waitFor(async () => (await status()).phase === 'Degraded', { timeoutMs: 20_000, description: 'Degraded' });
    await waitFor(async () => (await canary()) === undefined, { timeoutMs: 30_000, description: 'canary Mapping removed' });
    const baseAfter = await view.mapping('demo', c.baseVersion);
    expect(baseAfter?.metadata?.resourceVersion).toBe(baseBefore?.metadata?.resourceVersion);
  });
});
