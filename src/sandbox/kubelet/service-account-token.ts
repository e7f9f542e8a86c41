import * as k8s from '@kubernetes/client-node';
import { chmod, chown, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Tokens last 10 minutes (TokenRequest's minimum), so the refresh is exercised in every long test. */
export const tokenExpirationSeconds = 600;
/** The kubelet refreshes a projected token once 80% of its life has passed. */
export const refreshAtShare = 0.8;

export interface ServiceAccountVolumeOptions {
  api: k8s.CoreV1Api;
  pod: { namespace: string; name: string; uid: string };
  serviceAccountName: string;
  /** The cluster CA (PEM) written as ca.crt. */
  caPem: string;
  /** The directories bind-mounted at the serviceaccount path. */
  dirs: string[];
  owner: { uid: number; gid: number };
  /** Refresh this soon instead when it is sooner than 80% of the life (the pod's tokenRefreshAnnotation). */
  refreshAfterMs?: number;
  log: (line: Record<string, unknown>) => void;
}

/**
 * The pod annotation that makes the simulated kubelet refresh the pod's token every N seconds (1..600),
 * sooner than a real kubelet would: TokenRequest issues no token shorter than 10 minutes, so a test
 * that wants to watch a refresh happen asks for one this way. Anything else in it is ignored.
 */
export const tokenRefreshAnnotation = 'sim.kanary.dev/token-refresh-seconds';

/** The refresh period the annotation asks for, in ms, or undefined when absent or not a whole 1..600. Pure. */
export function parseTokenRefreshMs(annotations: Record<string, string> | undefined): number | undefined {
  const text = annotations?.[tokenRefreshAnnotation];
  if (text === undefined || !/^\d{1,3}$/.test(text.trim())) return undefined;
  const seconds = Number(text.trim());
  return seconds >= 1 && seconds <= tokenExpirationSeconds ? seconds * 1000 : undefined;
}

/** When to refresh a token issued at `issuedAt` that expires at `expiresAt` (sooner if `refreshAfterMs` is). Pure. */
export function computeRefreshDelayMs(issuedAt: Date, expiresAt: Date, refreshAfterMs?: number): number {
  const atShare = (expiresAt.getTime() - issuedAt.getTime()) * refreshAtShare;
  return Math.max(1_000, Math.min(atShare, refreshAfterMs ?? atShare));
}

/** Writes a file atomically (a temp file renamed over it), readable by the pod's user only. */
async function writeAtomically(dir: string, name: string, content: string, options: ServiceAccountVolumeOptions): Promise<void> {
  const temp = join(dir, `..${name}.tmp`);
  await writeFile(temp, content, { mode: 0o600 });
  await chown(temp, options.owner.uid, options.owner.gid);
  await chmod(temp, name === 'token' ? 0o600 : 0o644);
  await rename(temp, join(dir, name));
}

async function requestToken(options: ServiceAccountVolumeOptions): Promise<{ token: string; expiresAt: Date }> {
  const { api, pod, serviceAccountName } = options;
  const answer = await api.createNamespacedServiceAccountToken({
    name: serviceAccountName,
    namespace: pod.namespace,
    body: {
      spec: {
        audiences: [],
        expirationSeconds: tokenExpirationSeconds,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.name, uid: pod.uid },
      },
    },
  });
  const expiresAt = answer.status?.expirationTimestamp ? new Date(answer.status.expirationTimestamp) : new Date(Date.now() + tokenExpirationSeconds * 1000);
  return { token: answer.status?.token ?? '', expiresAt };
}

/**
 * The projected ServiceAccount volume of one pod: token (from the TokenRequest API, bound to the
 * pod, 10 minutes), ca.crt and namespace, refreshed at 80% of the token's life, each write atomic.
 */
export class ServiceAccountVolume {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: ServiceAccountVolumeOptions) {}

  /** Writes every file once; rejects when the token cannot be issued (the container must not start). */
  async start(): Promise<void> {
    const { dirs, caPem, pod } = this.options;
    for (const dir of dirs) {
      await mkdir(dir, { recursive: true, mode: 0o755 });
      await writeAtomically(dir, 'ca.crt', caPem, this.options);
      await writeAtomically(dir, 'namespace', pod.namespace, this.options);
    }
    await this.refresh();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async refresh(): Promise<void> {
    const issuedAt = new Date();
    const { token, expiresAt } = await requestToken(this.options);
    for (const dir of this.options.dirs) await writeAtomically(dir, 'token', token, this.options);
    const delayMs = computeRefreshDelayMs(issuedAt, expiresAt, this.options.refreshAfterMs);
    this.options.log({ msg: 'service account token written', serviceAccount: this.options.serviceAccountName, expiresAt: expiresAt.toISOString(), refreshInMs: delayMs });
    this.schedule(delayMs);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.refresh().catch((err: unknown) => {
        this.options.log({ level: 'warn', msg: 'service account token refresh failed; retrying', error: String(err) });
        this.schedule(5_000);
      });
    }, delayMs);
  }
}
