/**
 * Issue 14, items 2 and 4 (start): the chart installed with real Helm runs the controller as pods of
 * the simulated kubelet, i.e. the checkout's real controller as uid 65532 in its own mount namespace
 * with a read-only root, the pod's ServiceAccount token as its only credential, probes, `kubectl
 * logs`; two replicas elect one leader and hand over when it is deleted; a Rollout is released by the
 * in-cluster controller alone; `helm uninstall` leaves the Rollout's workloads running.
 */
import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { isOlderNode, parseImageNodeVersion } from '../../src/sandbox/cluster/image-node.js';
import { kubectl, waitFor } from '../harness/cluster.js';
import { applyDocs, ClusterView, loadExample, setImage, tweakExample, type Obj } from '../controller/rollout-fixtures.js';
import { controllerPid, readPodToken, run, runInPod, useChartRelease } from './controller-pod-fixture.js';
import { helm } from './helm.js';

jest.setTimeout(240_000);

const chart = useChartRelease('pod-apps');
const { system, apps } = chart;
const release = (): string => chart.name();
const kube = (): string[] => chart.kube();

function core(): k8s.CoreV1Api {
  return system.kc.makeApiClient(k8s.CoreV1Api);
}

async function controllerPods(): Promise<k8s.V1Pod[]> {
  const list = await core().listNamespacedPod({ namespace: system.name, labelSelector: `app.kubernetes.io/instance=${release()}` });
  return list.items.filter((pod) => !pod.metadata?.deletionTimestamp);
}

const isReady = (pod: k8s.V1Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

async function leaseHolder(): Promise<string | undefined> {
  const lease = await system.kc.makeApiClient(k8s.CoordinationV1Api).readNamespacedLease({ namespace: system.name, name: 'kanary-controller' });
  return lease.spec?.holderIdentity ?? undefined;
}

beforeAll(async () => {
  await kubectl(['label', 'namespace', system.name, 'pod-security.kubernetes.io/enforce=restricted']);
  await chart.apply('install', { replicas: 2 });
});

test('both controller pods are Ready; each runs as uid 65532 with a read-only root, its own /tmp and a pod-bound token', async () => {
  const pods = await controllerPods();
  expect(pods.map(isReady)).toEqual([true, true]);
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    const pid = controllerPid(name);
    expect(pid).toBeDefined();
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    expect(/^Uid:\s+(.*)$/m.exec(status)?.[1]?.split(/\s+/)).toEqual(['65532', '65532', '65532', '65532']);
    expect(/^Gid:\s+(.*)$/m.exec(status)?.[1]?.split(/\s+/)).toEqual(['65532', '65532', '65532', '65532']);
    expect(/^CapEff:\s+(.*)$/m.exec(status)?.[1]).toBe('0000000000000000');
    const mounts = readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n').map((line) => line.split(' '));
    const mountOptions = (target: string): string | undefined => mounts.filter((m) => m[4] === target).at(-1)?.[5];
    expect(mountOptions('/')).toMatch(/^ro,/);
    expect(mountOptions('/tmp')).toMatch(/^rw,/);
    expect(mountOptions('/run/secrets/kubernetes.io/serviceaccount')).toMatch(/^ro,/);
    // In its mount namespace, as its user: / refuses a write, the emptyDir at /tmp takes one.
    const outside = await runInPod(pid ?? 0, 'touch /kanary-write-test');
    expect(outside.code).not.toBe(0);
    expect(outside.stderr).toContain('Read-only file system');
    expect((await runInPod(pid ?? 0, 'touch /tmp/kanary-write-test')).code).toBe(0);
    const { claims } = readPodToken(pid ?? 0);
    expect(claims['kubernetes.io'].pod).toEqual({ name, uid: pod.metadata?.uid });
    expect(claims.exp - claims.iat).toBe(600);
    expect(readFileSync(`/proc/${pid}/root/run/secrets/kubernetes.io/serviceaccount/namespace`, 'utf8')).toBe(system.name);
    // The pod's token is its only credential: no kubeconfig in its environment, in-cluster config only.
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    expect(environ.filter((e) => e.startsWith('KUBECONFIG='))).toEqual([]);
    expect(environ).toContain('KUBERNETES_SERVICE_HOST=127.0.0.1');
    // The V8 heap bound the chart derives from its 512Mi memory limit (75%).
    expect(environ).toContain('NODE_OPTIONS=--max-old-space-size=384 --max-semi-space-size=2');
  }
});

test('the controller runs under the image\'s Node.js (installed from the npm registry when this machine\'s is older)', async () => {
  const image = parseImageNodeVersion(readFileSync('Dockerfile', 'utf8'));
  const [pod] = await controllerPods();
  const pid = controllerPid(pod?.metadata?.name ?? '');
  const inPod = await run('nsenter', ['-t', String(pid), '-m', process.execPath, '--version']);
  const expected = image && isOlderNode(process.versions.node, image) ? `v${image.major}.${image.minor}.` : `v${process.versions.node}`;
  expect(inPod.stdout.trim().startsWith(expected)).toBe(true);
});

test('kubectl logs for the Deployment shows the controller\'s JSON log', async () => {
  const logs = await kubectl(['-n', system.name, 'logs', `deploy/${release()}`]);
  const lines = logs.stdout.trim().split('\n').map((line) => JSON.parse(line) as { msg?: string; identity?: string });
  expect(lines.map((line) => line.msg)).toContain('controller started');
});

