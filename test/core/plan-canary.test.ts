// planCanary driven through the tiny cluster model of test/core/canary-model.ts (ReplicaSets that
// become available, a route, Services, AnalysisRuns, intents as the CLI patches them).
import { computeIntentPatch } from '../../src/core/intent-patches.js';
import { planCanary } from '../../src/core/plan-canary.js';
import {
  deployed, hashOf, intent, makeRollout, newCluster, reconcile, replicasOf, rsOf, runFor, setImage, settle, snapshotOf, startPods,
  type Cluster,
} from './canary-model.js';

// ------------------------------------------------------------------ scenarios

describe('initial deploy', () => {
  test('the first ReplicaSet goes straight to replicas and becomes stable; both Services select it', () => {
    const c = newCluster(makeRollout());
    const first = reconcile(c, { pods: false });
    expect(first.actions[0]).toMatchObject({ type: 'createReplicaSet', name: `web-${hashOf('v1')}`, replicas: 10, revision: 1 });
    expect(first.status.stableRS).toBe(hashOf('v1'));
    expect(first.status.phase).toBe('Progressing');
    const plan = settle(c);
    expect(replicasOf(c, 'v1')).toBe(10);
    expect(c.services.stable?.selectorHash).toBe(hashOf('v1'));
    expect(c.services.canary?.selectorHash).toBe(hashOf('v1'));
    expect(c.route).toBeNull();
    expect(plan.status.phase).toBe('Healthy');
    expect(plan.status.currentStepIndex).toBe(6);
  });

  test('an idle healthy rollout yields no actions and an unchanged status', () => {
    const c = deployed();
    c.now += 3_600_000;
    const before = c.rollout.status;
    const plan = planCanary(snapshotOf(c), c.now);
    expect(plan.actions).toEqual([]);
    expect(plan.status).toEqual(before);
    expect(plan.requeueAfterMs).toBeUndefined();
  });
});

