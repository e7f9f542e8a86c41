// Issue 22: a blue/green release in the journal reads as one: the preview, the promotion analyses,
// the promotion pause, the switch of the active Service and the switch back, and its progress
// deadline speaks of the new revision and the active Service, never of canary weights or steps.
import type { JournalEntry } from '../../src/api/journal.js';
import { deployedBlueGreen, hashOf, intent, reconcile, runFor, setImage, setRunPhase, settle } from './bluegreen-model.js';
import type { Cluster } from './canary-model.js';

const V1 = hashOf('v1');
const V2 = hashOf('v2');
const entriesOf = (c: Cluster): JournalEntry[] => c.rollout.status?.journal?.entries ?? [];
const decisions = (entries: readonly JournalEntry[]) => entries.map((e) => `${e.decision}/${e.by}`);
const gated = { autoPromotionSeconds: 30, prePromotionAnalysis: { templates: [{ templateName: 'ok' }] }, postPromotionAnalysis: { templates: [{ templateName: 'ok' }] } };

describe('the blue/green journal', () => {
  test('pre-promotion analysis, auto-promotion, the switch, post-promotion analysis: each once, in blue/green words', () => {
    const c = deployedBlueGreen(gated);
    setImage(c, 'v2');
    settle(c);
    setRunPhase(c, 'pre', 'Successful');
    settle(c);
    runFor(c, 40_000);
    setRunPhase(c, 'post', 'Successful');
    settle(c);
    const entries = entriesOf(c);
    expect(decisions(entries)).toEqual([
      'Deployed/controller', 'RevisionStarted/controller', 'AnalysisPassed/analysis', 'PauseStarted/controller',
      'PauseEnded/controller', 'Switched/controller', 'AnalysisPassed/analysis', 'Completed/controller',
    ]);
    const reasons = entries.map((e) => e.reason);
    expect(reasons[1]).toMatch(/new ReplicaSet behind the preview Service web-preview, the active Service web-active stays on stable; pre-promotion analysis, then 30s of preview before the switch$/);
    expect(reasons[2]).toBe(`pre-promotion AnalysisRun "web-${V2}-2-pre" Successful; auto-promotion in 30s`);
    expect(reasons[3]).toBe('promotion pause: auto-promotion in 30s');
    expect(reasons[4]).toMatch(/^auto-promotion after 30s/);
    expect(reasons[5]).toBe(`active Service web-active now selects revision 2 (${V2}), was ${V1}`);
    expect(reasons[6]).toBe(`post-promotion AnalysisRun "web-${V2}-2-post" Successful; revision 2 becomes stable`);
    expect(entries[2]?.analysisRun).toBe(`web-${V2}-2-pre`);
    expect(reasons.join('\n')).not.toMatch(/canary|step|weight/i);
  });

  test('a failed post-promotion analysis: the abort and the switch back, then retry and a person\'s promote', () => {
    const c = deployedBlueGreen({ ...gated, autoPromotionSeconds: undefined, autoPromotionEnabled: false });
    setImage(c, 'v2');
    settle(c);
    setRunPhase(c, 'pre', 'Successful');
    settle(c);
    intent(c, 'promote');
    settle(c);
    const before = entriesOf(c).length;
    setRunPhase(c, 'post', 'Failed');
    settle(c);
    const aborted = entriesOf(c).slice(before);
    expect(decisions(aborted)).toEqual(['Aborted/analysis', 'Switched/controller']);
    expect(aborted[0]?.reason).toMatch(/^AnalysisRun "web-.*-2-post" failed.*: the active Service web-active back on the stable revision$/);
    expect(aborted[1]?.reason).toBe(`active Service web-active back on the stable revision (${V1}), was ${V2}`);
    const promoted = entriesOf(c).find((e) => e.decision === 'Promoted');
    expect(promoted?.reason).toBe('kanary promote: promotion pause ended; the active Service web-active switches once the new revision is fully available');
    expect(entriesOf(c).find((e) => e.decision === 'PauseStarted')?.reason).toBe('promotion pause: waiting for kanary promote');
    intent(c, 'retry');
    settle(c);
    expect(entriesOf(c).at(-1)?.reason).toBe('kanary retry: the new revision starts again behind the preview Service web-preview with fresh analysis');
  });

  test('a status write lost after the switch: the next reconcile records the switch once', () => {
    const c = deployedBlueGreen();
    setImage(c, 'v2');
    for (let i = 0; i < 20 && c.services.active?.selectorHash !== V2; i += 1) reconcile(c);
    expect(c.services.active?.selectorHash).toBe(V2);
    expect(entriesOf(c).some((e) => e.decision === 'Switched')).toBe(false);
    const saved = c.rollout.status;
    const seen = reconcile(c);
    expect(seen.status.journal?.entries?.filter((e) => e.decision === 'Switched')).toHaveLength(1);
    c.rollout = { ...c.rollout, status: saved };
    settle(c);
    expect(entriesOf(c).filter((e) => e.decision === 'Switched')).toHaveLength(1);
    // The revision is recorded stable once the switch is seen, so Completed follows Switched.
    expect(decisions(entriesOf(c).slice(-2))).toEqual(['Switched/controller', 'Completed/controller']);
    expect(c.rollout.status?.journal?.cursor?.stableHash).toBe(V2);
  });

  test('the user\'s abort names both Services and the scale-down delay', () => {
    const c = deployedBlueGreen({ autoPromotionEnabled: false, abortScaleDownDelaySeconds: 45 });
    setImage(c, 'v2');
    settle(c);
    intent(c, 'abort');
    settle(c);
    expect(entriesOf(c).at(-1)?.reason).toBe('kanary abort: the active Service web-active and the preview Service web-preview back on the stable revision; the new ReplicaSet scales down after 45s');
    expect(entriesOf(c).some((e) => e.decision === 'Switched')).toBe(false);
  });
});

describe('the blue/green progress deadline', () => {
  const stuck = (spec: Record<string, unknown>): Cluster => {
    const c = deployedBlueGreen({}, { progressDeadlineSeconds: 60, ...spec });
    c.broken.add(V2);
    setImage(c, 'v2');
    runFor(c, 120_000);
    return c;
  };

  test('a new revision that never becomes available: Degraded, in words about the new revision and the active Service', () => {
    const c = stuck({});
    const progressing = c.rollout.status?.conditions?.find((x) => x.type === 'Progressing');
    expect(progressing?.reason).toBe('ProgressDeadlineExceeded');
    expect(progressing?.message).toBe(`ReplicaSet "web-${V2}" has timed out progressing: new revision 0/4 available, stable 4/4 available, active Service on ${V1}`);
    expect(c.rollout.status?.phase).toBe('Degraded');
  });

  test('with progressDeadlineAbort the journal says the active Service stays on stable', () => {
    const c = stuck({ progressDeadlineAbort: true });
    const aborted = entriesOf(c).find((e) => e.decision === 'Aborted');
    expect(aborted?.reason).toBe('progress deadline exceeded (60s without progress): the active Service web-active back on the stable revision');
    expect(c.services.active?.selectorHash).toBe(V1);
  });
});
