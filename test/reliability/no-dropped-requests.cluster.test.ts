/**
 * Issue 9, reliability 5: no dropped requests. A steady 100 requests/s go through the sandbox's
 * edge proxy (routing by the Rollout's Mappings as Emissary does) to the simulated kubelet's healthy
 * demo images while the REAL controller runs five full promotions (25 -> 50 -> 75 % with 1 s pauses,
 * then 100 %) and five aborts (`kanary abort` at 50 %, then a fast rollback to the stable image).
 * Every answer is counted: any non-2xx status and any connection error or timeout is a failure, and
 * the expected number of failures is zero.
 */
import { jest } from '@jest/globals';
import * as http from 'node:http';
import { startEdgeProxy, type EdgeProxy } from '../../src/sandbox/edge-proxy/edge-proxy.js';
import { startTrafficGenerator, type TrafficGenerator } from '../../src/sandbox/edge-proxy/traffic-generator.js';
import { createEvenSpread } from '../../src/sandbox/demo/demo-stack.js';
import { createSilentLogger } from '../../src/telemetry/logger.js';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, kanary, type Obj } from '../controller/rollout-fixtures.js';
import { ReleaseTally, trafficDocs } from './traffic-fixtures.js';

jest.setTimeout(300_000);

const RPS = 100;
const REPEATS = 5;
const REPLICAS = 2;
const V1 = 'kanary/demo-app:v1';
const V2 = 'kanary/demo-app:v2';
const PROMOTE_STEPS: Obj[] = [
  { setWeight: 25 }, { pause: { duration: '1s' } },
  { setWeight: 50 }, { pause: { duration: '1s' } },
  { setWeight: 75 }, { pause: { duration: '1s' } },
];
const ABORT_STEPS: Obj[] = [{ setWeight: 25 }, { pause: { duration: '1s' } }, { setWeight: 50 }, { pause: {} }];
const ABORT_PAUSE_STEP = 3;

const ns = useTestNamespace('no-dropped-requests');
const tally = new ReleaseTally();
let controller: ControllerProcess | undefined;
let proxy: EdgeProxy | undefined;
let traffic: TrafficGenerator | undefined;
let view: ClusterView;
let ambassadorId = '';
let trafficStartedMs = 0;

const versionOf = (image: string): string => image.slice(image.lastIndexOf(':') + 1);

async function apply(image: string, steps: Obj[]): Promise<void> {
  await applyDocs(ns.name, trafficDocs({ image, steps, replicas: REPLICAS, ambassadorId, scaleDownDelaySeconds: 3 }));
}

/** The canary percentage the edge proxy routes with right now. */
function proxyCanaryPercent(): number {
  const key = `${ns.name}/demo-canary`;
  for (const group of proxy?.routingTable().groups ?? []) {
    const entry = group.entries.find((e) => e.mapping.key === key);
    if (entry) return entry.percent;
  }
  return 0;
}

async function status(): Promise<Obj> {
  return ((await view.rollout()).status ?? {}) as Obj;
}

async function imageOf(hash: string): Promise<string | undefined> {
  return (await view.replicaSetOf(hash))?.spec?.template?.spec?.containers?.[0]?.image;
}

/** Healthy on `image`, the canary Mapping gone, every other ReplicaSet without pods. */
async function settledOn(image: string): Promise<boolean> {
  const s = await status();
  if (s.phase !== 'Healthy' || s.stableRS !== s.currentPodHash || (await imageOf(String(s.stableRS))) !== image) return false;
  if ((await view.mapping('demo-canary')) !== undefined || proxyCanaryPercent() !== 0) return false;
  const others = (await view.replicaSets()).filter((rs) => rs.metadata?.name !== `demo-${String(s.stableRS)}`);
  return others.every((rs) => (rs.status?.replicas ?? 0) === 0);
}

async function waitSettledOn(image: string, what: string): Promise<void> {
  await waitFor(() => settledOn(image), { timeoutMs: 120_000, intervalMs: 250, description: `${what}: Healthy on ${image} with the old pods gone` });
}