describe('update with traffic routing (Ambassador example)', () => {
  test('canary scales to 3, the weight is written only once the 3 pods are available, then Paused', () => {
    const c = deployed();
    setImage(c, 'v2');
    const create = reconcile(c, { pods: false });
    expect(create.actions).toContainEqual(expect.objectContaining({ type: 'createReplicaSet', replicas: 0, revision: 2 }));
    expect(create.status.currentStepIndex).toBe(0);
    const scale = reconcile(c, { pods: false });
    expect(scale.actions).toContainEqual(expect.objectContaining({ type: 'scaleReplicaSet', name: `web-${hashOf('v2')}`, replicas: 3 }));
    expect(scale.actions.some((a) => a.type === 'setCanaryWeight')).toBe(false);
    const notYet = reconcile(c, { pods: false });
    expect(notYet.actions.some((a) => a.type === 'setCanaryWeight')).toBe(false);
    startPods(c);
    const plan = settle(c);
    expect(c.route?.weightPercent).toBe(30);
    expect(c.services.canary?.selectorHash).toBe(hashOf('v2'));
    expect(replicasOf(c, 'v2')).toBe(3);
    expect(replicasOf(c, 'v1')).toBe(10);
    expect(plan.status.phase).toBe('Paused');
    expect(plan.status.currentStepIndex).toBe(1);
    expect(plan.status.pauseConditions?.[0]?.reason).toBe('CanaryPauseStep');
    expect(plan.status.canary?.weights?.canary).toEqual({ weight: 30, podTemplateHash: hashOf('v2') });
  });

  test('setting the weight and moving the canary Service happen in a safe order', () => {
    const c = deployed();
    setImage(c, 'v2');
    reconcile(c);
    reconcile(c);
    const plan = reconcile(c);
    const types = plan.actions.map((a) => a.type).filter((t) => t !== 'recordEvent');
    expect(types.indexOf('setServiceSelector')).toBeLessThan(types.indexOf('setCanaryWeight'));
  });

  test('the weight waits for the canary Service\'s endpoints to follow its selector', () => {
    const c = deployed();
    setImage(c, 'v2');
    reconcile(c);
    reconcile(c);
    const endpointsAre = (...images: string[]) => {
      c.services.canary = { name: 'web-canary', selectorHash: c.services.canary?.selectorHash, endpointHashes: images.map(hashOf) };
    };
    endpointsAre('v1');
    const switched = reconcile(c);
    expect(switched.actions).toContainEqual(expect.objectContaining({ type: 'setServiceSelector', role: 'canary', podTemplateHash: hashOf('v2') }));
    expect(switched.actions.some((a) => a.type === 'setCanaryWeight')).toBe(false);
    endpointsAre('v1'); // the endpoints controller has not caught up with the new selector
    expect(reconcile(c).actions.some((a) => a.type === 'setCanaryWeight')).toBe(false);
    endpointsAre('v1', 'v2');
    const mixed = reconcile(c);
    expect(mixed.actions.some((a) => a.type === 'setCanaryWeight')).toBe(false);
    expect(mixed.status.currentStepIndex).toBe(0);
    endpointsAre('v2');
    reconcile(c);
    expect(c.route?.weightPercent).toBe(30);
    expect(c.weightHistory).toEqual([30]);
  });

  test('promote three times: 60, 100, then promotion; route removed after the delay and old RS after scaleDownDelaySeconds', () => {
    const c = deployed();
    setImage(c, 'v2');
    settle(c);
    intent(c, 'promote');
    let plan = settle(c);
    expect(c.route?.weightPercent).toBe(60);
    expect(replicasOf(c, 'v2')).toBe(6);
    expect(plan.status.currentStepIndex).toBe(3);
    intent(c, 'promote');
    plan = settle(c);
    expect(c.route?.weightPercent).toBe(100);
    expect(replicasOf(c, 'v2')).toBe(10);
    expect(plan.status.phase).toBe('Paused');
    intent(c, 'promote');
    plan = settle(c);
    expect(plan.status.stableRS).toBe(hashOf('v2'));
    expect(c.services.stable?.selectorHash).toBe(hashOf('v2'));
    expect(c.route?.weightPercent).toBe(0);
    expect(plan.requeueAfterMs).toBe(5000);
    expect(replicasOf(c, 'v1')).toBe(10);
    plan = runFor(c, 5000);
    expect(c.route).toBeNull();
    expect(replicasOf(c, 'v1')).toBe(10);
    plan = runFor(c, 25_000);
    expect(replicasOf(c, 'v1')).toBe(0);
    expect(rsOf(c, 'v1')?.scaleDownDeadlineMs).toBeUndefined();
    expect(plan.status.phase).toBe('Healthy');
    expect(plan.requeueAfterMs).toBeUndefined();
    expect(c.weightHistory).toEqual([30, 60, 100, 0]);
  });

  test('repeating the same promote patch never skips a second step', () => {
    const c = deployed();
    setImage(c, 'v2');
    settle(c);
    const patch = computeIntentPatch('promote', c.rollout);
    expect(patch).toEqual({ target: 'status', conditional: true, body: { status: { pauseConditions: null, controllerPause: false, currentStepIndex: 2 } } });
    intent(c, 'promote');
    settle(c);
    // the same body applied again (a retried request)
    c.rollout = { ...c.rollout, status: { ...c.rollout.status, currentStepIndex: 2 } };
    const plan = settle(c);
    expect(plan.status.currentStepIndex).toBe(3);
    expect(c.route?.weightPercent).toBe(60);
  });

  test('timed pauses requeue for exactly the time left and advance on their own', () => {
    const c = deployed({ steps: [{ setWeight: 30 }, { pause: { duration: '30s' } }, { setWeight: 60 }, { pause: { duration: 30 } }] });
    setImage(c, 'v2');
    let plan = settle(c);
    expect(plan.status.phase).toBe('Paused');
    expect(plan.requeueAfterMs).toBe(30_000);
    c.now += 12_000;
    plan = settle(c);
    expect(plan.requeueAfterMs).toBe(18_000);
    plan = runFor(c, 18_000);
    expect(c.route?.weightPercent).toBe(60);
    expect(plan.status.currentStepIndex).toBe(3);
    plan = runFor(c, 30_000);
    expect(plan.status.stableRS).toBe(hashOf('v2'));
  });

  test('at promotion the stable Service moves to the new pods before the canary weight drops to 0', () => {
    const c = deployed({ steps: [{ setWeight: 50 }, { pause: {} }] });
    setImage(c, 'v2');
    settle(c);
    intent(c, 'promote');
    const plans = Array.from({ length: 4 }, () => reconcile(c));
    const promotion = plans.find((p) => p.actions.some((a) => a.type === 'setServiceSelector' && a.role === 'stable'));
    const types = (promotion?.actions ?? []).map((a) => a.type).filter((t) => t !== 'recordEvent');
    expect(types).toContain('setCanaryWeight');
    expect(types.indexOf('setServiceSelector')).toBeLessThan(types.indexOf('setCanaryWeight'));
  });

  test('promote --full during a pause goes straight to 100 and completes', () => {
    const c = deployed();
    setImage(c, 'v2');
    settle(c);
    intent(c, 'promoteFull');
    const plan = runFor(c, 60_000);
    expect(plan.status.stableRS).toBe(hashOf('v2'));
    expect(plan.status.promoteFull).toBeUndefined();
    expect(plan.status.phase).toBe('Healthy');
    expect(c.weightHistory).toEqual([30, 100, 0]);
    expect(replicasOf(c, 'v1')).toBe(0);
  });

  test('no steps: the new revision takes all traffic once available, then becomes stable', () => {
    const c = deployed({ steps: [] });
    setImage(c, 'v2');
    const plan = runFor(c, 60_000);
    expect(plan.status.stableRS).toBe(hashOf('v2'));
    expect(c.weightHistory).toEqual([100, 0]);
  });
});

