/**
 * Helpers for `*.cluster.test.ts` files. The cluster project's global setup starts one local
 * cluster per test run and exports KANARY_TEST_KUBECONFIG; each test file gets its own namespace:
 *
 *   const ns = useTestNamespace('rollouts');          // created in beforeAll, deleted in afterAll
 *   test('...', async () => { await kubectl(['get', 'pods', '-n', ns.name]); });
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import * as k8s from '@kubernetes/client-node';

export function testKubeconfigPath(): string {
  const path = process.env.KANARY_TEST_KUBECONFIG;
  if (!path) {
    throw new Error('KANARY_TEST_KUBECONFIG is not set: run cluster tests with `--selectProjects cluster` (its global setup starts the cluster)');
  }
  return path;
}

export function loadTestKubeConfig(): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(testKubeconfigPath());
  return kc;
}

/** A unique, valid namespace name: `<prefix>-<8 hex>` (prefix sanitised to a DNS label). */
export function uniqueNamespaceName(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'test';
  return `${clean}-${randomBytes(4).toString('hex')}`;
}

export async function createTestNamespace(prefix: string, kc = loadTestKubeConfig()): Promise<string> {
  const name = uniqueNamespaceName(prefix);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name, labels: { 'kanary.dev/test': 'true' } } } });
  return name;
}

/** Starts deleting the namespace (the namespace controller removes its contents); does not wait. */
export async function deleteTestNamespace(name: string, kc = loadTestKubeConfig()): Promise<void> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  try {
    await core.deleteNamespace({ name });
  } catch (error) {
    if ((error as { code?: number }).code !== 404) throw error;
  }
}

export interface TestNamespace {
  /** The namespace name; valid inside tests (after beforeAll). */
  readonly name: string;
  readonly kc: k8s.KubeConfig;
}

/** Registers beforeAll/afterAll that create and delete this file's namespace. */
export function useTestNamespace(prefix: string): TestNamespace {
  let name: string | undefined;
  let kc: k8s.KubeConfig | undefined;
  beforeAll(async () => {
    kc = loadTestKubeConfig();
    name = await createTestNamespace(prefix, kc);
  });
  afterAll(async () => {
    if (name) await deleteTestNamespace(name, kc);
  });
  return {
    get name(): string {
      if (!name) throw new Error('the test namespace exists only inside tests (after beforeAll)');
      return name;
    },
    get kc(): k8s.KubeConfig {
      if (!kc) throw new Error('the test KubeConfig exists only inside tests (after beforeAll)');
      return kc;
    },
  };
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  /** Written to kubectl's stdin (e.g. for `apply -f -`). */
  input?: string;
  /** Resolve with a non-zero code instead of rejecting. */
  allowFailure?: boolean;
  timeoutMs?: number;
}

/** Runs /usr/bin/kubectl (or $KUBECTL) against the test cluster; rejects on a non-zero exit unless allowFailure. */
export function kubectl(args: string[], options: KubectlOptions = {}): Promise<KubectlResult> {
  const bin = process.env.KUBECTL ?? 'kubectl';
  const fullArgs = ['--kubeconfig', testKubeconfigPath(), ...args];
  return new Promise((resolve, reject) => {
    const child = execFile(bin, fullArgs, { timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      if (code !== 0 && !options.allowFailure) {
        reject(new Error(`kubectl ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
        return;
      }
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(options.input ?? '');
  });
}

export interface WaitForOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  description?: string;
}

/**
 * Polls `fn` until it returns a value other than undefined, null or false, and resolves to it.
 * Errors thrown by `fn` count as "not yet"; the last one is quoted when the time is up.
 */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  options: WaitForOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const what = options.description ?? 'condition';
      const cause = lastError ? `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${cause}`);
    }
    await sleep(options.intervalMs ?? 200);
  }
}
