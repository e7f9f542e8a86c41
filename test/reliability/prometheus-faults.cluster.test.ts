/**
 * Issue 9, reliability 3: Prometheus faults. One Rollout per fault mode, each with a step analysis
 * whose Prometheus provider points at a fake Prometheus (test/reliability/fake-prometheus.ts) that
 * is down (closed port), slower than the metric's timeout, answers garbage, HTTP 500, an empty
 * vector or NaN. Every faulty Rollout aborts after the consecutive error limit with zero false
 * promotions (never past the analysis step, never a new stable), and every measurement says what
 * happened. A control Rollout on a healthy answer from the same fake is promoted, so the watcher
 * of false promotions is shown to see a promotion when there is one.
 */
import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, setImage, type Obj } from '../controller/rollout-fixtures.js';
import { closedPortAddress, startFakePrometheus, type FakePrometheus } from './fake-prometheus.js';

jest.setTimeout(240_000);

type Mode = 'down' | 'slow' | 'garbage' | 'http500' | 'empty' | 'nan' | 'nanScalar' | 'ok';

/** What each fault's Error measurements must say (the provider's own wording, src/analysis). */
const EXPECTED: Record<Exclude<Mode, 'ok'>, RegExp> = {
  down: /refused the connection \(ECONNREFUSED\)/,
  slow: /did not answer within 1s \(timeout\)/,
  garbage: /Prometheus response is not JSON \(HTTP 200, content-type "text\/html"\): <html>/,
  http500: /Prometheus returned HTTP 500: internal: fake storage failure/,
  empty: /^query returned no data$/,
  nan: /^query returned no data$/,
  nanScalar: /^query returned no data$/,
};
const FAULTS = Object.keys(EXPECTED) as Exclude<Mode, 'ok'>[];
const MODES: Mode[] = [...FAULTS, 'ok'];
const ANALYSIS_STEP = 1;
const LIMIT_MESSAGE = 'consecutiveErrors (2) > consecutiveErrorLimit (1)';

const ns = useTestNamespace('prometheus-faults');
let fake: FakePrometheus;
let controller: ControllerProcess | undefined;
let watcher: PromotionWatcher | undefined;
const stableHashes = new Map<Mode, string>();
const outcomes = new Map<Mode, Promise<Outcome>>();

const rolloutName = (mode: Mode): string => `pf-${mode.toLowerCase()}`;

function template(): Obj {
  const metric = {
    name: 'probe',
    interval: '1s',
    count: 3,
    consecutiveErrorLimit: 1,
    successCondition: 'result[0] < 0.05',
    failureCondition: 'result[0] >= 0.05',
    provider: { prometheus: { address: '{{args.address}}', query: 'fault_probe{mode="{{args.mode}}"}', timeout: 1 } },
  };
  return { apiVersion: 'kanary.dev/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'fault-probe' }, spec: { args: [{ name: 'mode' }, { name: 'address' }], metrics: [metric] } };
}

function rollout(mode: Mode, address: string): Obj {
  const name = rolloutName(mode);
  const analysis = { templates: [{ templateName: 'fault-probe' }], args: [{ name: 'mode', value: mode }, { name: 'address', value: address }] };
  return {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'kanary/demo-app:v1', ports: [{ name: 'http', containerPort: 8080 }] }] } },
      strategy: { canary: { steps: [{ setWeight: 50 }, { analysis }, { setWeight: 100 }] } },
    },
  };
}

/** Polls every Rollout of the namespace and records each one's furthest step on a new revision. */
interface PromotionWatcher {
  furthestStep(mode: Mode): number;
  sawNewStable(mode: Mode): boolean;
  stop(): Promise<void>;
}

function watchPromotions(custom: k8s.CustomObjectsApi, namespace: string): PromotionWatcher {
  const furthest = new Map<Mode, number>();
  const newStable = new Set<Mode>();
  let running = true;
  const observe = (mode: Mode, status: Obj) => {
    const initial = stableHashes.get(mode);
    if (initial === undefined || status.currentPodHash === undefined || status.currentPodHash === initial) return;
    furthest.set(mode, Math.max(furthest.get(mode) ?? -1, Number(status.currentStepIndex ?? 0)));
    if (status.stableRS !== initial) newStable.add(mode);
  };
  const loop = (async () => {
    while (running) {
      try {
        const list = (await custom.listNamespacedCustomObject({ group: 'kanary.dev', version: 'v1alpha1', plural: 'rollouts', namespace })) as { items: Obj[] };
        for (const mode of MODES) observe(mode, list.items.find((ro) => ro.metadata?.name === rolloutName(mode))?.status ?? {});
      } catch {
        // a transient read error is skipped
      }
      await sleep(200);
    }
  })();
  return {
    furthestStep: (mode) => furthest.get(mode) ?? -1,
    sawNewStable: (mode) => newStable.has(mode),
    async stop() {
      running = false;
      await loop;
    },
  };
}

interface Outcome {
  newHash: string;
  run: Obj;
  status: Obj;
  canaryReplicas?: number;
}

async function statusOf(view: ClusterView, mode: Mode): Promise<Obj> {
  return ((await view.rollout(rolloutName(mode))).status ?? {}) as Obj;
}

async function runOf(custom: k8s.CustomObjectsApi, namespace: string, prefix: string): Promise<Obj | undefined> {
  const list = (await custom.listNamespacedCustomObject({ group: 'kanary.dev', version: 'v1alpha1', plural: 'analysisruns', namespace })) as { items: Obj[] };
  return list.items.find((run) => String(run.metadata?.name).startsWith(prefix));
}