describe('abort and retry', () => {
  test('abort: weight 0 in the same plan, canary Service back to stable, canary scaled to 0 after the delay; Degraded', () => {
    const c = deployed();
    setImage(c, 'v2');
    settle(c);
    intent(c, 'abort');
    const plan = reconcile(c);
    expect(plan.actions[0]).toEqual({ type: 'setCanaryWeight', weightPercent: 0 });
    expect(plan.actions).toContainEqual(expect.objectContaining({ type: 'setServiceSelector', role: 'canary', podTemplateHash: hashOf('v1') }));
    expect(plan.actions).toContainEqual({ type: 'scaleReplicaSet', name: `web-${hashOf('v2')}`, replicas: 3, scaleDownDeadlineMs: c.now + 30_000 });
    expect(plan.status.phase).toBe('Degraded');
    expect(plan.status.abortedAt).toBe(new Date(c.now).toISOString());
    expect(plan.status.pauseConditions).toBeUndefined();
    expect(plan.requeueAfterMs).toBe(5000);
    const later = runFor(c, 30_000);
    expect(c.route).toBeNull();
    expect(replicasOf(c, 'v2')).toBe(0);
    expect(replicasOf(c, 'v1')).toBe(10);
    expect(later.status.phase).toBe('Degraded');
    expect(later.status.message).toBe('RolloutAborted: Rollout aborted by user');
  });

  test('retry restarts the steps from 0', () => {
    const c = deployed();
    setImage(c, 'v2');
    settle(c);
    intent(c, 'promote');
    settle(c);
    intent(c, 'abort');
    runFor(c, 30_000);
    intent(c, 'retry');
    const plan = settle(c);
    expect(plan.status.abort).toBeUndefined();
    expect(plan.status.abortedAt).toBeUndefined();
    expect(plan.status.currentStepIndex).toBe(1);
    expect(plan.status.phase).toBe('Paused');
    expect(c.route?.weightPercent).toBe(30);
    expect(c.events).toContain('RolloutRetried');
  });
});

describe('new revisions mid-rollout', () => {
  test('v3 while v2 is at 30%: traffic back to stable until v3 is available, v2 drained, steps restart', () => {
    const c = deployed();
    setImage(c, 'v2');
    settle(c);
    setImage(c, 'v3');
    const first = reconcile(c, { pods: false });
    expect(first.actions).toContainEqual({ type: 'setCanaryWeight', weightPercent: 0 });
    expect(first.status.currentStepIndex).toBe(0);
    expect(first.status.pauseConditions).toBeUndefined();
    const plan = runFor(c, 60_000);
    expect(c.route?.weightPercent).toBe(30);
    expect(c.services.canary?.selectorHash).toBe(hashOf('v3'));
    expect(replicasOf(c, 'v3')).toBe(3);
    expect(replicasOf(c, 'v2')).toBe(0);
    expect(plan.status.currentStepIndex).toBe(1);
  });

  test('fast rollback: the template returns to the stable hash, weight 0 at once, no steps', () => {
    const c = deployed();
    setImage(c, 'v2');
    settle(c);
    setImage(c, 'v1');
    const plan = reconcile(c);
    expect(plan.actions).toContainEqual({ type: 'setCanaryWeight', weightPercent: 0 });
    expect(plan.status.currentStepIndex).toBe(6);
    expect(plan.status.stableRS).toBe(hashOf('v1'));
    expect(c.events).toContain('RolloutFastRollback');
    const later = runFor(c, 60_000);
    expect(later.status.phase).toBe('Healthy');
    expect(replicasOf(c, 'v2')).toBe(0);
    expect(c.route).toBeNull();
  });
});

