/**
 * Acting as a ServiceAccount on the local cluster: request a bound token through the TokenRequest
 * API, build a kubeconfig with it, ask SelfSubjectAccessReviews, run kubectl and the
 * real controller (`node bin/kanary.js controller`) with that identity.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { waitFor } from '../harness/cluster.js';
import { repoRoot } from './chart-fixture.js';

/**
 * A bound, expiring token for the ServiceAccount from the TokenRequest API (the only kind current
 * Kubernetes issues; no secret-based tokens). Waits for the ServiceAccount to exist.
 */
export async function readServiceAccountToken(admin: k8s.KubeConfig, namespace: string, name: string): Promise<string> {
  const core = admin.makeApiClient(k8s.CoreV1Api);
  return waitFor(async () => {
    try {
      const answer = await core.createNamespacedServiceAccountToken({ namespace, name, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
      return answer.status?.token || undefined;
    } catch {
      return undefined;
    }
  }, { timeoutMs: 30_000, description: `a TokenRequest token of ServiceAccount ${namespace}/${name}` });
}

/** A kubeconfig for the admin's cluster that authenticates with `token` only. */
export async function writeTokenKubeconfig(admin: k8s.KubeConfig, token: string, file: string): Promise<k8s.KubeConfig> {
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('test kubeconfig has no current cluster');
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'local', server: cluster.server, caData: cluster.caData, caFile: cluster.caFile, skipTLSVerify: cluster.skipTLSVerify }],
    users: [{ name: 'kanary-sa', token }],
    contexts: [{ name: 'kanary-sa', cluster: 'local', user: 'kanary-sa' }],
    currentContext: 'kanary-sa',
  });
  await writeFile(file, kc.exportConfig(), { mode: 0o600 });
  return kc;
}

export interface Access {
  verb: string;
  group?: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export async function canI(kc: k8s.KubeConfig, access: Access): Promise<boolean> {
  const api = kc.makeApiClient(k8s.AuthorizationV1Api);
  const review = await api.createSelfSubjectAccessReview({
    body: { spec: { resourceAttributes: { ...access, group: access.group ?? '' } } },
  });
  return review.status?.allowed === true;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function kubectlAs(kubeconfig: string, args: string[]): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

export interface RunningController {
  readonly child: ChildProcess;
  readonly logs: string[];
  telemetryUrl(): Promise<string>;
  /** SIGTERM; resolves to the exit code (SIGKILL after 15 s). */
  stop(): Promise<number | null>;
}

export function spawnController(kubeconfig: string, args: readonly string[]): RunningController {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'kanary.js'), 'controller', '--kubeconfig', kubeconfig, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  let partial = '';
  const collect = (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    logs.push(...lines.filter((l) => l !== ''));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    logs,
    telemetryUrl: () => waitFor(() => {
      const line = logs.find((l) => l.includes('controller started'));
      if (line) return (JSON.parse(line) as { metrics?: string }).metrics;
      if (exited()) throw new Error(`controller exited: ${logs.slice(-5).join('\n')}`);
      return undefined;
    }, { timeoutMs: 30_000, description: 'controller telemetry address' }),
    async stop() {
      if (!exited()) child.kill('SIGTERM');
      const timer = setTimeout(() => {
        // Diagnostics for a controller that did not stop gracefully: what it logged last.
        console.error(`controller did not exit 15 s after SIGTERM; last log lines:\n${logs.slice(-15).join('\n')}`);
        child.kill('SIGKILL');
      }, 15_000);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}