/** Waits until the mode's Rollout has decided (Degraded or Healthy on a new stable) and reads the run. */
async function settle(view: ClusterView, custom: k8s.CustomObjectsApi, mode: Mode): Promise<Outcome> {
  const initial = stableHashes.get(mode);
  const name = rolloutName(mode);
  const moved = await waitFor(async () => {
    const s = await statusOf(view, mode);
    return s.currentPodHash !== initial && typeof s.currentPodHash === 'string' ? s : undefined;
  }, { timeoutMs: 30_000, description: `${name} on a new revision`, intervalMs: 250 });
  const newHash = moved.currentPodHash as string;
  const status = await waitFor(async () => {
    const s = await statusOf(view, mode);
    return s.phase === 'Degraded' || (s.phase === 'Healthy' && s.stableRS === newHash) ? s : undefined;
  }, { timeoutMs: 150_000, description: `${name} Degraded or promoted`, intervalMs: 250 });
  const run = await waitFor(() => runOf(custom, ns.name, `${name}-${newHash}-`), { timeoutMs: 10_000, description: `${name}'s AnalysisRun` });
  if (status.phase !== 'Degraded') return { newHash, run, status };
  const canary = await waitFor(async () => {
    const rs = await view.replicaSetOf(newHash, name);
    return rs?.spec?.replicas === 0 ? rs : undefined;
  }, { timeoutMs: 30_000, description: `${name}'s canary scaled to 0`, intervalMs: 250 }).catch(() => view.replicaSetOf(newHash, name));
  return { newHash, run, status, canaryReplicas: canary?.spec?.replicas };
}

beforeAll(async () => {
  fake = await startFakePrometheus({ slowMs: 4000 });
  const down = await closedPortAddress();
  controller = startController({ namespace: ns.name, flags: ['--mapping-propagation-delay', '1s', '--log-level', 'info'] });
  await controller.metricsUrl();
  await applyDocs(ns.name, [template(), ...MODES.map((mode) => rollout(mode, mode === 'down' ? down : fake.address))]);
  const view = new ClusterView(ns.kc, ns.name);
  for (const mode of MODES) {
    const status = await waitFor(async () => {
      const s = await statusOf(view, mode);
      return s.phase === 'Healthy' && s.availableReplicas === 1 ? s : undefined;
    }, { timeoutMs: 90_000, description: `${rolloutName(mode)} Healthy on v1`, intervalMs: 250 });
    stableHashes.set(mode, status.stableRS as string);
  }
  const custom = ns.kc.makeApiClient(k8s.CustomObjectsApi);
  watcher = watchPromotions(custom, ns.name);
  await Promise.all(MODES.map((mode) => setImage(ns.name, 'kanary/demo-app:v2', rolloutName(mode))));
  for (const mode of MODES) {
    const outcome = settle(view, custom, mode);
    outcome.catch(() => undefined); // awaited (and reported) by the mode's test
    outcomes.set(mode, outcome);
  }
}, 180_000);

afterAll(async () => {
  await Promise.allSettled([...outcomes.values()]);
  await watcher?.stop();
  await controller?.stop();
  await fake?.close();
});

test.each(FAULTS)('Prometheus %s: Error measurements say so, abort after the error limit, zero false promotions', async (mode) => {
  const { run, status, newHash, canaryReplicas } = await (outcomes.get(mode) as Promise<Outcome>);
  const measurements = ((run.status?.metricResults ?? []) as Obj[]).flatMap((r) => (r.measurements ?? []) as Obj[]);
  console.log(`prometheus ${mode}: run ${run.status?.phase} "${run.status?.message}"; ${measurements.map((m) => `${m.phase}: ${m.message}`).join(' | ')}`);

  expect(run.status?.phase).toBe('Error');
  expect(run.status?.message).toContain(LIMIT_MESSAGE);
  expect(measurements.map((m) => m.phase)).toEqual(['Error', 'Error']);
  for (const m of measurements) expect(m.message).toMatch(EXPECTED[mode]);

  expect(status.phase).toBe('Degraded');
  expect(status.abort).toBe(true);
  expect(status.stableRS).toBe(stableHashes.get(mode));
  expect(status.message).toContain(LIMIT_MESSAGE);
  expect(watcher?.sawNewStable(mode)).toBe(false);
  expect(watcher?.furthestStep(mode)).toBe(ANALYSIS_STEP);
  expect(canaryReplicas).toBe(0);
  expect(newHash).not.toBe(stableHashes.get(mode));
});

test('control: a healthy answer from the same fake promotes, and the watcher sees it', async () => {
  const { run, status, newHash } = await (outcomes.get('ok') as Promise<Outcome>);
  expect(run.status?.phase).toBe('Successful');
  expect(status.phase).toBe('Healthy');
  expect(status.stableRS).toBe(newHash);
  expect(watcher?.sawNewStable('ok')).toBe(true);
  expect(watcher?.furthestStep('ok')).toBeGreaterThan(ANALYSIS_STEP);
});

test('the fake Prometheus answered every mode but down, whose port stayed closed', () => {
  console.log(`fake Prometheus queries per mode: ${JSON.stringify(fake.requests)}`);
  expect(Object.keys(fake.requests).sort()).toEqual(MODES.filter((m) => m !== 'down').sort());
});