describe('canary pods that never become available', () => {
  test('the weight never rises above 0 and progressDeadlineAbort aborts', () => {
    const c = deployed({ spec: { progressDeadlineSeconds: 120, progressDeadlineAbort: true } });
    c.broken.add(hashOf('v2'));
    setImage(c, 'v2');
    let plan = settle(c);
    expect(plan.requeueAfterMs).toBe(120_000);
    expect(plan.status.phase).toBe('Progressing');
    plan = runFor(c, 120_000);
    expect(c.weightHistory).toEqual([]);
    expect(plan.status.abort).toBe(true);
    expect(plan.status.phase).toBe('Degraded');
    expect(plan.status.message).toContain('progress deadline exceeded');
  });

  test('without progressDeadlineAbort the rollout is Degraded but not aborted', () => {
    const c = deployed({ spec: { progressDeadlineSeconds: 60 } });
    c.broken.add(hashOf('v2'));
    setImage(c, 'v2');
    const plan = runFor(c, 61_000);
    expect(plan.status.abort).toBeUndefined();
    expect(plan.status.phase).toBe('Degraded');
    expect(plan.status.conditions?.find((x) => x.type === 'Progressing')?.reason).toBe('ProgressDeadlineExceeded');
  });
});

describe('analysis', () => {
  const steps = [{ setWeight: 20 }, { analysis: { templates: [{ templateName: 'success-rate' }] } }, { setWeight: 50 }, { pause: {} }];

  function atAnalysis(): Cluster {
    const c = deployed({ steps, canary: { analysis: { templates: [{ templateName: 'p99' }], startingStep: 1 } } });
    setImage(c, 'v2');
    settle(c);
    return c;
  }

  test('a step analysis run is created with a deterministic name and gates the step', () => {
    const c = atAnalysis();
    const stepRun = c.runs.find((r) => !r.background);
    expect(stepRun?.name).toBe(`web-${hashOf('v2')}-2-1`);
    expect(c.runs.find((r) => r.background)?.name).toBe(`web-${hashOf('v2')}-2`);
    expect(c.rollout.status?.currentStepIndex).toBe(1);
    expect(c.rollout.status?.canary?.currentStepAnalysisRunStatus).toEqual({ name: stepRun?.name, status: 'Running' });
    stepRun!.phase = 'Successful';
    const plan = settle(c);
    expect(plan.status.currentStepIndex).toBe(3);
    expect(c.route?.weightPercent).toBe(50);
    expect(stepRun!.terminated).toBe(true);
  });

  test('a failed step analysis aborts with the run message and weight 0 in the same plan', () => {
    const c = atAnalysis();
    const stepRun = c.runs.find((r) => !r.background)!;
    stepRun.phase = 'Failed';
    stepRun.message = 'success-rate: 0.81 < 0.95';
    const plan = reconcile(c);
    expect(plan.actions).toContainEqual({ type: 'setCanaryWeight', weightPercent: 0 });
    expect(plan.actions).toContainEqual({ type: 'terminateAnalysisRun', name: `web-${hashOf('v2')}-2` });
    expect(plan.status.phase).toBe('Degraded');
    expect(plan.status.message).toContain('success-rate: 0.81 < 0.95');
  });

  test('retry after a failed analysis creates fresh runs', () => {
    const c = atAnalysis();
    c.runs.find((r) => !r.background)!.phase = 'Failed';
    runFor(c, 40_000);
    intent(c, 'retry');
    settle(c);
    const names = c.runs.filter((r) => r.terminated !== true).map((r) => r.name).sort();
    expect(names).toEqual([`web-${hashOf('v2')}-2-1.1`, `web-${hashOf('v2')}-2.1`]);
  });

  test('inconclusive step analysis pauses; promote continues past it', () => {
    const c = atAnalysis();
    c.runs.find((r) => !r.background)!.phase = 'Inconclusive';
    let plan = settle(c);
    expect(plan.status.phase).toBe('Paused');
    expect(plan.status.pauseConditions?.[0]?.reason).toBe('InconclusiveAnalysisRun');
    intent(c, 'promote');
    plan = settle(c);
    expect(plan.status.currentStepIndex).toBe(3);
  });

  test('background analysis failing aborts; inconclusive pauses and promote accepts it with a fresh run', () => {
    const c = atAnalysis();
    const background = c.runs.find((r) => r.background)!;
    background.phase = 'Inconclusive';
    let plan = settle(c);
    expect(plan.status.pauseConditions?.map((p) => p.reason)).toEqual(['InconclusiveAnalysisRun']);
    const patch = computeIntentPatch('promote', c.rollout);
    expect(patch.body.status).not.toHaveProperty('currentStepIndex');
    intent(c, 'promote');
    plan = settle(c);
    expect(background.terminated).toBe(true);
    const fresh = c.runs.find((r) => r.background && r.terminated !== true)!;
    expect(fresh.name).toBe(`web-${hashOf('v2')}-2.1`);
    expect(plan.status.currentStepIndex).toBe(1);
    fresh.phase = 'Error';
    plan = reconcile(c);
    expect(plan.status.abort).toBe(true);
    expect(plan.actions).toContainEqual({ type: 'setCanaryWeight', weightPercent: 0 });
  });

  test('background runs are terminated at promotion', () => {
    const c = atAnalysis();
    c.runs.find((r) => !r.background)!.phase = 'Successful';
    settle(c);
    intent(c, 'promote');
    runFor(c, 60_000);
    expect(c.rollout.status?.stableRS).toBe(hashOf('v2'));
    expect(c.runs.every((r) => r.terminated === true)).toBe(true);
  });
});

