/**
 * Rollout names at the Kubernetes limits (issue 13): Rollouts named with 1, 47, 52 and 63
 * characters each go through a canary with a step analysis to Healthy on the real controller. Pod
 * names of long Rollouts are truncated by the ReplicaSet controller, so the canary-readiness gate
 * must map EndpointSlice endpoints to ReplicaSets by label, never by name; every label that
 * carries the Rollout name stays a valid label value.
 */
import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { kubectl, useTestNamespace, waitFor } from '../harness/cluster.js';
import { analysisStep, analysisTemplate, exampleDocs, gaugeMetric, startAnalysisStack, type AnalysisStack } from '../analysis-e2e/analysis-e2e-fixtures.js';
import { applyDocs, type Obj } from './rollout-fixtures.js';

jest.setTimeout(180_000);

const ns = useTestNamespace('long-names');
let stack: AnalysisStack;

beforeAll(async () => {
  stack = await startAnalysisStack(ns, { ok: 0.01 });
  await applyDocs(ns.name, [analysisTemplate('healthy', [gaugeMetric({ count: 2, successCondition: 'result[0] < 0.05' })])]);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

function nameOfLength(length: number): string {
  const letters = 'long-rollout-name-at-the-limit-of-kubernetes-label-values-abcdefghij';
  return length === 1 ? 'r' : `${letters.slice(0, length - 1)}z`;
}

function docsFor(name: string, image: string, steps: Obj[]): Obj[] {
  return exampleDocs({ image, steps }).map((doc) => (doc.kind === 'Rollout' ? { ...doc, metadata: { ...doc.metadata, name } } : doc));
}

async function waitForRollout(name: string, accept: (status: Obj) => boolean, description: string): Promise<Obj> {
  return waitFor(async () => {
    const status = ((await stack.view.rollout(name)).status ?? {}) as Obj;
    return accept(status) ? status : undefined;
  }, { timeoutMs: 90_000, intervalMs: 250, description: `${name}: ${description}` });
}

const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

test.each([1, 47, 52, 63])('a Rollout named with %i characters goes through a canary with analysis', async (length) => {
  const name = nameOfLength(length);
  expect(name).toHaveLength(length);
  await applyDocs(ns.name, docsFor(name, 'kanary/demo-app:v1', []));
  const first = await waitForRollout(name, (s) => s.phase === 'Healthy' && s.availableReplicas === 2, 'Healthy');
  await applyDocs(ns.name, docsFor(name, 'kanary/demo-app:v2', [{ setWeight: 50 }, analysisStep(['healthy'], 'ok')]));
  // The weight rises only once the canary Service's EndpointSlices list the canary pods.
  await waitFor(async () => ((await stack.view.canaryWeight()) === 50 ? true : undefined), { timeoutMs: 60_000, description: `${name}: canary weight 50` });
  const promoted = await waitForRollout(name, (s) => s.phase === 'Healthy' && s.stableRS !== first.stableRS, 'promoted');
  const runs = await stack.runs.ofHash(promoted.stableRS as string);
  expect(runs.map((r) => r.status?.phase)).toEqual(['Successful']);
  for (const run of runs) {
    for (const value of Object.values((run.metadata?.labels ?? {}) as Record<string, string>)) expect(value).toMatch(labelValue);
  }
  const pods = await ns.kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: ns.name, labelSelector: `rollouts-pod-template-hash=${promoted.stableRS}` });
  expect(pods.items.filter((p) => p.status?.phase === 'Running')).toHaveLength(2);
  await kubectl(['delete', 'rollouts.kanary.dev', name, '-n', ns.name, '--wait=true']);
});
