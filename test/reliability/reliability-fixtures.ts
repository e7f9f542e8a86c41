/**
 * Shared pieces of the reliability suite: a seeded random source, a loopback web check that the
 * analysis steps query, the canary documents, and a watcher of the safety invariants
 * (one ReplicaSet per hash, at most one canary Mapping, canary weight within the canary's
 * available share) that records every violation it sees while a test runs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterView, Obj } from '../controller/rollout-fixtures.js';
import { loadExample, tweakExample } from '../controller/rollout-fixtures.js';

/** The seed: $KANARY_RELIABILITY_SEED when set (to replay), else time-based. Printed by the caller. */
export function chooseSeed(): number {
  const fromEnv = Number(process.env.KANARY_RELIABILITY_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Date.now() % 2_147_483_647;
}

export interface CheckServer {
  url: string;
  close(): Promise<void>;
}

/** A loopback HTTP endpoint answering `{"ok": true}`: the web provider's healthy verdict. */
export async function startCheckServer(): Promise<CheckServer> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/check`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export function webCheckTemplate(url: string, name = 'web-check'): Obj {
  return {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name },
    spec: { metrics: [{ name: 'ready', interval: '1s', count: 2, successCondition: 'result == true', provider: { web: { url, jsonPath: '{$.ok}' } } }] },
  };
}

/** The Ambassador example with an analysis step and short timed pauses: completes on its own. */
export function canaryWithAnalysisDocs(checkUrl: string, replicas = 4): Obj[] {
  const steps = [
    { setWeight: 25 },
    { analysis: { templates: [{ templateName: 'web-check' }] } },
    { setWeight: 50 },
    { pause: { duration: '2s' } },
    { setWeight: 75 },
    { pause: { duration: '1s' } },
  ];
  const docs = tweakExample(loadExample('canary-ambassador'), { replicas, steps, scaleDownDelaySeconds: 1, abortScaleDownDelaySeconds: 1 });
  return [webCheckTemplate(checkUrl), ...docs];
}

async function canaryShareViolation(view: ClusterView, replicas: number): Promise<string | undefined> {
  const first = await view.mapping('demo-canary');
  const weight = Number(first?.spec?.weight ?? 0);
  if (!first || weight === 0) return undefined;
  const hash = await view.serviceHash('demo-canary');
  const available = hash ? Number((await view.replicaSetOf(hash))?.status?.availableReplicas ?? 0) : 0;
  const again = await view.mapping('demo-canary');
  if (again?.metadata?.resourceVersion !== first.metadata?.resourceVersion) return undefined; // moved meanwhile
  const share = (100 * available) / replicas;
  return weight > share ? `canary weight ${weight} above the available share ${share}% (${available}/${replicas} pods of ${hash})` : undefined;
}

async function duplicateViolations(view: ClusterView): Promise<string[]> {
  const problems: string[] = [];
  const byHash = new Map<string, number>();
  for (const rs of await view.replicaSets()) {
    const hash = rs.metadata?.labels?.['rollouts-pod-template-hash'] ?? '';
    byHash.set(hash, (byHash.get(hash) ?? 0) + 1);
  }
  for (const [hash, count] of byHash) if (count > 1) problems.push(`${count} ReplicaSets for hash ${hash}`);
  const canaries = (await view.mappings()).filter((m) => String(m.metadata?.name).endsWith('-canary'));
  if (canaries.length > 1) problems.push(`${canaries.length} canary Mappings`);
  return problems;
}

export interface InvariantWatch {
  readonly violations: string[];
  readonly checks: () => number;
  stop(): Promise<void>;
}

/** Checks the invariants every ~150 ms until stop(); read errors are skipped (not violations). */
export function watchInvariants(view: ClusterView, replicas: number): InvariantWatch {
  const violations: string[] = [];
  let running = true;
  let checks = 0;
  const loop = (async () => {
    while (running) {
      try {
        const share = await canaryShareViolation(view, replicas);
        violations.push(...(share ? [share] : []), ...(await duplicateViolations(view)));
        checks += 1;
      } catch {
        // a transient read error is not a violation
      }
      await sleep(150);
    }
  })();
  return {
    violations,
    checks: () => checks,
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** Healthy, promoted, and the stable ReplicaSet runs `image` with all `replicas` available. */
export async function isHealthyOn(view: ClusterView, image: string, replicas: number): Promise<boolean> {
  const s = ((await view.rollout()).status ?? {}) as Obj;
  if (s.phase !== 'Healthy' || s.stableRS !== s.currentPodHash) return false;
  const rs = await view.replicaSetOf(String(s.stableRS));
  return rs?.spec?.template?.spec?.containers?.[0]?.image === image && rs.status?.availableReplicas === replicas;
}
