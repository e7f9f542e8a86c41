/**
 * Issue 21, "every Argo canary field": the corpus in test/fixtures/argo-canary-corpus (Argo Rollouts
 * manifests as found in a GitOps repository, together using every field of Argo's canary strategy)
 * is migrated the way a user does it (`kanary migrate` on a copy), applied to one namespace and run
 * by the real controller. A "healthy" manifest runs a canary to Healthy on its new revision (an image
 * change, each `pause: {}` released with `kanary promote`); for a "refused" manifest `kanary migrate`
 * names each field corpus.json lists, and then the controller refuses it (InvalidSpec naming each
 * field, the fields kept as written, no ReplicaSet): the API server stores it, other routers than
 * ambassador included.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { CliIo } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/main.js';
import { CORPUS_DIR, corpusEntries, loadDocs, rolloutOf, valueAt, type Doc, type HealthyEntry, type RefusedEntry } from '../fixtures/argo-canary-corpus/corpus.js';
import { kubectl, useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { ClusterView, kanary, type Obj } from './rollout-fixtures.js';

jest.setTimeout(300_000);

const ns = useTestNamespace('argo-corpus');
const entries = corpusEntries();
const healthy = entries.filter((e): e is HealthyEntry => e.outcome === 'healthy');
const refused = entries.filter((e): e is RefusedEntry => e.outcome === 'refused');
const CLUSTER_TEMPLATE = 'argo-corpus-error-budget';

let controller: ControllerProcess;
let view: ClusterView;
let server: Server;
let work: string;
/** The query strings the analysis metrics sent to the checks server. */
const checksRequests: string[] = [];
let migrateCode: number;
let findings: { file: string; path: string; severity: string }[] = [];
/** The migrated documents, by corpus file. */
const migrated = new Map<string, Doc[]>();
/** What `kubectl apply` of each migrated file answered. */
const applied = new Map<string, { code: number; stderr: string }>();

async function migrate(dir: string): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: () => undefined, env: {}, isTty: false };
  const code = await runCli(['migrate', '-o', 'json', dir], io);
  return { code, out: out.join('') };
}

/** The one environment-specific value: the checks service the analysis templates ask is this test's server. */
function pointChecksAt(doc: Doc, url: string): Doc {
  if (!String(doc.kind).endsWith('AnalysisTemplate')) return doc;
  for (const arg of doc.spec.args ?? []) if (arg.name === 'checks-url') arg.value = url;
  return doc;
}

async function startChecksServer(): Promise<string> {
  server = createServer((req, res) => {
    checksRequests.push(req.url ?? '');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(req.url?.startsWith('/fail') ? '{"ok":false}' : '{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  const checksUrl = await startChecksServer();
  work = mkdtempSync(join(tmpdir(), 'kanary-argo-corpus-'));
  cpSync(CORPUS_DIR, work, { recursive: true });
  const result = await migrate(work);
  migrateCode = result.code;
  findings = (JSON.parse(result.out) as { findings: typeof findings }).findings;
  for (const entry of entries) migrated.set(entry.file, loadDocs(join(work, entry.file)).map((d) => pointChecksAt(d, checksUrl)));
  // One apply per file, as a GitOps tool syncs them: a file the API server rejects does not stop the others.
  await Promise.all(entries.map(async (entry) => {
    const input = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: migrated.get(entry.file) ?? [] });
    const result = await kubectl(['apply', '-n', ns.name, '-f', '-'], { input, allowFailure: true });
    applied.set(entry.file, { code: result.code, stderr: result.stderr });
  }));
  controller = startController({ namespace: ns.name, flags: ['--mapping-propagation-delay', '1s'] });
  await controller.metricsUrl();
});

