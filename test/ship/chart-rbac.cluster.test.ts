/**
 * The chart's RBAC on the real API server: the rendered ServiceAccount, ClusterRole and bindings
 * are applied, the real controller runs with the ServiceAccount's token and the chart's own flags,
 * and a canary of the Ambassador example with a step analysis (whose args read a Secret) goes to
 * Healthy. What the controller must not do stays forbidden, and no request of the run was refused.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import * as yaml from 'js-yaml';
import { renderChart, toYamlStream, type RenderedManifest } from './helm.js';
import { kubectl, testKubeconfigPath, useTestNamespace, waitFor } from '../harness/cluster.js';
import { chartDir, objectsOf, repoRoot, type Obj } from './chart-fixture.js';
import { runHealthCheck } from './lua-health.js';
import { canI, kubectlAs, readServiceAccountToken, spawnController, writeTokenKubeconfig, type Access, type RunningController } from './service-account.js';

jest.setTimeout(240_000);

const ns = useTestNamespace('ship-rbac');
const SECRET_TOKEN = 'analysis-bearer-7f3a';
let tmp = '';
let saKubeconfig = '';
let saKc: k8s.KubeConfig;
let controller: RunningController | undefined;
let checks: Server | undefined;
const checkHits: string[] = [];
let clusterScoped: Obj[] = [];

/** Everything but the Deployment (no container runtime here: the controller runs as a process). */
function rbacObjects(manifests: readonly RenderedManifest[]): RenderedManifest[] {
  return manifests.filter((m) => m.object.kind !== 'Deployment');
}

