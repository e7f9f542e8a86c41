/**
 * Helpers for the tests of the controller as a pod of the simulated kubelet: the chart released with
 * real Helm for one test file, the process the kubelet runs for a pod, the projected token as the pod
 * sees it, a command in the pod's mount namespace, and kube-apiserver's audit log of ServiceAccount
 * requests.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { clusterPaths } from '../../src/sandbox/cluster/cluster-paths.js';
import { testKubeconfigPath, useTestNamespace, type TestNamespace } from '../harness/cluster.js';
import { chartDir } from './chart-fixture.js';
import { helm } from './helm.js';

export interface ChartRelease {
  /** The release namespace; the release is named after it (it contains "kanary", so are the chart's objects). */
  system: TestNamespace;
  /** The namespace the controller watches (the chart's watchNamespaces). */
  apps: TestNamespace;
  name(): string;
  /** `--kubeconfig` and `--namespace` for helm. */
  kube(): string[];
  /**
   * `helm install` or `upgrade` of charts/kanary (CRDs skipped: the local stack has them, --wait)
   * with values for the local stack merged with `extra`; expects success.
   */
  apply(command: 'install' | 'upgrade', extra?: Record<string, unknown>): Promise<void>;
}

/**
 * Registers the namespaces of a chart release for this test file and an afterAll that uninstalls
 * the release before they are deleted (Helm keeps the release in its namespace; the cluster-scoped
 * ClusterRole and its binding go with it).
 */
export function useChartRelease(appsPrefix: string): ChartRelease {
  let valuesDir: string | undefined;
  afterAll(async () => {
    await helm(['uninstall', release.name(), ...release.kube(), '--wait', '--timeout', '60s']);
    if (valuesDir) await rm(valuesDir, { recursive: true, force: true });
  });
  const system = useTestNamespace('kanary-system');
  const apps = useTestNamespace(appsPrefix);
  let files = 0;
  const release: ChartRelease = {
    system,
    apps,
    name: () => system.name,
    kube: () => ['--kubeconfig', testKubeconfigPath(), '--namespace', system.name],
    async apply(command, extra = {}) {
      valuesDir ??= await mkdtemp(join(tmpdir(), 'kanary-pod-values-'));
      const valuesFile = join(valuesDir, `values-${(files += 1)}.json`);
      await writeFile(valuesFile, JSON.stringify({
        image: { tag: 'dev' },
        watchNamespaces: [apps.name],
        prometheusAddress: 'http://127.0.0.1:9090',
        mappingPropagationDelay: '1s',
        ...extra,
      }));
      const result = await helm([command, release.name(), chartDir, ...release.kube(), '--skip-crds', '--values', valuesFile, '--wait', '--timeout', '120s']);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    },
  };
  return release;
}

/** The pid of the process the kubelet runs for a pod: its environment has HOSTNAME=<pod>. */
export function controllerPid(podName: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes('bin/kanary.js\0controller')) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`HOSTNAME=${podName}`)) return Number(entry);
    } catch {
      // the process exited meanwhile
    }
  }
  return undefined;
}

export interface PodToken {
  token: string;
  claims: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * The ServiceAccount token as the process `pid` reads it. /var/run is an absolute symlink to /run:
 * resolved from /proc/<pid>/root it would leave the pod, hence /run.
 */
export function readPodToken(pid: number): PodToken {
  const token = readFileSync(`/proc/${pid}/root/run/secrets/kubernetes.io/serviceaccount/token`, 'utf8');
  return { token, claims: JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as PodToken['claims'] };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });
}

/** Runs `sh -c script` in the mount namespace of `pid` as the pod's user (65532, no groups). */
export function runInPod(pid: number, script: string): Promise<RunResult> {
  return run('nsenter', ['-t', String(pid), '-m', 'setpriv', '--reuid=65532', '--regid=65532', '--clear-groups', 'sh', '-c', script]);
}

/** The directory of the test cluster (certificates, logs, kubeconfig). */
export function testClusterDir(): string {
  return process.env.KANARY_TEST_CLUSTER_DIR ?? dirname(testKubeconfigPath());
}

/** One kube-apiserver audit event (audit.k8s.io/v1, level Metadata), the fields the tests read. */
export interface AuditEvent {
  verb: string;
  requestURI: string;
  stageTimestamp: string;
  user: { username: string; extra?: Record<string, string[]> };
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string; apiGroup?: string };
  responseStatus?: { code?: number };
}

/** The credential id of a bound ServiceAccount token as the audit log names it (`JTI=<jti claim>`). */
export const credentialIdOf = (claims: PodToken['claims']): string => `JTI=${String(claims.jti)}`;

export const auditCredentialId = (event: AuditEvent): string | undefined => event.user.extra?.['authentication.kubernetes.io/credential-id']?.[0];

/**
 * The audit events of `username` in the cluster's audit log, rotated files included (the cluster
 * records ServiceAccounts' requests only: src/sandbox/cluster/component-args.ts auditPolicy).
 */
export function readAuditEvents(username: string): AuditEvent[] {
  const logDir = dirname(clusterPaths(testClusterDir()).auditLog);
  const files = readdirSync(logDir).filter((name) => /^audit.*\.log$/.test(name)).sort();
  if (files.length === 0) throw new Error(`no audit log in ${logDir}: start the cluster with this checkout's \`kanary cluster start\``);
  const events: AuditEvent[] = [];
  for (const file of files) {
    for (const line of readFileSync(join(logDir, file), 'utf8').split('\n')) {
      if (!line.includes(`"username":${JSON.stringify(username)}`)) continue;
      events.push(JSON.parse(line) as AuditEvent);
    }
  }
  return events;
}
