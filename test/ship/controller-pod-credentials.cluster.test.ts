/**
 * Issue 14, item 5 and the expiring token: the chart installed with real Helm runs the controller as
 * a pod of the simulated kubelet, whose projected ServiceAccount token is its only credential.
 * kube-apiserver's audit log (ServiceAccounts' requests, with each bound token's credential id) shows
 * which token every request carried:
 * - the kubelet refreshes the token while a Rollout progresses (sooner than a real kubelet, asked by
 *   the pod annotation sim.kanary.dev/token-refresh-seconds), the controller's later requests carry
 *   the new one, and not one request is refused;
 * - with `update` on Mappings taken out of the chart's Role, the controller says which request was
 *   refused (verb, resource, namespace and name) in its log, the Rollout's Progressing condition and
 *   a Warning Event; with the rule restored, the Rollout goes on.
 */
import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { join } from 'node:path';
import { clusterPaths } from '../../src/sandbox/cluster/cluster-paths.js';
import { tokenRefreshAnnotation } from '../../src/sandbox/kubelet/service-account-token.js';
import { kubectl, testKubeconfigPath, waitFor } from '../harness/cluster.js';
import { applyDocs, ClusterView, kanary, loadExample, setImage, tweakExample, type Obj } from '../controller/rollout-fixtures.js';
import { auditCredentialId, controllerPid, credentialIdOf, readAuditEvents, readPodToken, runInPod, testClusterDir, useChartRelease, type AuditEvent } from './controller-pod-fixture.js';

jest.setTimeout(240_000);

const chart = useChartRelease('pod-credentials');
const { system, apps } = chart;
const release = (): string => chart.name();
const username = (): string => `system:serviceaccount:${system.name}:${release()}`;
let view: ClusterView;
let pod: { name: string; pid: number };

const status = async (): Promise<Obj> => ((await view.rollout()).status ?? {}) as Obj;

async function pausedAt(step: number, description: string): Promise<Obj> {
  return waitFor(async () => {
    const s = await status();
    return s.phase === 'Paused' && s.currentStepIndex === step ? s : undefined;
  }, { timeoutMs: 90_000, description });
}

async function healthyOn(image: string): Promise<Obj> {
  return waitFor(async () => {
    const ro = await view.rollout();
    const s = (ro.status ?? {}) as Obj;
    const current = ro.spec.template.spec.containers[0].image === image;
    return current && s.phase === 'Healthy' && s.stableRS === s.currentPodHash && s.availableReplicas === 2 ? s : undefined;
  }, { timeoutMs: 90_000, description: `Healthy on ${image}` });
}

async function promote(): Promise<void> {
  const result = await kanary(['promote', 'demo', '-n', apps.name]);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
}

async function controllerLog(): Promise<Array<Record<string, unknown>>> {
  const logs = await kubectl(['-n', system.name, 'logs', `deploy/${release()}`]);
  return logs.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

const isRefused = (event: AuditEvent): boolean => event.responseStatus?.code === 401 || event.responseStatus?.code === 403;

beforeAll(async () => {
  await kubectl(['label', 'namespace', system.name, 'pod-security.kubernetes.io/enforce=restricted']);
  await chart.apply('install', { podAnnotations: { [tokenRefreshAnnotation]: '20' } });
  const pods = await system.kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: system.name, labelSelector: `app.kubernetes.io/instance=${release()}` });
  const name = pods.items[0]?.metadata?.name ?? '';
  pod = { name, pid: await waitFor(async () => controllerPid(name), { timeoutMs: 30_000, description: 'the controller process' }) };
  view = new ClusterView(apps.kc, apps.name);
  const steps = [{ setWeight: 30 }, { pause: {} }, { setWeight: 60 }, { pause: {} }];
  await applyDocs(apps.name, tweakExample(loadExample('canary-ambassador'), { replicas: 2, steps }));
  await healthyOn('kanary/demo-app:v1');
});

test('neither the admin kubeconfig nor the cluster\'s keys are within the pod\'s reach', async () => {
  for (const file of [testKubeconfigPath(), join(clusterPaths(testClusterDir()).pki, 'admin.key'), join(clusterPaths(testClusterDir()).pki, 'ca.key')]) {
    const read = await runInPod(pod.pid, `cat '${file}'`);
    expect({ file, code: read.code === 0 ? 0 : 'refused' }).toEqual({ file, code: 'refused' });
  }
});

