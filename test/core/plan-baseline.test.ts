// Issue 17: canary.baseline through planCanary on the cluster model: a ReplicaSet of the stable
// template at the canary's size, the canary's weight on its own Mapping (stable gets 100 − 2w),
// removed at promotion, abort and replaced with a fresh one for the next stable revision.
import { computeBaselineHash } from '../../src/core/baseline.js';
import type { ReplicaSetView } from '../../src/core/snapshot.js';
import { deployed, hashOf, intent, reconcile, replicasOf, runFor, setImage, settle, startPods, type Cluster } from './canary-model.js';

const STEPS = [{ setWeight: 20 }, { pause: {} }, { setWeight: 40 }, { pause: {} }];

function withBaseline(): Cluster {
  const c = deployed({ steps: STEPS, canary: { baseline: { service: 'web-baseline' } } });
  c.services.baseline = { name: 'web-baseline' };
  return c;
}

const baselines = (c: Cluster): ReplicaSetView[] => c.replicaSets.filter((rs) => rs.role === 'baseline');

function pausedAtFirstStep(): Cluster {
  const c = withBaseline();
  setImage(c, 'v2');
  settle(c);
  return c;
}

/** Reconciles until settled, checking after every plan that the group's weights never sum over 100. */
function settleWithinHundred(c: Cluster): void {
  for (let i = 0; i < 30; i += 1) {
    startPods(c);
    const plan = reconcile(c);
    expect((c.route?.weightPercent ?? 0) + (c.baselineWeight ?? 0)).toBeLessThanOrEqual(100);
    if (plan.actions.length === 0) return;
  }
  throw new Error('did not settle');
}

