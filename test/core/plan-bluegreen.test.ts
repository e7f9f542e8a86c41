// Issue 22: the blue/green planner, transition by transition, through the cluster model.
import { activeOf, deployedBlueGreen, hashOf, intent, previewOf, reconcile, replicasOf, rsOf, runFor, setImage, setRunPhase, settle } from './bluegreen-model.js';

const V1 = hashOf('v1');
const V2 = hashOf('v2');

describe('initial deploy', () => {
  test('the first ReplicaSet goes to replicas and both Services select it', () => {
    const c = deployedBlueGreen();
    expect(replicasOf(c, 'v1')).toBe(4);
    expect(activeOf(c)).toBe(V1);
    expect(previewOf(c)).toBe(V1);
    expect(c.rollout.status?.phase).toBe('Healthy');
    expect(c.rollout.status?.blueGreen).toEqual({ activeSelector: V1, previewSelector: V1 });
    expect(c.rollout.status?.canary).toBeUndefined();
  });
});

describe('a new revision without gates', () => {
  test('preview first, then ONE active switch once the new ReplicaSet is fully available, then stable', () => {
    const c = deployedBlueGreen();
    setImage(c, 'v2');
    const created = reconcile(c, { pods: false });
    expect(created.actions.map((a) => a.type)).toContain('createReplicaSet');
    expect(rsOf(c, 'v2')?.specReplicas).toBe(0);
    reconcile(c, { pods: false });
    expect(replicasOf(c, 'v2')).toBe(4);
    expect(activeOf(c)).toBe(V1);
    // Pods of v2 partly available: preview moves, active does not.
    const rs = rsOf(c, 'v2');
    if (rs === undefined) throw new Error('no v2');
    rs.availableReplicas = 3;
    const partial = reconcile(c, { pods: false });
    expect(previewOf(c)).toBe(V2);
    expect(activeOf(c)).toBe(V1);
    expect(partial.actions.filter((a) => a.type === 'setServiceSelector').map((a) => a.type === 'setServiceSelector' && a.role)).toEqual(['preview']);
    rs.availableReplicas = 4;
    const switched = reconcile(c, { pods: false });
    const selectorWrites = switched.actions.filter((a) => a.type === 'setServiceSelector');
    expect(selectorWrites).toEqual([{ type: 'setServiceSelector', role: 'active', serviceName: 'web-active', podTemplateHash: V2 }]);
    expect(c.rollout.status?.stableRS).toBe(V2);
    expect(replicasOf(c, 'v1')).toBe(4);
  });

  test('the old ReplicaSet stays up for scaleDownDelaySeconds after the switch, then goes to 0', () => {
    const c = deployedBlueGreen({ scaleDownDelaySeconds: 30 });
    setImage(c, 'v2');
    settle(c);
    expect(activeOf(c)).toBe(V2);
    expect(replicasOf(c, 'v1')).toBe(4);
    expect(rsOf(c, 'v1')?.scaleDownDeadlineMs).toBe(c.now + 30_000);
    runFor(c, 29_000);
    expect(replicasOf(c, 'v1')).toBe(4);
    runFor(c, 1_000);
    expect(replicasOf(c, 'v1')).toBe(0);
    expect(c.rollout.status?.phase).toBe('Healthy');
  });

  test('previewReplicaCount sizes the preview; the ReplicaSet goes to replicas before the switch', () => {
    const c = deployedBlueGreen({ previewReplicaCount: 1, autoPromotionEnabled: false });
    setImage(c, 'v2');
    settle(c);
    expect(replicasOf(c, 'v2')).toBe(1);
    expect(previewOf(c)).toBe(V2);
    expect(c.rollout.status?.pauseConditions?.map((p) => p.reason)).toEqual(['BlueGreenPause']);
    intent(c, 'promote');
    const scaling = reconcile(c, { pods: false });
    expect(replicasOf(c, 'v2')).toBe(4);
    expect(scaling.actions.some((a) => a.type === 'setServiceSelector')).toBe(false);
    expect(activeOf(c)).toBe(V1);
    settle(c);
    expect(activeOf(c)).toBe(V2);
    expect(c.rollout.status?.stableRS).toBe(V2);
  });
});