test('the kubelet refreshes the token while a Rollout progresses; the controller\'s later requests carry the new one and none is refused', async () => {
  const first = credentialIdOf(readPodToken(pod.pid).claims);
  // Every token the kubelet writes for the pod from now on (it refreshes every 20 s here).
  const written = new Set([first]);
  const watchToken = setInterval(() => {
    try {
      written.add(credentialIdOf(readPodToken(pod.pid).claims));
    } catch {
      // caught between two writes of the file's directory entry: the next tick reads it
    }
  }, 250);
  try {
    await setImage(apps.name, 'kanary/demo-app:v2');
    await pausedAt(1, 'v2 paused at 30%');
    await waitFor(() => (written.size > 1 ? true : undefined), { timeoutMs: 40_000, description: 'the kubelet wrote a new token' });
    // client-node reads its token file again about every 60 s (FileAuth).
    const carried = await waitFor(() => readAuditEvents(username()).find((e) => {
      const id = auditCredentialId(e);
      return id !== undefined && id !== first && written.has(id);
    }), { timeoutMs: 100_000, intervalMs: 1_000, description: 'a request with a refreshed token' });
    expect(auditCredentialId(carried)).not.toBe(first);

    // A write made after the switch (the canary Mapping's new weight) carries a refreshed token too.
    await promote();
    await pausedAt(3, 'v2 paused at 60%');
    expect(await view.canaryWeight()).toBe(60);
    // The last update that took effect (an optimistic-concurrency 409 of a write from a stale cache may follow it).
    const update = readAuditEvents(username()).filter((e) => e.verb === 'update' && e.objectRef?.resource === 'mappings' && e.objectRef.name === 'demo-canary' && e.responseStatus?.code === 200).at(-1);
    expect(update?.responseStatus?.code).toBe(200);
    expect(written.has(auditCredentialId(update as AuditEvent) ?? '')).toBe(true);
    expect(auditCredentialId(update as AuditEvent)).not.toBe(first);
    await promote();
    await healthyOn('kanary/demo-app:v2');
  } finally {
    clearInterval(watchToken);
  }

  const events = readAuditEvents(username());
  // Every request of the controller's ServiceAccount came with a token bound to its pod.
  expect([...new Set(events.map((e) => e.user.extra?.['authentication.kubernetes.io/pod-name']?.[0]))]).toEqual([pod.name]);
  expect(new Set(events.map(auditCredentialId)).size).toBeGreaterThanOrEqual(2);
  expect(events.filter(isRefused).map((e) => `${e.responseStatus?.code} ${e.verb} ${e.requestURI}`)).toEqual([]);
  expect((await controllerLog()).filter((line) => /forbidden|unauthorized/i.test(JSON.stringify(line)))).toEqual([]);
});

test('without `update` on Mappings in the chart\'s Role the controller names the refused request; with it restored the Rollout goes on', async () => {
  const rbac = system.kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  const role = await rbac.readNamespacedRole({ namespace: apps.name, name: release() });
  const original = role.rules ?? [];
  const narrowed = original.map((rule) => (rule.resources?.includes('mappings') ? { ...rule, verbs: rule.verbs.filter((verb) => verb !== 'update') } : rule));
  expect(narrowed).not.toEqual(original);
  await rbac.replaceNamespacedRole({ namespace: apps.name, name: release(), body: { ...role, rules: narrowed } });
  const refusal = `cannot update resource "mappings" in API group "getambassador.io" in the namespace "${apps.name}"`;
  const request = `update mappings ${apps.name}/demo-canary`;
  try {
    await setImage(apps.name, 'kanary/demo-app:v3');
    // At 30% the canary Mapping is created (still allowed); at 60% it would be updated.
    await pausedAt(1, 'v3 paused at 30%');
    expect(await view.canaryWeight()).toBe(30);
    await promote();

    const condition = await waitFor(async () => ((await status()).conditions as Obj[] | undefined)?.find((c) => c.type === 'Progressing' && c.reason === 'TrafficRoutingFailed'), { timeoutMs: 60_000, description: 'the Progressing condition names the failure' });
    expect(condition.status).toBe('Unknown');
    expect(condition.message).toContain(request);
    expect(condition.message).toContain(refusal);

    const events = JSON.parse((await kubectl(['get', 'events', '-n', apps.name, '-o', 'json'])).stdout) as { items: Obj[] };
    const warning = events.items.find((e) => e.reason === 'TrafficRoutingFailed' && e.involvedObject?.name === 'demo');
    expect(warning?.type).toBe('Warning');
    expect(warning?.message).toBe(condition.message);

    const logged = (await controllerLog()).find((line) => line.msg === 'traffic routing failed');
    expect(logged?.error).toBe(condition.message);

    // The refused request is the pod's own: its ServiceAccount, with a token bound to the pod.
    const refused = readAuditEvents(username()).filter(isRefused);
    expect(refused.length).toBeGreaterThan(0);
    for (const event of refused) {
      expect({ code: event.responseStatus?.code, verb: event.verb, ...event.objectRef }).toMatchObject({ code: 403, verb: 'update', resource: 'mappings', namespace: apps.name, name: 'demo-canary' });
      expect(event.user.extra?.['authentication.kubernetes.io/pod-name']).toEqual([pod.name]);
    }
    expect(await view.canaryWeight()).toBe(30);
  } finally {
    const live = await rbac.readNamespacedRole({ namespace: apps.name, name: release() });
    await rbac.replaceNamespacedRole({ namespace: apps.name, name: release(), body: { ...live, rules: original } });
  }

  const resumed = await pausedAt(3, 'v3 paused at 60% once the rule is back');
  expect(await view.canaryWeight()).toBe(60);
  expect((resumed.conditions as Obj[]).find((c) => c.type === 'Progressing')?.reason).not.toBe('TrafficRoutingFailed');
  await promote();
  await healthyOn('kanary/demo-app:v3');
});
