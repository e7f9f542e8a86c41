/**
 * Issue 15: a Mapping API that fails after discovery (here: the controller's identity may not list
 * Mappings, the same informer failure path as a conversion webhook that is down) stops only the
 * routed Rollout, which reports it; once Mappings can be read again the Rollout continues by itself,
 * with no restart of the controller. (The Mapping CRD is shared by all test files, so access is
 * taken away instead of the CRD.)
 */
import { jest } from '@jest/globals';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { readServiceAccountToken, writeTokenKubeconfig } from '../ship/service-account.js';
import { applyDocs, ClusterView, loadExample, setImage, tweakExample, type Obj } from './rollout-fixtures.js';
import { autoMappingVersion } from './served-mapping-versions.js';

/** The Ambassador example, its base Mapping in a version this cluster serves. */
function exampleDocs(tweaks: Parameters<typeof tweakExample>[1]): Obj[] {
  return tweakExample(loadExample('canary-ambassador'), tweaks).map((doc) => (doc.kind === 'Mapping' ? { ...doc, apiVersion: autoMappingVersion() } : doc));
}

jest.setTimeout(180_000);

const ns = useTestNamespace('mapping-recovery');
let controller: ControllerProcess;
let view: ClusterView;

const EVERYTHING_BUT_MAPPINGS = ['', 'apps', 'kanary.dev', 'discovery.k8s.io', 'events.k8s.io'];

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  const rbac = ns.kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  const core = ns.kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedServiceAccount({ namespace: ns.name, body: { metadata: { name: 'kanary' } } });
  await rbac.createNamespacedRole({ namespace: ns.name, body: { metadata: { name: 'no-mappings' }, rules: [{ apiGroups: EVERYTHING_BUT_MAPPINGS, resources: ['*'], verbs: ['*'] }] } });
  await rbac.createNamespacedRoleBinding({
    namespace: ns.name,
    body: { metadata: { name: 'no-mappings' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'no-mappings' }, subjects: [{ kind: 'ServiceAccount', name: 'kanary', namespace: ns.name }] },
  });
  const token = await readServiceAccountToken(ns.kc, ns.name, 'kanary');
  const kubeconfig = join(tmpdir(), `kanary-${ns.name}.kubeconfig`);
  await writeTokenKubeconfig(ns.kc, token, kubeconfig);
  controller = startController({ namespace: ns.name, kubeconfig, flags: ['--mapping-propagation-delay', '1s'] });
  await controller.metricsUrl();
  await applyDocs(ns.name, exampleDocs({ replicas: 2, steps: [{ setWeight: 50 }, { pause: {} }] }));
});

afterAll(async () => {
  await controller?.stop();
});

const status = async (): Promise<Obj> => (await view.rollout()).status ?? {};

test('while Mappings cannot be listed the routed Rollout says so, and nothing is created for it', async () => {
  const condition = await waitFor(async () => {
    const conditions = ((await status()).conditions ?? []) as Obj[];
    return conditions.find((c) => c.type === 'InvalidSpec' && c.status === 'True');
  }, { timeoutMs: 60_000, description: 'InvalidSpec condition' });
  const version = autoMappingVersion();
  expect(condition.message).toContain(`Mapping API ${version} unavailable: listing or watching mappings.${version} in ${ns.name} fails (`);
  expect(condition.message).toMatch(/fails \(.*403.*\)/);
  expect(await view.replicaSets()).toEqual([]);
});

test('once Mappings can be listed again the Rollout continues by itself: Healthy, then a canary at 50%', async () => {
  const rbac = ns.kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  await rbac.createNamespacedRole({ namespace: ns.name, body: { metadata: { name: 'mappings' }, rules: [{ apiGroups: ['getambassador.io'], resources: ['mappings'], verbs: ['*'] }] } });
  await rbac.createNamespacedRoleBinding({
    namespace: ns.name,
    body: { metadata: { name: 'mappings' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'mappings' }, subjects: [{ kind: 'ServiceAccount', name: 'kanary', namespace: ns.name }] },
  });
  const healthy = await waitFor(async () => {
    const s = await status();
    const invalid = ((s.conditions ?? []) as Obj[]).some((c) => c.type === 'InvalidSpec' && c.status === 'True');
    return s.phase === 'Healthy' && !invalid ? s : undefined;
  }, { timeoutMs: 90_000, description: 'Healthy without InvalidSpec' });
  expect(healthy.availableReplicas).toBe(2);
  await setImage(ns.name, 'kanary/demo-app:v2');
  await waitFor(async () => {
    const s = await status();
    return s.phase === 'Paused' && s.currentStepIndex === 1;
  }, { timeoutMs: 60_000, description: 'paused at 50%' });
  const version = autoMappingVersion().split('/')[1];
  expect((await view.mapping('demo-canary', version))?.spec?.weight).toBe(50);
});