afterAll(async () => {
  await controller?.stop();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await kubectl(['delete', 'clusteranalysistemplates.kanary.dev', CLUSTER_TEMPLATE, '--ignore-not-found'], { allowFailure: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

async function ownedReplicaSets(name: string): Promise<Obj[]> {
  return (await view.replicaSets()).filter((rs) => (rs.metadata?.ownerReferences ?? []).some((ref) => ref.kind === 'Rollout' && ref.name === name)) as Obj[];
}

function invalidSpecMessage(status: Obj | undefined): string | undefined {
  const condition = (status?.conditions ?? []).find((c: Obj) => c.type === 'InvalidSpec' && c.status === 'True');
  return status?.phase === 'Degraded' && condition ? String(condition.message) : undefined;
}

test('kanary migrate rewrites every manifest and reports exactly the refused manifests\' fields', () => {
  expect(migrateCode).toBe(1);
  for (const entry of entries) {
    expect(migrated.get(entry.file)?.filter((d) => String(d.apiVersion).startsWith('argoproj.io'))).toEqual([]);
    const refusedPaths = findings.filter((f) => f.file.endsWith(entry.file) && f.severity === 'refused').map((f) => f.path);
    if (entry.outcome === 'healthy') expect({ file: entry.file, refusedPaths }).toEqual({ file: entry.file, refusedPaths: [] });
    else expect({ file: entry.file, refusedPaths }).toEqual({ file: entry.file, refusedPaths: expect.arrayContaining(entry.fields) });
  }
});

test('every healthy manifest and every manifest the controller refuses is accepted by the API server as written', () => {
  const accepted = entries.filter((e) => e.outcome === 'healthy' || e.refusedBy === 'controller');
  expect(accepted.map((e) => ({ file: e.file, ...applied.get(e.file) }))).toEqual(accepted.map((e) => ({ file: e.file, code: 0, stderr: '' })));
});

const byController = refused.filter((e) => e.refusedBy === 'controller');

describe.each(byController.map((e) => [e.file, e] as const))('%s', (_file, entry) => {
  test('is InvalidSpec naming each field, keeps the fields as written, and gets no ReplicaSet', async () => {
    const message = await waitFor(async () => invalidSpecMessage((await view.rollout(entry.rollout)).status), { timeoutMs: 60_000, description: `InvalidSpec for ${entry.rollout}` });
    for (const field of entry.fields) expect({ field, named: message.includes(`${field}: `) }).toEqual({ field, named: true });
    const written = rolloutOf(migrated.get(entry.file) ?? [], entry.rollout);
    const stored = await view.rollout(entry.rollout);
    for (const field of entry.fields) expect({ field, stored: valueAt(stored, field) }).toEqual({ field, stored: valueAt(written, field) });
    expect(await ownedReplicaSets(entry.rollout)).toEqual([]);
  });
});

interface Run {
  entry: HealthyEntry;
  fromHash: string;
  promotions: number;
  /** The Rollout's status at each manual pause, before `kanary promote`. */
  pauses: Obj[];
  done: Obj;
}

function isHealthyOn(status: Obj, notHash?: string): boolean {
  return status.phase === 'Healthy' && status.stableRS !== undefined && status.stableRS === status.currentPodHash && status.stableRS !== notHash;
}

async function startUpdate(update: HealthyEntry['update']): Promise<void> {
  const resource = update.kind === 'Rollout' ? 'rollouts.kanary.dev' : 'deployments.apps';
  const patch = [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: update.image }];
  await kubectl(['patch', resource, update.name, '-n', ns.name, '--type', 'json', '-p', JSON.stringify(patch)]);
}

/** Whether the Rollout waits at a `pause: {}` step of the new revision (a timed pause releases itself). */
function atManualPause(rollout: Obj, fromHash: string): boolean {
  const status = rollout.status ?? {};
  const step = rollout.spec.strategy.canary.steps?.[status.currentStepIndex ?? -1];
  return status.phase === 'Paused' && status.currentPodHash !== fromHash && step?.pause !== undefined && step.pause.duration === undefined;
}

/** Starts the canary, promotes it through each manual pause, and waits until it is Healthy on the new revision. */
async function runCanary(entry: HealthyEntry): Promise<Run> {
  const fromHash = String((await view.rollout(entry.rollout)).status.stableRS);
  const run: Run = { entry, fromHash, promotions: 0, pauses: [], done: {} };
  await startUpdate(entry.update);
  const promoted = new Set<number>();
  run.done = await waitFor(async () => {
    const rollout = await view.rollout(entry.rollout);
    const status: Obj = rollout.status ?? {};
    if (isHealthyOn(status, fromHash)) return status;
    if (atManualPause(rollout, fromHash) && !promoted.has(status.currentStepIndex)) {
      const result = await kanary(['promote', entry.rollout, '-n', ns.name]);
      if (result.code !== 0) throw new Error(`kanary promote ${entry.rollout}: ${result.stderr}`);
      promoted.add(status.currentStepIndex);
      run.pauses.push(status);
      run.promotions += 1;
    }
    return undefined;
  }, { timeoutMs: 200_000, description: `${entry.rollout} Healthy on its new revision` });
  return run;
}

describe('the healthy manifests', () => {
  const runs = new Map<string, Run>();

  beforeAll(async () => {
    await waitFor(async () => {
      for (const entry of healthy) if (!isHealthyOn((await view.rollout(entry.rollout)).status ?? {})) return undefined;
      return true;
    }, { timeoutMs: 120_000, description: 'every healthy manifest Healthy on its first revision' });
    for (const run of await Promise.all(healthy.map(runCanary))) runs.set(run.entry.file, run);
  });

  test.each(healthy.map((e) => [e.file, e] as const))('%s runs to Healthy through a canary, promoted at each pause', async (_file, entry) => {
    const run = runs.get(entry.file);
    expect(run?.promotions).toBe(entry.manualPauses);
    const rollout = await view.rollout(entry.rollout);
    expect(isHealthyOn(rollout.status ?? {}, run?.fromHash)).toBe(true);
    expect(invalidSpecMessage(rollout.status)).toBeUndefined();
    const stable = (await ownedReplicaSets(entry.rollout)).find((rs) => rs.metadata?.labels?.['rollouts-pod-template-hash'] === rollout.status.stableRS);
    expect(stable?.spec?.template?.spec?.containers?.[0]?.image).toBe(entry.update.image);
    expect(stable?.status?.availableReplicas).toBe(rollout.spec.replicas);
  });

  test('checkout: header and mirror routes at the first pause, analyses given their arguments, no route or canary Mapping left, stable pods labelled', async () => {
    const run = runs.get('healthy/checkout-emissary.yaml');
    const status = (await view.rollout('checkout')).status;
    expect(run?.pauses[0]?.canary?.currentRoutes).toEqual(expect.arrayContaining([{ name: 'beta-testers', kind: 'header' }, { name: 'shadow', kind: 'mirror' }]));
    expect(checksRequests).toContainEqual(`/ok?canary=${status.stableRS}&stable=${run?.fromHash}&team=payments`);
    expect(checksRequests).toContainEqual('/ok?service=checkout');
    // The canary Mapping goes after the propagation delay (a requeue), possibly just after Healthy.
    const left = async () => (await view.mappings()).map((m) => String(m.metadata.name)).filter((name) => name.startsWith('checkout-'));
    await waitFor(async () => ((await left()).length === 0 ? true : undefined), { timeoutMs: 60_000, description: 'no checkout-* Mapping left' });
    expect(await left()).toEqual([]);
    const pods = await view.pods(String(status.stableRS));
    expect(pods.map((p) => p.metadata?.labels?.role)).toEqual(pods.map(() => 'stable'));
  });

  test('checkout: the step analysis passed with the Rollout\'s dryRun and measurementRetention, its dry-run metric failing', async () => {
    const runs = (await kubectl(['get', 'analysisruns.kanary.dev', '-n', ns.name, '-o', 'json'])).stdout;
    const step = (JSON.parse(runs) as { items: Obj[] }).items.find((r) => r.spec.dryRun?.some((d: Obj) => d.metricName === 'p99-experimental'));
    expect(step?.status?.phase).toBe('Successful');
    expect(step?.spec.measurementRetention).toContainEqual({ metricName: 'canary-healthy', limit: 2 });
    const result = (name: string) => (step?.status?.metricResults as Obj[] | undefined)?.find((r) => r.name === name);
    expect(result('canary-healthy')?.measurements).toHaveLength(2);
    expect(result('p99-experimental')).toMatchObject({ dryRun: true, phase: 'Failed' });
  });

  test('catalog: the Deployment it follows is scaled down to 0 (scaleDown: progressively)', async () => {
    const deployment = JSON.parse((await kubectl(['get', 'deployment', 'catalog', '-n', ns.name, '-o', 'json'])).stdout) as Obj;
    expect(deployment.spec.replicas).toBe(0);
  });
});

test('the controller stayed up', () => {
  expect(controller.exited()).toBe(false);
});