async function startCheckServer(): Promise<string> {
  checks = createServer((req, res) => {
    checkHits.push(req.headers.authorization ?? '');
    const ok = req.headers.authorization === `Bearer ${SECRET_TOKEN}`;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
  });
  await new Promise<void>((resolve) => checks?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(checks.address() as AddressInfo).port}`;
}

async function loadExampleDocs(checkUrl: string): Promise<Obj[]> {
  const docs: Obj[] = [];
  for (const file of ['services.yaml', 'mapping.yaml', 'rollout.yaml']) {
    const text = await readFile(join(repoRoot, 'examples', 'canary-ambassador', file), 'utf8');
    docs.push(...(yaml.loadAll(text) as Obj[]).filter(Boolean));
  }
  const rollout = docs.find((d) => d.kind === 'Rollout') as Obj;
  rollout.spec.replicas = 4;
  Object.assign(rollout.spec.strategy.canary, {
    scaleDownDelaySeconds: 2,
    steps: [
      { setWeight: 30 },
      { pause: {} },
      { analysis: { templates: [{ templateName: 'web-check' }] } },
      { setWeight: 60 },
      { pause: { duration: '2s' } },
    ],
  });
  const template = {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'web-check' },
    spec: {
      args: [{ name: 'token', valueFrom: { secretKeyRef: { name: 'analysis-token', key: 'token' } } }],
      metrics: [{
        name: 'ready',
        interval: '1s',
        count: 2,
        successCondition: 'result == true',
        provider: { web: { url: `${checkUrl}/check`, headers: [{ key: 'Authorization', value: 'Bearer {{args.token}}' }], jsonPath: '{$.ok}' } },
      }],
    },
  };
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'analysis-token' }, stringData: { token: SECRET_TOKEN } };
  return [secret, template, ...docs];
}

async function applyAsAdmin(namespace: string, docs: readonly Obj[]): Promise<void> {
  await kubectl(['apply', '-n', namespace, '-f', '-'], { input: docs.map((d) => yaml.dump(d)).join('---\n') });
}

async function rollout(): Promise<Obj> {
  const custom = ns.kc.makeApiClient(k8s.CustomObjectsApi);
  return (await custom.getNamespacedCustomObject({ group: 'kanary.dev', version: 'v1alpha1', plural: 'rollouts', namespace: ns.name, name: 'demo' })) as Obj;
}

async function waitPhase(phase: string, extra: (status: Obj) => boolean, description: string): Promise<Obj> {
  return waitFor(async () => {
    const ro = await rollout();
    return ro.status?.phase === phase && extra(ro.status) ? ro : undefined;
  }, { timeoutMs: 90_000, description });
}

function setImage(image: string): Promise<unknown> {
  const patch = JSON.stringify([{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: image }]);
  return kubectl(['patch', 'rollouts.kanary.dev', 'demo', '-n', ns.name, '--type', 'json', '-p', patch]);
}

/** The Deployment's flags from the chart, with loopback metrics and probe ports and this test's namespace. */
function controllerArgs(manifests: readonly RenderedManifest[]): string[] {
  const deployment = objectsOf(manifests, 'Deployment')[0] as Obj;
  const args = (deployment.spec.template.spec.containers[0].args as string[])
    .filter((a) => !a.startsWith('--metrics-addr=') && !a.startsWith('--health-probe-addr='));
  // The default chart watches every namespace; the scope flag keeps this run off other test files' Rollouts.
  // The analysis web check's server is on loopback, which the egress policy refuses unless allowed.
  return [...args, '--metrics-addr=127.0.0.1:0', '--health-probe-addr=127.0.0.1:0', `--namespace=${ns.name}`, '--identity=chart-rbac-test', '--mapping-propagation-delay=1s', '--analysis-egress-allow=127.0.0.0/8'];
}

function forbiddenLogLines(logs: readonly string[]): string[] {
  return logs.filter((line) => /forbidden|\b403\b/i.test(line));
}

let manifests: RenderedManifest[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'kanary-ship-rbac-'));
  // Default values but for the one Secret the analysis reads (the chart grants no Secret access by
  // default), released as `<namespace>` into the test namespace (unique cluster-scoped names).
  const values = { rbac: { analysisSecrets: { enabled: true, resourceNames: ['analysis-token'] } } };
  manifests = await renderChart({ chartDir, values, release: ns.name, namespace: ns.name });
  clusterScoped = manifests.map((m) => m.object as Obj).filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding');
  await kubectl(['apply', '-f', '-'], { input: toYamlStream(rbacObjects(manifests)) });
  const saName = (objectsOf(manifests, 'ServiceAccount')[0] as Obj).metadata.name as string;
  const token = await readServiceAccountToken(ns.kc, ns.name, saName);
  saKubeconfig = join(tmp, 'kanary-sa.kubeconfig');
  saKc = await writeTokenKubeconfig(ns.kc, token, saKubeconfig);
});

/** `kanary promote` with the real CLI, as the cluster admin (a user, not the controller). */
function promote(): Promise<number> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(repoRoot, 'bin', 'kanary.js'), 'promote', 'demo', '-n', ns.name, '--kubeconfig', testKubeconfigPath()], (error) => {
      resolve(error ? 1 : 0);
    });
  });
}

afterAll(async () => {
  await controller?.stop();
  await new Promise<void>((resolve) => (checks ? checks.close(() => resolve()) : resolve()));
  for (const obj of clusterScoped) {
    await kubectl(['delete', obj.kind.toLowerCase(), obj.metadata.name, '--ignore-not-found'], { allowFailure: true });
  }
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('the rendered RBAC applies and binds the chart ServiceAccount', () => {
  expect(objectsOf(manifests, 'ClusterRole').map((o) => o.metadata.name)).toEqual([`${ns.name}-kanary`]);
  expect(objectsOf(manifests, 'ServiceAccount')[0]?.metadata.namespace).toBe(ns.name);
});

describe('what the ServiceAccount may do', () => {
  const allowed = (): Access[] => [
    { verb: 'list', group: 'kanary.dev', resource: 'rollouts' },
    { verb: 'watch', group: 'kanary.dev', resource: 'rollouts', namespace: ns.name },
    { verb: 'patch', group: 'kanary.dev', resource: 'rollouts', subresource: 'status', namespace: ns.name, name: 'demo' },
    { verb: 'create', group: 'kanary.dev', resource: 'analysisruns', namespace: ns.name },
    { verb: 'delete', group: 'kanary.dev', resource: 'analysisruns', namespace: ns.name, name: 'old-run' },
    { verb: 'create', group: 'apps', resource: 'replicasets', namespace: ns.name },
    { verb: 'patch', group: 'apps', resource: 'deployments', namespace: ns.name, name: 'web' },
    { verb: 'patch', resource: 'services', namespace: ns.name, name: 'demo-stable' },
    { verb: 'watch', group: 'discovery.k8s.io', resource: 'endpointslices', namespace: ns.name },
    { verb: 'watch', resource: 'pods', namespace: ns.name },
    { verb: 'create', resource: 'pods', subresource: 'eviction', namespace: ns.name, name: 'demo-pod' },
    { verb: 'update', group: 'kanary.dev', resource: 'rollouts', subresource: 'finalizers', namespace: ns.name, name: 'demo' },
    { verb: 'update', group: 'getambassador.io', resource: 'mappings', namespace: ns.name, name: 'demo-canary' },
    { verb: 'get', resource: 'secrets', namespace: ns.name, name: 'analysis-token' },
    { verb: 'create', group: 'coordination.k8s.io', resource: 'leases', namespace: ns.name },
    { verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: ns.name, name: 'kanary-controller' },
  ];
  const denied = (): Access[] => [
    { verb: 'delete', resource: 'services', namespace: ns.name, name: 'demo-stable' },
    { verb: 'create', resource: 'services', namespace: ns.name },
    { verb: 'update', resource: 'services', namespace: ns.name, name: 'demo-stable' },
    { verb: 'update', resource: 'endpoints', namespace: ns.name, name: 'demo-canary' },
    { verb: 'list', resource: 'endpoints', namespace: ns.name },
    { verb: 'update', group: 'discovery.k8s.io', resource: 'endpointslices', namespace: ns.name, name: 'demo-canary-x' },
    { verb: 'list', resource: 'secrets' },
    { verb: 'get', resource: 'secrets', namespace: ns.name, name: 'some-other-secret' },
    { verb: 'list', resource: 'secrets', namespace: ns.name },
    { verb: 'watch', resource: 'secrets', namespace: ns.name },
    { verb: 'update', resource: 'secrets', namespace: ns.name, name: 'analysis-token' },
    { verb: 'update', group: 'kanary.dev', resource: 'rollouts', namespace: ns.name, name: 'demo' },
    { verb: 'patch', group: 'kanary.dev', resource: 'rollouts', namespace: ns.name, name: 'demo' },
    { verb: 'delete', group: 'kanary.dev', resource: 'rollouts', namespace: ns.name, name: 'demo' },
    { verb: 'create', group: 'kanary.dev', resource: 'analysistemplates', namespace: ns.name },
    { verb: 'delete', resource: 'pods', namespace: ns.name, name: 'demo-pod' },
    { verb: 'create', group: 'apps', resource: 'deployments', namespace: ns.name },
    { verb: 'get', resource: 'configmaps', namespace: ns.name, name: 'any' },
    { verb: 'delete', resource: 'events', namespace: ns.name, name: 'any' },
    { verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: ns.name, name: 'someone-elses-lease' },
    { verb: 'create', group: 'coordination.k8s.io', resource: 'leases', namespace: 'default' },
    { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' },
    { verb: 'impersonate', resource: 'users', name: 'admin' },
    { verb: 'delete', resource: 'namespaces', name: 'default' },
  ];

  test('SelfSubjectAccessReview: every verb the controller uses is allowed', async () => {
    for (const access of allowed()) expect({ access, allowed: await canI(saKc, access) }).toEqual({ access, allowed: true });
  });

  test('SelfSubjectAccessReview: what it must not do stays forbidden', async () => {
    for (const access of denied()) expect({ access, allowed: await canI(saKc, access) }).toEqual({ access, allowed: false });
  });

  test('real requests with the token: deleting a Service and listing Secrets are refused', async () => {
    await kubectl(['create', 'service', 'clusterip', 'keep-me', '--tcp=80:8080', '-n', ns.name]);
    const del = await kubectlAs(saKubeconfig, ['delete', 'service', 'keep-me', '-n', ns.name]);
    expect(del.code).not.toBe(0);
    expect(del.stderr).toMatch(/forbidden/i);
    const secrets = await kubectlAs(saKubeconfig, ['get', 'secrets', '--all-namespaces']);
    expect(secrets.code).not.toBe(0);
    expect(secrets.stderr).toMatch(/forbidden/i);
    await kubectl(['get', 'service', 'keep-me', '-n', ns.name]);
  });
});

describe('the controller as the chart ServiceAccount', () => {
  test('runs a canary with a Secret-backed analysis step to Healthy without one refused request', async () => {
    const checkUrl = await startCheckServer();
    await applyAsAdmin(ns.name, await loadExampleDocs(checkUrl));
    controller = spawnController(saKubeconfig, controllerArgs(manifests));
    await controller.telemetryUrl();

    const v1 = await waitPhase('Healthy', (s) => s.availableReplicas === 4, 'v1 Healthy with 4 available');
    await expect(runHealthCheck(v1)).resolves.toMatchObject({ status: 'Healthy' });
    const v1Hash = v1.status.stableRS as string;

    await setImage('kanary/demo-app:v2');
    const paused = await waitPhase('Paused', (s) => s.currentStepIndex === 1, 'paused at the manual pause');
    await expect(runHealthCheck(paused)).resolves.toMatchObject({ status: 'Suspended' });
    const custom = ns.kc.makeApiClient(k8s.CustomObjectsApi);
    const canary = (await custom.getNamespacedCustomObject({ group: 'getambassador.io', version: 'v2', plural: 'mappings', namespace: ns.name, name: 'demo-canary' })) as Obj;
    expect(canary.spec.weight).toBe(30);

    expect(await promote()).toBe(0);

    const done = await waitPhase('Healthy', (s) => s.stableRS !== v1Hash && s.stableRS === s.currentPodHash && s.availableReplicas === 4, 'v2 promoted and Healthy');
    await expect(runHealthCheck(done)).resolves.toMatchObject({ status: 'Healthy' });
    expect(checkHits.length).toBeGreaterThanOrEqual(2);
    expect(checkHits.every((h) => h === `Bearer ${SECRET_TOKEN}`)).toBe(true);
    const runs = (await custom.listNamespacedCustomObject({ group: 'kanary.dev', version: 'v1alpha1', plural: 'analysisruns', namespace: ns.name })) as { items: Obj[] };
    expect(runs.items.map((r) => r.status?.phase)).toContain('Successful');
    await waitFor(async () => {
      const list = (await custom.listNamespacedCustomObject({ group: 'getambassador.io', version: 'v2', plural: 'mappings', namespace: ns.name })) as { items: Obj[] };
      return list.items.every((m) => m.metadata.name !== 'demo-canary');
    }, { timeoutMs: 30_000, description: 'canary Mapping removed' });

    const events = await kubectl(['get', 'events', '-n', ns.name, '-o', 'json']);
    const reasons = (JSON.parse(events.stdout) as { items: Obj[] }).items.filter((e) => e.source?.component === 'kanary-controller').map((e) => e.reason);
    expect(reasons.length).toBeGreaterThan(0);
    expect(forbiddenLogLines(controller.logs)).toEqual([]);
  });

  test('holds the Lease in the release namespace and releases it on SIGTERM (exit 0)', async () => {
    const coordination = ns.kc.makeApiClient(k8s.CoordinationV1Api);
    const lease = await coordination.readNamespacedLease({ namespace: ns.name, name: 'kanary-controller' });
    expect(lease.spec?.holderIdentity).toBe('chart-rbac-test');
    const code = await controller?.stop();
    expect(code).toBe(0);
    const released = await coordination.readNamespacedLease({ namespace: ns.name, name: 'kanary-controller' });
    expect(released.spec?.holderIdentity ?? '').toBe('');
    expect(forbiddenLogLines(controller?.logs ?? [])).toEqual([]);
  });
});

describe('namespaced values', () => {
  test('Roles reach only the watched namespace; ClusterAnalysisTemplates stay readable', async () => {
    const release = `${ns.name}-scoped`;
    const scoped = await renderChart({ chartDir, values: { watchNamespaces: [ns.name], leaderElection: { leaseName: 'scoped' } }, release, namespace: ns.name });
    clusterScoped.push(...scoped.map((m) => m.object as Obj).filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding'));
    await kubectl(['apply', '-f', '-'], { input: toYamlStream(rbacObjects(scoped)) });
    const token = await readServiceAccountToken(ns.kc, ns.name, `${release}-kanary`);
    const kc = await writeTokenKubeconfig(ns.kc, token, join(tmp, 'scoped.kubeconfig'));
    const cases: Array<[Access, boolean]> = [
      [{ verb: 'list', group: 'kanary.dev', resource: 'rollouts', namespace: ns.name }, true],
      [{ verb: 'patch', resource: 'services', namespace: ns.name }, true],
      [{ verb: 'list', group: 'kanary.dev', resource: 'clusteranalysistemplates' }, true],
      [{ verb: 'list', group: 'kanary.dev', resource: 'rollouts' }, false],
      [{ verb: 'list', group: 'kanary.dev', resource: 'rollouts', namespace: 'default' }, false],
      [{ verb: 'patch', resource: 'services', namespace: 'default' }, false],
      [{ verb: 'get', resource: 'secrets', namespace: 'kube-system', name: 'any' }, false],
      // Default values grant no Secret access, not even in the watched namespace.
      [{ verb: 'get', resource: 'secrets', namespace: ns.name, name: 'analysis-token' }, false],
    ];
    for (const [access, expected] of cases) expect({ access, allowed: await canI(kc, access) }).toEqual({ access, allowed: expected });
  });
});
