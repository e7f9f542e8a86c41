/**
 * The dashboard bench's Rollouts: N Rollouts with the spec of bench/lib/fixtures.ts and a status
 * written through the status subresource as the controller would leave it (no controller runs):
 * every other one mid-release (Paused or Progressing at some step, its canary Mapping at the step's
 * weight, a journal with its last decision), the rest Healthy on their stable revision.
 */
import * as k8s from '@kubernetes/client-node';
import { benchRolloutDocs } from './lib/fixtures.js';
import type { Obj } from './lib/object-watch.js';

const ROLLOUTS = { group: 'kanary.dev', version: 'v1alpha1', plural: 'rollouts' };
export const STEPS: Obj[] = [
  { setWeight: 10 }, { pause: { duration: '5m' } }, { setWeight: 30 }, { pause: {} }, { setWeight: 60 }, { pause: { duration: '10m' } },
];
const WEIGHT_AT_STEP = [10, 10, 30, 30, 60, 60];

export const rolloutName = (i: number): string => `svc-${String(i).padStart(3, '0')}`;

/** Runs work over items with at most `limit` in flight. */
export async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function hashes(i: number): { stable: string; canary: string } {
  return { stable: `5d8f${(i * 7919) % 100_000}`, canary: `7c4b${(i * 104_729) % 100_000}` };
}

/** The status of Rollout i as the controller would have written it (`at` is the decision time). */
export function benchStatus(i: number, at: string): Obj {
  const { stable, canary } = hashes(i);
  const base = { observedGeneration: 1, replicas: 4, updatedReplicas: 4, readyReplicas: 4, availableReplicas: 4, selector: `app=${rolloutName(i)}` };
  if (i % 2 === 1) {
    const lastDecision = `Completed by controller: revision 3 is stable (${stable})`;
    return {
      ...base, phase: 'Healthy', stableRS: stable, currentPodHash: stable, currentStepIndex: STEPS.length, currentStepHash: 'steps1',
      canary: { weights: { canary: { weight: 0, podTemplateHash: stable }, stable: { weight: 100, podTemplateHash: stable } } },
      conditions: [{ type: 'Available', status: 'True', reason: 'AvailableReason', message: 'Rollout has minimum availability', lastUpdateTime: at, lastTransitionTime: at }],
      journal: { lastDecision, recorded: 9, entries: [{ time: at, revision: 3, decision: 'Completed', by: 'controller', reason: 'all steps done' }] },
    };
  }
  const step = (i / 2) % STEPS.length;
  const weight = WEIGHT_AT_STEP[step] ?? 0;
  const paused = STEPS[step]?.pause !== undefined;
  const lastDecision = paused ? `PauseStarted by controller at step ${step}` : `WeightSet by controller at step ${step}: canary weight ${weight}%`;
  return {
    ...base, phase: paused ? 'Paused' : 'Progressing', message: paused ? 'CanaryPauseStep' : `setting canary weight ${weight}`,
    stableRS: stable, currentPodHash: canary, currentStepIndex: step, currentStepHash: 'steps1', updatedReplicas: 1,
    ...(paused ? { pauseConditions: [{ reason: 'CanaryPauseStep', startTime: at }] } : {}),
    canary: { weights: { canary: { weight, podTemplateHash: canary }, stable: { weight: 100 - weight, podTemplateHash: stable } } },
    conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `Rollout is progressing at step ${step}`, lastUpdateTime: at, lastTransitionTime: at }],
    journal: {
      lastDecision, recorded: 3 + step,
      entries: [
        { time: at, revision: 4, decision: 'RevisionStarted', by: 'controller', reason: 'new pod template' },
        { time: at, revision: 4, step, decision: paused ? 'PauseStarted' : 'WeightSet', by: 'controller', reason: lastDecision, fromWeight: 0, weight },
      ],
    },
  };
}

/** The Rollout (and, mid-release, its canary Mapping) of index i. */
export function benchDocs(i: number): Obj[] {
  const name = rolloutName(i);
  const image = `registry.example.com/shop/${name}:1.${i % 9}.${i % 4}`;
  const docs = benchRolloutDocs({ name, replicas: 4, image, steps: STEPS, headless: true });
  const rollout = docs.find((d) => d.kind === 'Rollout') as Obj;
  if (i % 2 === 1) return [rollout];
  const weight = WEIGHT_AT_STEP[(i / 2) % STEPS.length] ?? 0;
  const canaryMapping = {
    apiVersion: 'getambassador.io/v2', kind: 'Mapping', metadata: { name: `${name}-canary` },
    spec: { prefix: `/${name}/`, service: `${name}-canary:80`, weight },
  };
  return [rollout, canaryMapping];
}

/** A JSON merge patch of a Rollout's /status; resolves once the API server answered. */
export async function patchStatus(kc: k8s.KubeConfig, namespace: string, name: string, status: Obj): Promise<void> {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  await custom.patchNamespacedCustomObjectStatus({ ...ROLLOUTS, namespace, name, body: { status } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
}

/** Creates the N Rollouts (with `concurrency` in flight) and writes their statuses. */
export async function createBenchRollouts(kc: k8s.KubeConfig, namespace: string, count: number, concurrency = 10): Promise<void> {
  const client = k8s.KubernetesObjectApi.makeApiClient(kc);
  const at = new Date().toISOString();
  const indexes = Array.from({ length: count }, (_, i) => i);
  await forEachBounded(indexes, concurrency, async (i) => {
    for (const doc of benchDocs(i)) await client.create({ ...doc, metadata: { ...doc.metadata, namespace } } as k8s.KubernetesObject);
    await patchStatus(kc, namespace, rolloutName(i), benchStatus(i, at));
  });
}