describe('basic canary (no traffic routing)', () => {
  test('replica counts follow the basic canary math step by step', () => {
    const c = deployed({ trafficRouted: false, steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: {} }], canary: { maxSurge: 1, maxUnavailable: 0 } });
    setImage(c, 'v2');
    let plan = settle(c);
    expect([replicasOf(c, 'v2'), replicasOf(c, 'v1')]).toEqual([2, 8]);
    expect(plan.status.phase).toBe('Paused');
    expect(plan.actions).toEqual([]);
    intent(c, 'promote');
    plan = settle(c);
    expect([replicasOf(c, 'v2'), replicasOf(c, 'v1')]).toEqual([5, 5]);
    intent(c, 'promote');
    plan = settle(c);
    expect(plan.status.stableRS).toBe(hashOf('v2'));
    expect([replicasOf(c, 'v2'), replicasOf(c, 'v1')]).toEqual([10, 0]);
    expect(plan.status.phase).toBe('Healthy');
    expect(c.route).toBeNull();
  });
});

describe('ownership, invalid spec, history', () => {
  test('invalid spec: Degraded with InvalidSpec, one Warning event, recheck in 20 s', () => {
    const c = deployed();
    c.specProblems = ['Service web-canary not found'];
    const plan = reconcile(c);
    expect(plan.actions).toEqual([{ type: 'recordEvent', eventType: 'Warning', reason: 'InvalidSpec', message: 'Service web-canary not found' }]);
    expect(plan.status.phase).toBe('Degraded');
    expect(plan.requeueAfterMs).toBe(20_000);
    expect(reconcile(c).actions).toEqual([]);
    c.specProblems = [];
    const fixed = settle(c);
    expect(fixed.status.phase).toBe('Healthy');
    expect(fixed.status.conditions?.some((x) => x.type === 'InvalidSpec')).toBe(false);
  });

  test('a ReplicaSet with our name that we do not own is never touched', () => {
    const c = newCluster(makeRollout());
    c.replicaSets.push({ name: `web-${hashOf('v1')}`, podTemplateHash: hashOf('v1'), revision: 1, specReplicas: 2, readyReplicas: 2, availableReplicas: 2, ownedByRollout: false });
    const plan = reconcile(c);
    expect(plan.actions.filter((a) => a.type !== 'recordEvent')).toEqual([]);
    expect(plan.actions[0]).toMatchObject({ eventType: 'Warning', reason: 'InvalidSpec' });
    expect(plan.status.phase).toBe('Degraded');
  });

  test('revisionHistoryLimit deletes the oldest scaled-down ReplicaSets', () => {
    const c = deployed({ steps: [], spec: { revisionHistoryLimit: 1 } });
    for (const image of ['v2', 'v3', 'v4']) {
      setImage(c, image);
      runFor(c, 60_000);
    }
    expect(c.replicaSets.map((r) => r.podTemplateHash).sort()).toEqual([hashOf('v3'), hashOf('v4')].sort());
  });

  test('spec.paused freezes the steps and reports Paused', () => {
    const c = deployed({ steps: [{ setWeight: 30 }, { pause: { duration: 10 } }, { setWeight: 60 }] });
    setImage(c, 'v2');
    settle(c);
    intent(c, 'pause');
    const plan = runFor(c, 60_000);
    expect(plan.status.phase).toBe('Paused');
    expect(plan.status.message).toBe('manually paused');
    expect(plan.status.currentStepIndex).toBe(1);
    intent(c, 'promote');
    expect(c.rollout.spec.paused).toBe(false);
    const resumed = runFor(c, 60_000);
    expect(resumed.status.stableRS).toBe(hashOf('v2'));
  });
});
