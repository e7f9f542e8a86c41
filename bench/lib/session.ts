/**
 * One benchmark's world: its own namespace on the bench cluster, the REAL controller (built code,
 * `bin/kanary.js controller`) scoped to it, and timestamped watches on Rollouts, ReplicaSets,
 * Mappings and AnalysisRuns. close() stops the controller and the watches and deletes the namespace.
 */
import * as k8s from '@kubernetes/client-node';
import { createTestNamespace, deleteTestNamespace, loadTestKubeConfig, waitFor } from '../../test/harness/cluster.js';
import { startController, type ControllerProcess } from '../../test/harness/controller-process.js';
import { ObjectWatch, type Obj } from './object-watch.js';

const ROLLOUTS = { group: 'kanary.dev', version: 'v1alpha1', plural: 'rollouts' };

export interface BenchSession {
  readonly namespace: string;
  readonly kc: k8s.KubeConfig;
  controller: ControllerProcess;
  metricsUrl: string;
  readonly rollouts: ObjectWatch;
  readonly replicaSets: ObjectWatch;
  readonly mappings: ObjectWatch;
  readonly analysisRuns: ObjectWatch;
  /** Starts a fresh controller (the old one must be stopped first). */
  restartController(): Promise<void>;
  close(): Promise<void>;
}

/** The telemetry URL from the controller's start-up log line; generous timeout for a loaded machine. */
export async function telemetryUrl(controller: ControllerProcess, timeoutMs = 180_000): Promise<string> {
  return waitFor(() => {
    for (const line of controller.logs) {
      if (!line.includes('controller started')) continue;
      const parsed = JSON.parse(line) as { metrics?: string };
      if (parsed.metrics) return parsed.metrics;
    }
    if (controller.exited()) throw new Error(`controller exited: ${controller.logs.slice(-5).join('\n')}`);
    return undefined;
  }, { timeoutMs, intervalMs: 50, description: 'controller telemetry address' });
}

export const CONTROLLER_FLAGS = ['--mapping-propagation-delay', '1s', '--log-level', 'info'];

/** The chart's NODE_OPTIONS besides the old-space bound (charts/kanary/values.yaml semiSpaceMiB). */
export const CHART_NODE_FLAGS = ['--max-semi-space-size=2'];

/** `nodeFlags`: Node/V8 flags for the controller (besides KANARY_CONTROLLER_NODE_FLAGS); the chart's by default. */
export async function openSession(prefix: string, flags: string[] = CONTROLLER_FLAGS, nodeFlags: string[] = CHART_NODE_FLAGS): Promise<BenchSession> {
  const kc = loadTestKubeConfig();
  const namespace = await createTestNamespace(`bench-${prefix}`, kc);
  const rollouts = new ObjectWatch(kc, `/apis/kanary.dev/v1alpha1/namespaces/${namespace}/rollouts`);
  const replicaSets = new ObjectWatch(kc, `/apis/apps/v1/namespaces/${namespace}/replicasets`);
  const mappings = new ObjectWatch(kc, `/apis/getambassador.io/v2/namespaces/${namespace}/mappings`);
  const analysisRuns = new ObjectWatch(kc, `/apis/kanary.dev/v1alpha1/namespaces/${namespace}/analysisruns`);
  const watches = [rollouts, replicaSets, mappings, analysisRuns];
  await Promise.all(watches.map((w) => w.start()));
  const session: BenchSession = {
    namespace, kc, rollouts, replicaSets, mappings, analysisRuns,
    controller: startController({ namespace, flags, nodeFlags }),
    metricsUrl: '',
    async restartController() {
      session.controller = startController({ namespace, flags, nodeFlags });
      session.metricsUrl = await telemetryUrl(session.controller);
    },
    async close() {
      await session.controller.stop();
      for (const watch of watches) watch.stop();
      await deleteTestNamespace(namespace, kc);
    },
  };
  try {
    session.metricsUrl = await telemetryUrl(session.controller);
  } catch (error) {
    await session.close();
    throw error;
  }
  return session;
}

/** The controller's warn and error log lines so far (reconcile failures, retries), at most `limit`. */
export function controllerWarnings(session: BenchSession, limit = 30): string[] {
  return session.controller.logs.filter((line) => /"level":"(warn|error)"/.test(line)).slice(0, limit).map((line) => line.slice(0, 400));
}

/** Where a bench writes: its cluster's credentials and its namespace. */
export type BenchTarget = Pick<BenchSession, 'kc' | 'namespace'>;

/** A JSON merge patch of a Rollout (or its /status); resolves to the patched object's resourceVersion. */
export async function patchRollout(session: BenchTarget, name: string, body: Obj, status = false): Promise<string | undefined> {
  const custom = session.kc.makeApiClient(k8s.CustomObjectsApi);
  const request = { ...ROLLOUTS, namespace: session.namespace, name, body };
  const options = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
  const patched = (status
    ? await custom.patchNamespacedCustomObjectStatus(request, options)
    : await custom.patchNamespacedCustomObject(request, options)) as Obj;
  return patched.metadata?.resourceVersion as string | undefined;
}

/** A new image for the Rollout's only container (a new revision). */
export async function setRolloutImage(session: BenchTarget, name: string, image: string): Promise<void> {
  const containers = [{ name: 'app', image, ports: [{ name: 'http', containerPort: 8080 }] }];
  await patchRollout(session, name, { spec: { template: { spec: { containers } } } });
}

export async function createAll(session: BenchTarget, docs: Obj[]): Promise<void> {
  const client = k8s.KubernetesObjectApi.makeApiClient(session.kc);
  for (const doc of docs) {
    await client.create({ ...doc, metadata: { ...doc.metadata, namespace: session.namespace } } as k8s.KubernetesObject);
  }
}

/** Waits until the watch shows the Rollout Healthy on its current revision (since sinceMs). */
export function nextHealthy(session: BenchSession, name: string, sinceMs: number, timeoutMs = 120_000): Promise<unknown> {
  return session.rollouts.next((e) => {
    const s = e.object.status;
    const current = s?.observedGeneration === e.object.metadata?.generation;
    return e.object.metadata?.name === name && current && s?.phase === 'Healthy' && s.stableRS === s.currentPodHash;
  }, { sinceMs, timeoutMs, what: `${name} Healthy` });
}
