/**
 * The chart as users install it (issue 14, real Helm): `helm lint`, then `helm install`, `helm
 * upgrade` and `helm uninstall` of charts/kanary against the local cluster, into a namespace that
 * enforces Pod Security `restricted` (the controller's pods are admitted there), with Helm's own
 * schema check refusing a wrong value before anything is applied.
 */
import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { kubectl, testKubeconfigPath, useTestNamespace, waitFor } from '../harness/cluster.js';
import { chartDir } from './chart-fixture.js';
import { helm } from './helm.js';

jest.setTimeout(180_000);

const ns = useTestNamespace('chart-install');
const release = () => ns.name;
// The local stack installed Kanary's CRDs already (shared by every test file): the release skips them.
const kube = () => ['--kubeconfig', testKubeconfigPath(), '--namespace', ns.name];
const install = () => [...kube(), '--skip-crds'];
/** Namespaced values keep the release's RBAC to this test's namespace; cluster-scoped names carry the release. */
const values = () => ['--set', `watchNamespaces={${ns.name}}`];

beforeAll(async () => {
  await kubectl(['label', 'namespace', ns.name, 'pod-security.kubernetes.io/enforce=restricted']);
});

afterAll(async () => {
  await helm(['uninstall', release(), ...kube()]);
});

function apps(): k8s.AppsV1Api {
  return ns.kc.makeApiClient(k8s.AppsV1Api);
}

test('helm lint passes', async () => {
  const result = await helm(['lint', chartDir, '--strict']);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  expect(result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
});

test('a wrong value type is refused by Helm\'s schema check and nothing is applied', async () => {
  const result = await helm(['install', release(), chartDir, ...install(), ...values(), '--set-string', 'replicas=two']);
  expect(result.code).not.toBe(0);
  expect(result.stderr).toContain('replicas');
  const deployments = await apps().listNamespacedDeployment({ namespace: ns.name });
  expect(deployments.items).toEqual([]);
});

test('helm install brings up the Deployment; its pods pass Pod Security restricted', async () => {
  const result = await helm(['install', release(), chartDir, ...install(), ...values()]);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  const deployment = await apps().readNamespacedDeployment({ namespace: ns.name, name: `${release()}-kanary` });
  expect(deployment.spec?.template.spec?.containers[0]?.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  // The ReplicaSet controller created the pod: admission (PodSecurity restricted) let it in.
  const pods = await waitFor(async () => {
    const list = await ns.kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: ns.name, labelSelector: 'app.kubernetes.io/name=kanary' });
    return list.items.length > 0 ? list.items : undefined;
  }, { timeoutMs: 60_000, description: 'a controller pod created under restricted' });
  expect(pods[0]?.spec?.securityContext?.runAsNonRoot).toBe(true);
});

test('helm upgrade with a changed value rolls the Deployment', async () => {
  const before = await apps().readNamespacedDeployment({ namespace: ns.name, name: `${release()}-kanary` });
  const result = await helm(['upgrade', release(), chartDir, ...install(), ...values(), '--set', 'logLevel=debug']);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  const after = await apps().readNamespacedDeployment({ namespace: ns.name, name: `${release()}-kanary` });
  expect(after.metadata?.generation).toBeGreaterThan(before.metadata?.generation ?? 0);
  expect(after.spec?.template.spec?.containers[0]?.args).toContain('--log-level=debug');
  const history = await helm(['history', release(), ...kube(), '-o', 'json']);
  expect((JSON.parse(history.stdout) as { revision: number }[]).map((h) => h.revision)).toEqual([1, 2]);
});

test('helm uninstall removes what it installed', async () => {
  const result = await helm(['uninstall', release(), ...kube(), '--wait']);
  expect(result.code).toBe(0);
  await waitFor(async () => ((await apps().listNamespacedDeployment({ namespace: ns.name })).items.length === 0 ? true : undefined), { timeoutMs: 30_000, description: 'Deployment gone' });
  const roles = await ns.kc.makeApiClient(k8s.RbacAuthorizationV1Api).listNamespacedRole({ namespace: ns.name });
  expect(roles.items.filter((r) => r.metadata?.labels?.['app.kubernetes.io/instance'] === release())).toEqual([]);
});