describe('promotion pause', () => {
  test('autoPromotionEnabled false waits for kanary promote, however long', () => {
    const c = deployedBlueGreen({ autoPromotionEnabled: false });
    setImage(c, 'v2');
    const plan = runFor(c, 3_600_000);
    expect(plan.requeueAfterMs).toBeUndefined();
    expect(activeOf(c)).toBe(V1);
    expect(c.rollout.status?.phase).toBe('Paused');
    expect(c.rollout.status?.message).toBe('BlueGreenPause');
    intent(c, 'promote');
    settle(c);
    expect(activeOf(c)).toBe(V2);
    expect(c.rollout.status?.phase).toBe('Healthy');
  });

  test('autoPromotionSeconds promotes that long after the new ReplicaSet is available, not before', () => {
    const c = deployedBlueGreen({ autoPromotionSeconds: 20 });
    setImage(c, 'v2');
    const paused = settle(c);
    expect(paused.requeueAfterMs).toBe(20_000);
    runFor(c, 19_999);
    expect(activeOf(c)).toBe(V1);
    runFor(c, 1);
    expect(activeOf(c)).toBe(V2);
    expect(c.events).toContain('RolloutResumed');
  });
});

describe('pre-promotion analysis', () => {
  const pre = { prePromotionAnalysis: { templates: [{ templateName: 'ok' }] } };

  test('starts once the preview is fully available and the preview Service is on it; success switches', () => {
    const c = deployedBlueGreen(pre);
    setImage(c, 'v2');
    reconcile(c, { pods: false });
    reconcile(c, { pods: false });
    expect(c.runs).toEqual([]);
    settle(c);
    expect(c.runs.map((r) => r.name)).toEqual([`web-${V2}-2-pre`]);
    expect(activeOf(c)).toBe(V1);
    setRunPhase(c, 'pre', 'Successful');
    settle(c);
    expect(activeOf(c)).toBe(V2);
    expect(c.rollout.status?.blueGreen?.prePromotionAnalysisRunStatus).toEqual({ name: `web-${V2}-2-pre`, status: 'Successful' });
  });

  test('the pause comes after the analysis passed, and the seconds count from then', () => {
    const c = deployedBlueGreen({ ...pre, autoPromotionSeconds: 10 });
    setImage(c, 'v2');
    runFor(c, 60_000);
    expect(c.rollout.status?.pauseConditions).toBeUndefined();
    setRunPhase(c, 'pre', 'Successful');
    settle(c);
    expect(c.rollout.status?.pauseConditions?.map((p) => p.reason)).toEqual(['BlueGreenPause']);
    runFor(c, 9_000);
    expect(activeOf(c)).toBe(V1);
    runFor(c, 1_000);
    expect(activeOf(c)).toBe(V2);
  });

  test.each(['Failed', 'Error'] as const)('%s aborts: never switches, preview back to stable, Degraded, new ReplicaSet down after abortScaleDownDelaySeconds', (phase) => {
    const c = deployedBlueGreen({ ...pre, abortScaleDownDelaySeconds: 5 });
    setImage(c, 'v2');
    settle(c);
    setRunPhase(c, 'pre', phase);
    const plan = settle(c);
    expect(activeOf(c)).toBe(V1);
    expect(previewOf(c)).toBe(V1);
    expect(c.rollout.status?.phase).toBe('Degraded');
    expect(c.rollout.status?.abort).toBe(true);
    expect(c.events).toContain('RolloutAborted');
    expect(plan.requeueAfterMs).toBe(5_000);
    runFor(c, 5_000);
    expect(replicasOf(c, 'v2')).toBe(0);
    expect(replicasOf(c, 'v1')).toBe(4);
    expect(activeOf(c)).toBe(V1);
  });

  test('Inconclusive pauses; promote accepts it', () => {
    const c = deployedBlueGreen(pre);
    setImage(c, 'v2');
    settle(c);
    setRunPhase(c, 'pre', 'Inconclusive');
    settle(c);
    expect(c.rollout.status?.pauseConditions?.map((p) => p.reason)).toEqual(['InconclusiveAnalysisRun']);
    expect(activeOf(c)).toBe(V1);
    intent(c, 'promote');
    settle(c);
    expect(activeOf(c)).toBe(V2);
  });

  test('promote --full skips the analysis and the pause', () => {
    const c = deployedBlueGreen({ ...pre, autoPromotionEnabled: false, previewReplicaCount: 1 });
    setImage(c, 'v2');
    settle(c);
    intent(c, 'promoteFull');
    settle(c);
    expect(activeOf(c)).toBe(V2);
    expect(c.rollout.status?.stableRS).toBe(V2);
    expect(c.runs.every((r) => r.terminated === true)).toBe(true);
  });
});