function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    http.get(url, { agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', () => resolve(0));
  });
}

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  ambassadorId = `kanary-nodrop-${ns.name}`;
  controller = startController({ namespace: ns.name, flags: ['--mapping-propagation-delay', '2s', '--log-level', 'info'] });
  proxy = await startEdgeProxy({ kubeConfig: ns.kc, logger: createSilentLogger(), ambassadorNamespace: ns.name, ambassadorId, random: createEvenSpread() });
  await controller.metricsUrl();
  await apply(V1, PROMOTE_STEPS);
  await waitSettledOn(V1, 'first revision');
  const url = `${proxy.url}/demo/`;
  await waitFor(async () => (await getStatus(url)) === 200, { timeoutMs: 30_000, description: 'the edge proxy routes /demo/' });
  tally.release = 'steady-v1';
  trafficStartedMs = Date.now();
  traffic = startTrafficGenerator({ url, rps: RPS, timeoutMs: 10_000, onResult: (_t, last) => tally.record(last) });
}, 180_000);

afterAll(async () => {
  const final = await traffic?.stop();
  if (final) {
    const seconds = (Date.now() - trafficStartedMs) / 1000;
    console.log(`no-dropped-requests: ${final.sent} sent, ${final.completed} answered in ${seconds.toFixed(0)} s (${(final.sent / seconds).toFixed(0)}/s), `
      + `${tally.total().failed} failed\n${tally.describe()}${tally.failures.length > 0 ? `\nfirst failures: ${JSON.stringify(tally.failures, null, 1)}` : ''}`);
  }
  await proxy?.stop();
  await controller?.stop();
});

test(`${REPEATS} full promotions (25/50/75 % with 1 s pauses, then 100 %) drop no request`, async () => {
  let stable = V1;
  for (let i = 1; i <= REPEATS; i += 1) {
    const next = stable === V1 ? V2 : V1;
    const label = `promote-${i}-${versionOf(stable)}-to-${versionOf(next)}`;
    tally.release = label;
    await apply(next, PROMOTE_STEPS);
    await waitSettledOn(next, label);
    tally.release = `after-${label}`;
    const count = tally.of(label);
    expect({ label, failed: count.failed, byStatus: count.byStatus }).toEqual({ label, failed: 0, byStatus: { 200: count.total } });
    expect(Object.keys(count.byVersion).sort()).toEqual([versionOf(stable), versionOf(next)].sort());
    stable = next;
  }
});

test(`${REPEATS} aborts at 50 % (kanary abort, then a fast rollback to the stable image) drop no request`, async () => {
  const stableHash = String((await status()).stableRS);
  const stable = (await imageOf(stableHash)) ?? V1;
  const canary = stable === V1 ? V2 : V1;
  for (let i = 1; i <= REPEATS; i += 1) {
    const label = `abort-${i}-${versionOf(canary)}`;
    tally.release = label;
    await apply(canary, ABORT_STEPS);
    await waitFor(async () => {
      const s = await status();
      return s.currentStepIndex === ABORT_PAUSE_STEP && (s.pauseConditions ?? []).length > 0 && proxyCanaryPercent() === 50;
    }, { timeoutMs: 120_000, intervalMs: 250, description: `${label}: paused at 50 % in the edge proxy` });
    const aborted = await kanary(['abort', 'demo', '-n', ns.name]);
    expect(aborted.code).toBe(0);
    await waitFor(async () => {
      const s = await status();
      const canaryRs = await view.replicaSetOf(String(s.currentPodHash));
      return s.phase === 'Degraded' && s.abort === true && (await view.mapping('demo-canary')) === undefined && (canaryRs?.status?.replicas ?? 0) === 0;
    }, { timeoutMs: 120_000, intervalMs: 250, description: `${label}: aborted, canary Mapping gone, canary pods gone` });
    expect((await status()).stableRS).toBe(stableHash);
    await apply(stable, ABORT_STEPS);
    await waitSettledOn(stable, `${label} rollback`);
    tally.release = `after-${label}`;
    const count = tally.of(label);
    expect({ label, failed: count.failed, byStatus: count.byStatus }).toEqual({ label, failed: 0, byStatus: { 200: count.total } });
    expect(Object.keys(count.byVersion).sort()).toEqual([versionOf(stable), versionOf(canary)].sort());
  }
});

test('zero failed requests over the whole run, every request answered', async () => {
  const final = await (traffic as TrafficGenerator).stop();
  const total = tally.total();
  expect(final.completed).toBe(final.sent);
  expect(total.total).toBe(final.completed);
  expect(total.failed).toBe(0);
  expect(final.errors).toBe(0);
});