describe('canary.baseline in planCanary', () => {
  test('nothing while the rollout is at rest', () => {
    const c = withBaseline();
    expect(baselines(c)).toEqual([]);
    expect(c.baselineWeight).toBeUndefined();
    expect(c.rollout.status?.canary?.weights?.baseline).toBeUndefined();
  });

  test('at 20 %: the baseline has the stable template\'s hash-derived name, the canary\'s size and weight; stable gets 60', () => {
    const c = pausedAtFirstStep();
    const [baseline, ...more] = baselines(c);
    expect(more).toEqual([]);
    expect(baseline).toMatchObject({ name: `web-${computeBaselineHash(hashOf('v1'))}`, podTemplateHash: computeBaselineHash(hashOf('v1')), specReplicas: 2 });
    expect(replicasOf(c, 'v2')).toBe(2);
    expect(replicasOf(c, 'v1')).toBe(10);
    expect(c.route?.weightPercent).toBe(20);
    expect(c.baselineWeight).toBe(20);
    expect(c.services.baseline?.selectorHash).toBe(baseline?.podTemplateHash);
    expect(c.rollout.status?.phase).toBe('Paused');
    expect(c.rollout.status?.canary?.weights).toEqual({
      canary: { weight: 20, podTemplateHash: hashOf('v2') },
      baseline: { weight: 20, podTemplateHash: baseline?.podTemplateHash },
      stable: { weight: 60, podTemplateHash: hashOf('v1') },
    });
  });

  test('the baseline is created from the stable ReplicaSet', () => {
    const c = withBaseline();
    setImage(c, 'v2');
    const plans = [reconcile(c), reconcile(c), reconcile(c)];
    const create = plans.flatMap((p) => p.actions).find((a) => a.type === 'createBaselineReplicaSet');
    expect(create).toEqual({ type: 'createBaselineReplicaSet', name: `web-${computeBaselineHash(hashOf('v1'))}`, podTemplateHash: computeBaselineHash(hashOf('v1')), stableReplicaSet: `web-${hashOf('v1')}`, replicas: 2 });
  });

  test('the canary weight waits for the baseline\'s pods: both arms always carry the same share', () => {
    const c = withBaseline();
    c.broken.add(computeBaselineHash(hashOf('v1')));
    setImage(c, 'v2');
    settle(c);
    expect(c.rollout.status?.currentStepIndex).toBe(0);
    expect(rsAvailable(c, 'v2')).toBe(2);
    expect(c.route?.weightPercent ?? 0).toBe(0);
    expect(c.baselineWeight ?? 0).toBe(0);
    c.broken.clear();
    settle(c);
    expect([c.route?.weightPercent, c.baselineWeight]).toEqual([20, 20]);
  });

  test('the next step sizes and weights both arms alike', () => {
    const c = pausedAtFirstStep();
    intent(c, 'promote');
    settle(c);
    expect(c.rollout.status?.currentStepIndex).toBe(3);
    expect(baselines(c).map((rs) => rs.specReplicas)).toEqual([4]);
    expect(replicasOf(c, 'v2')).toBe(4);
    expect([c.route?.weightPercent, c.baselineWeight]).toEqual([40, 40]);
    expect(c.rollout.status?.canary?.weights?.stable.weight).toBe(20);
  });

  test('promotion: baseline weight 0 first, then its pods, its ReplicaSet and Mapping go; weights never sum over 100', () => {
    const c = pausedAtFirstStep();
    intent(c, 'promote');
    settle(c);
    intent(c, 'promote');
    settleWithinHundred(c);
    runFor(c, 60_000);
    expect(c.rollout.status?.stableRS).toBe(hashOf('v2'));
    expect(c.rollout.status?.phase).toBe('Healthy');
    expect(baselines(c)).toEqual([]);
    expect(c.baselineWeight).toBeUndefined();
    expect(c.route).toBeNull();
    expect(c.rollout.status?.canary?.weights?.baseline).toBeUndefined();
  });

  test('promote --full removes the baseline as well', () => {
    const c = pausedAtFirstStep();
    intent(c, 'promoteFull');
    settleWithinHundred(c);
    runFor(c, 60_000);
    expect(c.rollout.status?.stableRS).toBe(hashOf('v2'));
    expect(baselines(c)).toEqual([]);
    expect(c.baselineWeight).toBeUndefined();
  });

  test('abort: both weights 0 at once, then the baseline goes; stable takes everything', () => {
    const c = pausedAtFirstStep();
    intent(c, 'abort');
    reconcile(c);
    expect([c.route?.weightPercent, c.baselineWeight]).toEqual([0, 0]);
    runFor(c, 60_000);
    expect(c.rollout.status?.phase).toBe('Degraded');
    expect(baselines(c)).toEqual([]);
    expect(c.route).toBeNull();
    expect(replicasOf(c, 'v1')).toBe(10);
    expect(replicasOf(c, 'v2')).toBe(0);
  });

  test('a new revision mid-rollout keeps the baseline of the same stable, sized to the new canary', () => {
    const c = pausedAtFirstStep();
    const before = baselines(c).map((rs) => rs.name);
    setImage(c, 'v3');
    settle(c);
    runFor(c, 60_000);
    expect(c.rollout.status?.currentPodHash).toBe(hashOf('v3'));
    expect(baselines(c).map((rs) => rs.name)).toEqual(before);
    expect(baselines(c).map((rs) => rs.specReplicas)).toEqual([replicasOf(c, 'v3')]);
    expect([c.route?.weightPercent, c.baselineWeight]).toEqual([20, 20]);
  });

  test('the next release after a promotion gets a fresh baseline of the new stable template', () => {
    const c = pausedAtFirstStep();
    intent(c, 'promoteFull');
    runFor(c, 60_000);
    setImage(c, 'v3');
    settle(c);
    expect(baselines(c).map((rs) => rs.podTemplateHash)).toEqual([computeBaselineHash(hashOf('v2'))]);
    expect(baselines(c)[0]?.specReplicas).toBe(2);
  });

  test('the baseline is never taken for an old revision: revisionHistoryLimit 0 and scale-down leave it alone', () => {
    const c = deployed({ steps: STEPS, canary: { baseline: { service: 'web-baseline' }, scaleDownDelaySeconds: 0 }, spec: { revisionHistoryLimit: 0 } });
    c.services.baseline = { name: 'web-baseline' };
    setImage(c, 'v2');
    settle(c);
    runFor(c, 60_000);
    expect(baselines(c).map((rs) => rs.specReplicas)).toEqual([2]);
    expect(replicasOf(c, 'v1')).toBe(10);
  });
});

function rsAvailable(c: Cluster, image: string): number {
  return c.replicaSets.find((rs) => rs.podTemplateHash === hashOf(image))?.availableReplicas ?? 0;
}