describe('post-promotion analysis', () => {
  const post = { postPromotionAnalysis: { templates: [{ templateName: 'ok' }] } };

  test('runs after the switch is seen; success makes the revision stable, then the old ReplicaSet waits the delay', () => {
    const c = deployedBlueGreen({ ...post, scaleDownDelaySeconds: 30 });
    setImage(c, 'v2');
    settle(c);
    expect(activeOf(c)).toBe(V2);
    expect(c.runs.map((r) => r.name)).toEqual([`web-${V2}-2-post`]);
    expect(c.rollout.status?.stableRS).toBe(V1);
    expect(c.rollout.status?.phase).toBe('Progressing');
    runFor(c, 120_000);
    expect(replicasOf(c, 'v1')).toBe(4);
    setRunPhase(c, 'post', 'Successful');
    settle(c);
    expect(c.rollout.status?.stableRS).toBe(V2);
    runFor(c, 30_000);
    expect(replicasOf(c, 'v1')).toBe(0);
  });

  test('failure switches the active Service back in that one reconcile, to the old pods still up', () => {
    const c = deployedBlueGreen(post);
    setImage(c, 'v2');
    settle(c);
    setRunPhase(c, 'post', 'Failed');
    const plan = reconcile(c, { pods: false });
    expect(plan.actions[0]).toEqual({ type: 'setServiceSelector', role: 'active', serviceName: 'web-active', podTemplateHash: V1 });
    expect(activeOf(c)).toBe(V1);
    expect(rsOf(c, 'v1')?.availableReplicas).toBe(4);
    expect(c.rollout.status?.phase).toBe('Degraded');
    expect(c.rollout.status?.message).toMatch(/^RolloutAborted: AnalysisRun "web-.*-2-post" failed/);
  });
});

describe('abort and retry', () => {
  test('abort while paused: active stays on stable, preview goes back; retry runs the revision again with fresh analysis', () => {
    const c = deployedBlueGreen({ autoPromotionEnabled: false, prePromotionAnalysis: { templates: [{ templateName: 'ok' }] } });
    setImage(c, 'v2');
    settle(c);
    setRunPhase(c, 'pre', 'Successful');
    settle(c);
    intent(c, 'abort');
    settle(c);
    expect(activeOf(c)).toBe(V1);
    expect(previewOf(c)).toBe(V1);
    expect(c.rollout.status?.phase).toBe('Degraded');
    expect(c.runs.every((r) => r.terminated === true)).toBe(true);
    intent(c, 'retry');
    settle(c);
    expect(c.rollout.status?.abort).toBeUndefined();
    expect(c.runs.map((r) => r.name)).toEqual([`web-${V2}-2-pre`, `web-${V2}-2-pre.1`]);
    expect(c.rollout.status?.pauseConditions).toBeUndefined();
    setRunPhase(c, 'pre', 'Successful');
    settle(c);
    expect(c.rollout.status?.pauseConditions?.map((p) => p.reason)).toEqual(['BlueGreenPause']);
    intent(c, 'promote');
    settle(c);
    expect(activeOf(c)).toBe(V2);
  });

  test('abortScaleDownDelaySeconds 0 leaves the aborted ReplicaSet up (as in Argo Rollouts)', () => {
    const c = deployedBlueGreen({ autoPromotionEnabled: false, abortScaleDownDelaySeconds: 0 });
    setImage(c, 'v2');
    settle(c);
    intent(c, 'abort');
    runFor(c, 3_600_000);
    expect(replicasOf(c, 'v2')).toBe(4);
    expect(activeOf(c)).toBe(V1);
  });

  test('undo to the stable template during post-promotion analysis: active straight back, no gates', () => {
    const c = deployedBlueGreen({ postPromotionAnalysis: { templates: [{ templateName: 'ok' }] } });
    setImage(c, 'v2');
    settle(c);
    expect(activeOf(c)).toBe(V2);
    setImage(c, 'v1');
    settle(c);
    expect(activeOf(c)).toBe(V1);
    expect(c.rollout.status?.phase).toBe('Healthy');
    expect(c.runs.every((r) => r.terminated === true)).toBe(true);
  });
});

