/**
 * The local control plane itself (no kubelet needed): kubectl apply/get/watch, garbage collection,
 * Kanary's Rollout CRD and Emissary's Mapping CRD in v2 and v3alpha1.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { resolveKubernetesVersion } from '../../../src/sandbox/cluster/cluster-paths.js';
import { kubectl, testKubeconfigPath, useTestNamespace, waitFor } from '../../harness/cluster.js';

const ns = useTestNamespace('control-plane');
const T = 60_000;

function configMap(name: string, data: Record<string, string>): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
}

test('the apiserver and kubectl are the version asked for and the RBAC-enabled admin can do everything', async () => {
  const expected = resolveKubernetesVersion(undefined, process.env);
  const version = JSON.parse((await kubectl(['version', '-o', 'json'])).stdout) as { serverVersion: { gitVersion: string }; clientVersion: { gitVersion: string } };
  expect(version.serverVersion.gitVersion).toBe(expected);
  expect(version.clientVersion.gitVersion).toBe(expected);
  const canI = await kubectl(['auth', 'can-i', '*', '*', '--all-namespaces']);
  expect(canI.stdout.trim()).toBe('yes');
}, T);

function privilegedPod(name: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'app', image: 'kanary/demo-app:v1', securityContext: { privileged: true } }] },
  });
}

test('Pod Security admission enforces baseline by default: a privileged pod is refused', async () => {
  const refused = await kubectl(['apply', '-n', ns.name, '-f', '-'], { input: privilegedPod('privileged'), allowFailure: true });
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain('violates PodSecurity "baseline:latest"');
}, T);

test('a namespace labelled restricted refuses a pod that may run as root', async () => {
  const restricted = `${ns.name}-restricted`;
  await kubectl(['create', 'namespace', restricted]);
  try {
    await kubectl(['label', 'namespace', restricted, 'pod-security.kubernetes.io/enforce=restricted']);
    const pod = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'rooty' }, spec: { containers: [{ name: 'app', image: 'kanary/demo-app:v1' }] } });
    const refused = await kubectl(['apply', '-n', restricted, '-f', '-'], { input: pod, allowFailure: true });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('violates PodSecurity "restricted:latest"');
  } finally {
    await kubectl(['delete', 'namespace', restricted, '--wait=false']);
  }
}, T);

test('ServiceAccount tokens come only from the TokenRequest API: no token Secret is created', async () => {
  await kubectl(['create', 'serviceaccount', 'robot', '-n', ns.name]);
  const token = (await kubectl(['create', 'token', 'robot', '-n', ns.name, '--duration', '10m'])).stdout.trim();
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub: string; exp: number };
  expect(claims.sub).toBe(`system:serviceaccount:${ns.name}:robot`);
  expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
  const secrets = JSON.parse((await kubectl(['get', 'secrets', '-n', ns.name, '-o', 'json'])).stdout) as { items: { type: string }[] };
  expect(secrets.items.filter((s) => s.type === 'kubernetes.io/service-account-token')).toEqual([]);
}, T);

test('kubectl apply creates and updates an object that kubectl get reads back', async () => {
  await kubectl(['apply', '-n', ns.name, '-f', '-'], { input: configMap('settings', { colour: 'blue' }) });
  await kubectl(['apply', '-n', ns.name, '-f', '-'], { input: configMap('settings', { colour: 'green' }) });
  const got = JSON.parse((await kubectl(['get', 'configmap', 'settings', '-n', ns.name, '-o', 'json'])).stdout) as {
    data: Record<string, string>;
  };
  expect(got.data).toEqual({ colour: 'green' });
}, T);

test('kubectl get --watch streams an object created after the watch started', async () => {
  await kubectl(['create', 'configmap', 'before-watch', '-n', ns.name, '--from-literal=a=b']);
  const args = ['--kubeconfig', testKubeconfigPath(), 'get', 'configmaps', '-n', ns.name, '--watch', '-o', 'name'];
  const watcher = spawn('kubectl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let seen = '';
  watcher.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
  const exited = new Promise((resolve) => watcher.once('exit', resolve));
  try {
    // The initial list shows the watch is established before the new object is created.
    await waitFor(() => seen.includes('configmap/before-watch'), { timeoutMs: 20_000, description: 'the initial list' });
    expect(seen).not.toContain('configmap/watched');
    await kubectl(['create', 'configmap', 'watched', '-n', ns.name, '--from-literal=a=b']);
    await waitFor(() => seen.includes('configmap/watched'), { timeoutMs: 20_000, description: 'the watch event' });
  } finally {
    watcher.kill('SIGTERM');
    await exited;
  }
  expect(seen).toContain('configmap/watched');
}, T);

test('deleting an owner garbage-collects its dependents', async () => {
  const core = ns.kc.makeApiClient(k8s.CoreV1Api);
  const owner = await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'owner' } } });
  const ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata?.uid ?? '' }];
  await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'child', ownerReferences } } });
  await core.deleteNamespacedConfigMap({ name: 'owner', namespace: ns.name });
  const gone = await waitFor(
    async () => {
      const names = (await core.listNamespacedConfigMap({ namespace: ns.name })).items.map((c) => c.metadata?.name);
      return !names.includes('child') && !names.includes('owner');
    },
    { timeoutMs: 45_000, description: 'the garbage collector to delete configmap/child' },
  );
  expect(gone).toBe(true);
}, T);

describe('Emissary Mapping CRD', () => {
  const group = 'getambassador.io';
  const plural = 'mappings';

  test('a v2 Mapping is created and read back', async () => {
    const api = ns.kc.makeApiClient(k8s.CustomObjectsApi);
    const body = {
      apiVersion: 'getambassador.io/v2',
      kind: 'Mapping',
      metadata: { name: 'web-v2' },
      spec: { prefix: '/web/', service: 'web-stable:80', weight: 10, timeout_ms: 5000 },
    };
    await api.createNamespacedCustomObject({ group, version: 'v2', namespace: ns.name, plural, body });
    const got = (await api.getNamespacedCustomObject({ group, version: 'v2', namespace: ns.name, plural, name: 'web-v2' })) as {
      spec: Record<string, unknown>;
    };
    expect(got.spec).toEqual({ prefix: '/web/', service: 'web-stable:80', weight: 10, timeout_ms: 5000 });
  }, T);

  test('a v3alpha1 Mapping keeps its hostname through the conversion webhook (stored as v2)', async () => {
    const manifest = {
      apiVersion: 'getambassador.io/v3alpha1',
      kind: 'Mapping',
      metadata: { name: 'web-v3' },
      spec: { hostname: '*', prefix: '/web3/', service: 'web-canary:80', weight: 30 },
    };
    await kubectl(['apply', '-n', ns.name, '-f', '-'], { input: JSON.stringify(manifest) });
    const got = JSON.parse(
      (await kubectl(['get', 'mappings.v3alpha1.getambassador.io', 'web-v3', '-n', ns.name, '-o', 'json'])).stdout,
    ) as { apiVersion: string; spec: Record<string, unknown> };
    expect(got.apiVersion).toBe('getambassador.io/v3alpha1');
    // As in Emissary 3.10: v3alpha1 → v2 gives every object an ambassador_id (default), read back as-is.
    expect(got.spec).toEqual({ hostname: '*', prefix: '/web3/', service: 'web-canary:80', weight: 30, ambassador_id: ['default'] });
  }, T);
});

const rolloutCrd = join(process.cwd(), 'crds', 'rollouts.yaml');

(existsSync(rolloutCrd) ? test : test.skip)('a Kanary Rollout is created and read back with its canary steps', async () => {
  const rollout = {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'demo' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'demo' } },
      template: {
        metadata: { labels: { app: 'demo' } },
        spec: { containers: [{ name: 'app', image: 'kanary/demo-app:v1', ports: [{ name: 'http', containerPort: 8080 }] }] },
      },
      strategy: {
        canary: {
          stableService: 'demo-stable',
          canaryService: 'demo-canary',
          trafficRouting: { ambassador: { mappings: ['demo'] } },
          steps: [{ setWeight: 30 }, { pause: { duration: '30s' } }, { setWeight: 100 }],
        },
      },
    },
  };
  await kubectl(['apply', '-n', ns.name, '-f', '-'], { input: JSON.stringify(rollout) });
  const got = JSON.parse((await kubectl(['get', 'rollouts.kanary.dev', 'demo', '-n', ns.name, '-o', 'json'])).stdout) as {
    spec: { replicas: number; strategy: { canary: { steps: unknown[]; trafficRouting: unknown } } };
  };
  expect(got.spec.replicas).toBe(3);
  expect(got.spec.strategy.canary.steps).toEqual([{ setWeight: 30 }, { pause: { duration: '30s' } }, { setWeight: 100 }]);
  expect(got.spec.strategy.canary.trafficRouting).toEqual({ ambassador: { mappings: ['demo'] } });
}, T);
