/**
 * How every cluster-facing verb finds its cluster: `--kubeconfig`, then $KUBECONFIG, then
 * ~/.kube/config, then the in-cluster service account; `--context` picks a context. Mistakes
 * become one-line UserErrors that say how to fix them.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { UserError } from './command.js';

export interface KubeContextFlags {
  kubeconfig?: string;
  context?: string;
}

function inCluster(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.KUBERNETES_SERVICE_HOST) && existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token');
}

function kubeconfigPaths(flags: KubeContextFlags, env: NodeJS.ProcessEnv): string[] {
  if (flags.kubeconfig) return [flags.kubeconfig];
  if (env.KUBECONFIG) return env.KUBECONFIG.split(':').filter((p) => p.length > 0);
  const home = join(env.HOME ?? homedir(), '.kube', 'config');
  return existsSync(home) ? [home] : [];
}

/** Loads the KubeConfig the flags and environment point at, or throws a UserError. */
export function loadKubeConfig(flags: KubeContextFlags, env: NodeJS.ProcessEnv): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  const paths = kubeconfigPaths(flags, env);
  if (paths.length === 0) {
    if (!inCluster(env)) {
      throw new UserError('no kubeconfig found: pass --kubeconfig PATH or set KUBECONFIG (for the local cluster: `kanary cluster start` prints the export line)');
    }
    kc.loadFromCluster();
    return kc;
  }
  const missing = paths.find((p) => !existsSync(p));
  if (missing) throw new UserError(`kubeconfig ${missing} does not exist`);
  try {
    const first = paths[0] ?? '';
    kc.loadFromFile(first);
  } catch (error) {
    throw new UserError(`cannot read kubeconfig ${paths[0]}: ${(error as Error).message}`);
  }
  if (flags.context) {
    if (!kc.getContexts().some((c) => c.name === flags.context)) {
      throw new UserError(`context "${flags.context}" not found in kubeconfig ${paths[0]}`);
    }
    kc.setCurrentContext(flags.context);
  }
  if (!kc.getCurrentCluster()) throw new UserError(`kubeconfig ${paths[0]} has no current cluster`);
  return kc;
}

/** The namespace to use: the flag, else the context's namespace, else `default`. */
export function resolveNamespace(kc: k8s.KubeConfig, flag: string | undefined): string {
  if (flag) return flag;
  const context = kc.getContextObject(kc.getCurrentContext());
  return context?.namespace ?? 'default';
}

/** Network failures reaching the API server, as one line naming the server. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** The first system error code found on an error or its causes. */
function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function describeUnreachable(kc: k8s.KubeConfig, error: unknown): string | undefined {
  const code = networkCode(error);
  const message = error instanceof Error ? error.message : '';
  if (!code && !/ECONNREFUSED|ENOTFOUND|fetch failed/i.test(message)) return undefined;
  const server = kc.getCurrentCluster()?.server ?? '?';
  return `cannot reach the Kubernetes API server at ${server} (${code ?? message})`;
}