describe('older revisions', () => {
  test('scaleDownDelayRevisionLimit: beyond the limit the oldest waiting ReplicaSets go to 0 at once', () => {
    const c = deployedBlueGreen({ scaleDownDelaySeconds: 300, scaleDownDelayRevisionLimit: 1 });
    setImage(c, 'v2');
    settle(c);
    setImage(c, 'v3');
    settle(c);
    expect(activeOf(c)).toBe(hashOf('v3'));
    expect(replicasOf(c, 'v2')).toBe(4);
    expect(replicasOf(c, 'v1')).toBe(0);
  });

  test('a new revision during preview: the preview moves on, the abandoned one goes down after the delay', () => {
    const c = deployedBlueGreen({ autoPromotionEnabled: false, scaleDownDelaySeconds: 10 });
    setImage(c, 'v2');
    settle(c);
    setImage(c, 'v3');
    settle(c);
    expect(previewOf(c)).toBe(hashOf('v3'));
    expect(activeOf(c)).toBe(V1);
    runFor(c, 10_000);
    expect(replicasOf(c, 'v2')).toBe(0);
    expect(replicasOf(c, 'v1')).toBe(4);
  });
});

describe('strategy kind', () => {
  test('a live canary Rollout turned blue/green is InvalidSpec and nothing moves', () => {
    const c = deployedBlueGreen();
    c.rollout = { ...c.rollout, status: { ...c.rollout.status, blueGreen: undefined, canary: {} } };
    setImage(c, 'v2');
    const plan = reconcile(c);
    expect(plan.actions.filter((a) => a.type !== 'recordEvent')).toEqual([]);
    expect(c.rollout.status?.phase).toBe('Degraded');
    expect(c.rollout.status?.message).toMatch(/^InvalidSpec: spec\.strategy\.blueGreen: this live Rollout runs the canary strategy/);
    expect(activeOf(c)).toBe(V1);
  });
});

describe('activeMetadata and previewMetadata', () => {
  const metadata = { activeMetadata: { labels: { role: 'active' } }, previewMetadata: { labels: { role: 'preview' }, annotations: { note: 'try me' } } };
  const applied = (c: ReturnType<typeof deployedBlueGreen>, image: string) => JSON.parse(rsOf(c, image)?.roleMetadata ?? '{}') as unknown;

  test('each role\'s pods carry its metadata; the switch swaps them; a ReplicaSet with no role loses exactly what Kanary put on it', () => {
    const c = deployedBlueGreen({ ...metadata, autoPromotionEnabled: false });
    expect(applied(c, 'v1')).toEqual({ labels: { role: 'active' }, annotations: {} });
    setImage(c, 'v2');
    settle(c);
    expect(applied(c, 'v2')).toEqual({ labels: { role: 'preview' }, annotations: { note: 'try me' } });
    expect(applied(c, 'v1')).toEqual({ labels: { role: 'active' }, annotations: {} });
    intent(c, 'promote');
    const plan = settle(c);
    expect(plan.actions).toEqual([]);
    expect(applied(c, 'v2')).toEqual({ labels: { role: 'active' }, annotations: {} });
    expect(rsOf(c, 'v1')?.roleMetadata).toBeUndefined();
  });

  test('the action names what to remove: the previous role\'s keys', () => {
    const c = deployedBlueGreen({ ...metadata, autoPromotionEnabled: false });
    setImage(c, 'v2');
    settle(c);
    intent(c, 'promote');
    const plan = reconcile(c);
    const v2 = plan.actions.find((a) => a.type === 'setRoleMetadata' && a.podTemplateHash === V2);
    expect(v2).toEqual({
      type: 'setRoleMetadata',
      name: `web-${V2}`,
      podTemplateHash: V2,
      metadata: { labels: { role: 'active' }, annotations: {} },
      previous: { labels: { role: 'preview' }, annotations: { note: 'try me' } },
    });
    const order = plan.actions.map((a) => a.type);
    expect(order.indexOf('setServiceSelector')).toBeLessThan(order.indexOf('setRoleMetadata'));
  });

  test('abort: the aborted ReplicaSet loses the preview metadata, the stable one keeps active', () => {
    const c = deployedBlueGreen({ ...metadata, autoPromotionEnabled: false });
    setImage(c, 'v2');
    settle(c);
    intent(c, 'abort');
    settle(c);
    expect(rsOf(c, 'v2')?.roleMetadata).toBeUndefined();
    expect(applied(c, 'v1')).toEqual({ labels: { role: 'active' }, annotations: {} });
  });

  test('without role metadata nothing is written', () => {
    const c = deployedBlueGreen();
    setImage(c, 'v2');
    settle(c);
    expect(c.replicaSets.every((rs) => rs.roleMetadata === undefined)).toBe(true);
  });
});