test('the controller image asked to run as root waits with CreateContainerConfigError', async () => {
  const pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'rooted' },
    spec: { containers: [{ name: 'controller', image: 'kanary/kanary:dev', securityContext: { runAsUser: 0 } }] },
  };
  await kubectl(['apply', '-n', apps.name, '-f', '-'], { input: JSON.stringify(pod) });
  const waiting = await waitFor(async () => {
    const read = await core().readNamespacedPod({ namespace: apps.name, name: 'rooted' });
    return read.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError' ? read.status.containerStatuses[0].state.waiting : undefined;
  }, { timeoutMs: 30_000, description: 'CreateContainerConfigError' });
  expect(waiting.message).toMatch(/runAsUser 0: .*never runs the controller image as root/);
  expect(controllerPid('rooted')).toBeUndefined();
  await kubectl(['delete', 'pod', 'rooted', '-n', apps.name, '--wait=false']);
});

test('a failing liveness probe restarts the process (a new pid) and the pod reports the restart', async () => {
  const pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unlively' },
    spec: {
      terminationGracePeriodSeconds: 5,
      securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532 },
      containers: [{
        name: 'controller', image: 'kanary/kanary:dev',
        args: ['--leader-elect=false', `--namespace=${apps.name}`, '--health-probe-addr=:8081', '--metrics-addr=:8090'],
        ports: [{ name: 'probes', containerPort: 8081 }],
        // /nope is 404 on the probes port: every liveness probe fails.
        livenessProbe: { httpGet: { path: '/nope', port: 'probes' }, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 2 },
        readinessProbe: { httpGet: { path: '/healthz', port: 'probes' }, periodSeconds: 1 },
      }],
    },
  };
  await kubectl(['apply', '-n', apps.name, '-f', '-'], { input: JSON.stringify(pod) });
  try {
    const firstPid = await waitFor(async () => controllerPid('unlively'), { timeoutMs: 30_000, description: 'the process started' });
    const restarted = await waitFor(async () => {
      const read = await core().readNamespacedPod({ namespace: apps.name, name: 'unlively' });
      const status = read.status?.containerStatuses?.[0];
      return (status?.restartCount ?? 0) >= 1 ? status : undefined;
    }, { timeoutMs: 60_000, description: 'restarted after liveness failures' });
    expect(restarted?.lastState?.terminated).toBeDefined();
    const secondPid = await waitFor(async () => controllerPid('unlively'), { timeoutMs: 30_000, description: 'running again' });
    expect(secondPid).not.toBe(firstPid);
  } finally {
    await kubectl(['delete', 'pod', 'unlively', '-n', apps.name, '--wait=false']);
  }
});

test('a Rollout goes Healthy and through a new revision with the in-cluster controller only', async () => {
  const view = new ClusterView(apps.kc, apps.name);
  const steps = [{ setWeight: 50 }, { pause: { duration: '2s' } }];
  await applyDocs(apps.name, tweakExample(loadExample('canary-ambassador'), { replicas: 2, steps }));
  const first = await waitFor(async () => {
    const s = ((await view.rollout()).status ?? {}) as Obj;
    return s.phase === 'Healthy' && s.stableRS ? s : undefined;
  }, { timeoutMs: 90_000, description: 'Healthy' });
  await setImage(apps.name, 'kanary/demo-app:v2');
  const second = await waitFor(async () => {
    const s = ((await view.rollout()).status ?? {}) as Obj;
    return s.phase === 'Healthy' && s.stableRS !== first.stableRS && s.stableRS === s.currentPodHash ? s : undefined;
  }, { timeoutMs: 90_000, description: 'the new revision promoted' });
  expect((await view.replicaSetOf(second.stableRS))?.status?.readyReplicas).toBe(2);
});

test('deleting the leader pod hands the Lease to the other pod within the lease duration', async () => {
  const holder = await leaseHolder();
  const pods = await controllerPods();
  const leader = pods.find((pod) => holder?.startsWith(`${pod.metadata?.name}_`));
  expect(leader).toBeDefined();
  const deletedAt = Date.now();
  await core().deleteNamespacedPod({ namespace: system.name, name: leader?.metadata?.name ?? '' });
  const next = await waitFor(async () => {
    // The other replica, whichever pod it is by now: any holder but the deleted pod.
    const now = await leaseHolder();
    return now && !now.startsWith(`${leader?.metadata?.name}_`) ? now : undefined;
  }, { timeoutMs: 30_000, intervalMs: 200, description: 'the standby leads' });
  expect(next).toBeDefined();
  expect(Date.now() - deletedAt).toBeLessThan(15_000);
  // SIGTERM, not SIGKILL: the old leader's process is gone well within its 30 s grace period.
  await waitFor(async () => (controllerPid(leader?.metadata?.name ?? '') === undefined ? true : undefined), { timeoutMs: 20_000, description: 'old leader exited' });
});

test('helm uninstall stops the controller and leaves the Rollout\'s workloads running', async () => {
  const uninstalled = await helm(['uninstall', release(), ...kube(), '--wait', '--timeout', '60s']);
  expect(uninstalled.code).toBe(0);
  await waitFor(async () => ((await controllerPods()).length === 0 ? true : undefined), { timeoutMs: 60_000, description: 'controller pods gone' });
  const view = new ClusterView(apps.kc, apps.name);
  const status = ((await view.rollout()).status ?? {}) as Obj;
  expect((await view.replicaSetOf(status.stableRS))?.status?.readyReplicas).toBe(2);
  const running = (await core().listNamespacedPod({ namespace: apps.name, labelSelector: 'app=demo' })).items.filter(isReady);
  expect(running.length).toBeGreaterThanOrEqual(2);
});
