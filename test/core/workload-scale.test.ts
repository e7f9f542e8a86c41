// spec.workloadRef scaleDown (src/core/workload-scale.ts): never leaves the Deployment alone,
// onsuccess takes it to 0 once the Rollout is Healthy, progressively lowers it as the Rollout's
// pods become available; it is never raised, and an InvalidSpec Rollout touches nothing.
import type { WorkloadScaleDown } from '../../src/api/rollout.js';
import type { ScaleWorkloadAction } from '../../src/core/actions.js';
import { planRollout } from '../../src/core/plan-rollout.js';
import type { CanaryPlan } from '../../src/core/plan-canary.js';
import { computeWorkloadReplicas, type WorkloadScaleInput } from '../../src/core/workload-scale.js';
import type { WorkloadView } from '../../src/core/snapshot.js';
import { applyAction, makeRollout, newCluster, snapshotOf, startPods, type Cluster } from './canary-model.js';

const base: WorkloadScaleInput = { scaleDown: 'progressively', currentReplicas: 4, desiredReplicas: 4, availableReplicas: 0, healthy: false };

describe('computeWorkloadReplicas', () => {
  test.each<[string, Partial<WorkloadScaleInput>, number | undefined]>([
    ['never, Healthy: left alone', { scaleDown: 'never', healthy: true, availableReplicas: 4 }, undefined],
    ['onsuccess, not yet Healthy: left alone', { scaleDown: 'onsuccess', availableReplicas: 3 }, undefined],
    ['onsuccess, Healthy: 0', { scaleDown: 'onsuccess', healthy: true, availableReplicas: 4 }, 0],
    ['onsuccess, Healthy, already 0: nothing to write', { scaleDown: 'onsuccess', healthy: true, currentReplicas: 0 }, undefined],
    ['progressively, none available: left alone', {}, undefined],
    ['progressively, 1 of 4 available: 3', { availableReplicas: 1 }, 3],
    ['progressively, 3 of 4 available: 1', { availableReplicas: 3 }, 1],
    ['progressively, all available: 0', { availableReplicas: 4 }, 0],
    ['progressively, more available than desired (surge): floored at 0', { availableReplicas: 6 }, 0],
    ['progressively, already lower than desired − available: never raised', { currentReplicas: 1, availableReplicas: 2 }, undefined],
    ['progressively, Deployment with more replicas than the Rollout: desired − available', { currentReplicas: 10, availableReplicas: 1 }, 3],
  ])('%s', (_name, override, expected) => {
    expect(computeWorkloadReplicas({ ...base, ...override })).toBe(expected);
  });
});

// ------------------------------------------------------------------ over the canary model

interface WorkloadCluster {
  cluster: Cluster;
  workload: WorkloadView;
  /** The Deployment's replicas after each reconcile that wrote them. */
  writes: number[];
}

function workloadCluster(scaleDown: WorkloadScaleDown): WorkloadCluster {
  const rollout = makeRollout({
    trafficRouted: false,
    steps: [{ setWeight: 50 }, { pause: {} }],
    spec: { replicas: 4, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', scaleDown } },
  });
  return { cluster: newCluster(rollout), workload: { name: 'web', specReplicas: 4, generation: 3, resourceVersion: '100' }, writes: [] };
}

/** One reconcile; the pods of each ReplicaSet then become available up to `availableCap` in total. */
function reconcile(w: WorkloadCluster, availableCap = Number.POSITIVE_INFINITY): CanaryPlan {
  const plan = planRollout({ ...snapshotOf(w.cluster), workload: { ...w.workload } }, w.cluster.now);
  for (const action of plan.actions) {
    if (action.type === 'scaleWorkload') {
      w.workload.specReplicas = action.replicas;
      w.writes.push(action.replicas);
    } else {
      applyAction(w.cluster, action);
    }
  }
  w.cluster.rollout = { ...w.cluster.rollout, status: plan.status };
  startPods(w.cluster);
  let left = availableCap;
  for (const rs of w.cluster.replicaSets) {
    rs.availableReplicas = Math.min(rs.availableReplicas, left);
    rs.readyReplicas = rs.availableReplicas;
    left -= rs.availableReplicas;
  }
  return plan;
}

test('progressively: the Deployment goes down as the Rollout\'s pods become available, then to 0', () => {
  const w = workloadCluster('progressively');
  reconcile(w, 0);
  expect(w.writes).toEqual([]);
  reconcile(w, 1);
  reconcile(w, 1);
  expect(w.writes).toEqual([3]);
  reconcile(w, 3);
  reconcile(w);
  reconcile(w);
  expect(w.writes).toEqual([3, 1, 0]);
  expect(w.cluster.rollout.status?.phase).toBe('Healthy');
});

test('the write carries the Deployment\'s resourceVersion and an Event says what was scaled', () => {
  const w = workloadCluster('progressively');
  reconcile(w);
  const plan = reconcile(w);
  const action = plan.actions.find((a): a is ScaleWorkloadAction => a.type === 'scaleWorkload');
  expect(action).toEqual({ type: 'scaleWorkload', name: 'web', replicas: 0, resourceVersion: '100' });
  expect(plan.actions).toContainEqual(expect.objectContaining({ type: 'recordEvent', reason: 'ScalingWorkload', message: 'Scaled down Deployment web from 4 to 0 (workloadRef scaleDown progressively)' }));
});

test('onsuccess: nothing while the Rollout is Progressing, 0 once it is Healthy', () => {
  const w = workloadCluster('onsuccess');
  reconcile(w, 3);
  reconcile(w, 3);
  expect(w.cluster.rollout.status?.phase).toBe('Progressing');
  expect(w.writes).toEqual([]);
  reconcile(w);
  reconcile(w);
  expect(w.cluster.rollout.status?.phase).toBe('Healthy');
  expect(w.writes).toEqual([0]);
});

test('never: the Deployment keeps its replicas; status records the Deployment\'s generation', () => {
  const w = workloadCluster('never');
  for (let i = 0; i < 4; i += 1) reconcile(w);
  expect(w.cluster.rollout.status?.phase).toBe('Healthy');
  expect(w.writes).toEqual([]);
  expect(w.cluster.rollout.status?.workloadObservedGeneration).toBe('3');
});

test('an InvalidSpec Rollout (e.g. a missing Service) scales nothing, the Deployment included', () => {
  const w = workloadCluster('progressively');
  reconcile(w);
  w.cluster.specProblems = ['stableService "x" not found in namespace "default"'];
  const plan = reconcile(w);
  expect(plan.status.phase).toBe('Degraded');
  expect(plan.actions.filter((a) => a.type !== 'recordEvent')).toEqual([]);
  expect(w.writes).toEqual([]);
});

test('without workloadRef the plan has no workload action and no workloadObservedGeneration', () => {
  const c = newCluster(makeRollout({ trafficRouted: false }));
  const plan = planRollout({ ...snapshotOf(c), workload: { name: 'web', specReplicas: 4, generation: 1 } }, c.now);
  expect(plan.actions.some((a) => a.type === 'scaleWorkload')).toBe(false);
  expect(plan.status.workloadObservedGeneration).toBeUndefined();
});
