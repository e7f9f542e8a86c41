/**
 * No request to a deprecated API (issue 13). The controller and the CLI run with a ServiceAccount's
 * bound token, and the local API server audits every ServiceAccount request at Metadata level: an
 * audit event of a deprecated API carries the annotation `k8s.io/deprecated: "true"`. After a full
 * release (a canary with analysis, promote, abort, retry, promote --full and `get rollout`), no
 * audited request of that identity is to a deprecated API. (The `apiserver_requested_deprecated_apis`
 * gauge cannot tell who asked: kube-controller-manager's garbage collector watches core v1
 * Endpoints on its own.) The last test shows the check can fail.
 */
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubectl, useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { startPrometheus, waitForQuery, type PrometheusHandle } from '../harness/prometheus.js';
import { startMetricsTarget, type MetricsTarget } from '../analysis/fixtures/http-server.js';
import { readServiceAccountToken, writeTokenKubeconfig } from '../ship/service-account.js';
import { analysisStep, analysisTemplate, exampleDocs, gaugeMetric, rolloutOnly, waitForStatus } from '../analysis-e2e/analysis-e2e-fixtures.js';
import { applyDocs, ClusterView } from './rollout-fixtures.js';

jest.setTimeout(240_000);

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ns = useTestNamespace('deprecated-apis');
const SA = 'kanary-audited';
let tmp = '';
let kubeconfig = '';
let target: MetricsTarget | undefined;
let prometheus: PrometheusHandle | undefined;
let controller: ControllerProcess | undefined;
let view: ClusterView;

function auditLogPath(): string {
  const dir = process.env.KANARY_TEST_CLUSTER_DIR;
  if (!dir) throw new Error('KANARY_TEST_CLUSTER_DIR is not set: this test reads the local cluster\'s audit log (run it through the cluster project)');
  return join(dir, 'logs', 'audit.log');
}

interface AuditEvent {
  user?: { username?: string };
  verb?: string;
  requestURI?: string;
  annotations?: Record<string, string>;
}

/** Audit events of the test's ServiceAccount. */
function auditedRequests(): AuditEvent[] {
  const file = auditLogPath();
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEvent)
    .filter((event) => event.user?.username === `system:serviceaccount:${ns.name}:${SA}`);
}

const deprecated = (events: AuditEvent[]) => events.filter((e) => e.annotations?.['k8s.io/deprecated'] === 'true').map((e) => `${e.verb} ${e.requestURI}`);

function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin', 'kanary.js'), ...args, '-n', ns.name, '--kubeconfig', kubeconfig], { timeout: 60_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr });
    });
  });
}

async function expectCli(args: string[]): Promise<void> {
  expect({ args, ...(await cli(args)) }).toEqual({ args, code: 0, stderr: '' });
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'kanary-audited-'));
  await kubectl(['create', 'serviceaccount', SA, '-n', ns.name]);
  await kubectl(['create', 'clusterrolebinding', `${ns.name}-audited`, '--clusterrole=cluster-admin', `--serviceaccount=${ns.name}:${SA}`]);
  const token = await readServiceAccountToken(ns.kc, ns.name, SA);
  kubeconfig = join(tmp, 'kubeconfig');
  await writeTokenKubeconfig(ns.kc, token, kubeconfig);
  view = new ClusterView(ns.kc, ns.name);
  target = await startMetricsTarget();
  target.set('ok', 0.01);
  prometheus = await startPrometheus({ targets: [target.hostPort] });
  await waitForQuery(prometheus.address, 'kanary_test_value', (r) => Array.isArray(r) && r.length === 1);
  controller = startController({ namespace: ns.name, kubeconfig, flags: ['--mapping-propagation-delay', '1s', '--prometheus-address', prometheus.address] });
  await controller.metricsUrl();
}, 120_000);

afterAll(async () => {
  await controller?.stop();
  await prometheus?.stop();
  await target?.close();
  await kubectl(['delete', 'clusterrolebinding', `${ns.name}-audited`, '--ignore-not-found']);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('a full release with the controller and the CLI requests no deprecated API', async () => {
  const template = analysisTemplate('healthy', [gaugeMetric({ count: 2, successCondition: 'result[0] < 0.05' })]);
  await applyDocs(ns.name, [template, ...exampleDocs({ image: 'kanary/demo-app:v1', steps: [] })]);
  const first = await waitForStatus(view, (s) => s.phase === 'Healthy' && s.availableReplicas === 2, 'v1 Healthy');
  const stable = first.stableRS as string;
  const steps = [{ setWeight: 30 }, { pause: {} }, analysisStep(['healthy'], 'ok'), { setWeight: 60 }, { pause: {} }];
  await applyDocs(ns.name, rolloutOnly({ image: 'kanary/demo-app:v2', steps }));
  await waitForStatus(view, (s) => s.currentStepIndex === 1 && s.phase === 'Paused', 'paused at 30%');
  await expectCli(['get', 'rollout', 'demo']);
  await expectCli(['promote', 'demo']);
  await waitForStatus(view, (s) => s.currentStepIndex === 4 && s.phase === 'Paused', 'analysis passed, paused at 60%', 90_000);
  await expectCli(['abort', 'demo']);
  await waitForStatus(view, (s) => s.phase === 'Degraded' && s.stableRS === stable, 'aborted');
  await expectCli(['retry', 'demo']);
  await waitForStatus(view, (s) => s.phase === 'Paused' && s.currentStepIndex === 1, 'retried, paused at 30%', 90_000);
  await expectCli(['promote', 'demo', '--full']);
  await waitForStatus(view, (s) => s.phase === 'Healthy' && s.stableRS !== stable, 'promoted in full', 90_000);
  await waitFor(async () => ((await view.canaryWeight()) === 0 ? true : undefined), { timeoutMs: 30_000, description: 'canary weight back to 0' });
  const events = auditedRequests();
  // The identity really made the release's requests: lists and watches, Mapping and status writes.
  expect(events.length).toBeGreaterThan(50);
  expect(events.some((e) => e.verb === 'patch' && (e.requestURI ?? '').includes('/rollouts/demo/status'))).toBe(true);
  expect(deprecated(events)).toEqual([]);
});

test('the check can fail: a list of core v1 Endpoints by the same identity is flagged', async () => {
  const listed = await new Promise<number>((resolve) => {
    execFile('kubectl', ['--kubeconfig', kubeconfig, 'get', 'endpoints', '-n', ns.name], { timeout: 30_000 }, (error) => resolve(error ? 1 : 0));
  });
  expect(listed).toBe(0);
  const flagged = await waitFor(async () => {
    const found = deprecated(auditedRequests());
    return found.length > 0 ? found : undefined;
  }, { timeoutMs: 10_000, description: 'the endpoints list flagged deprecated in the audit log' });
  expect(flagged.join('\n')).toContain(`/api/v1/namespaces/${ns.name}/endpoints`);
});
