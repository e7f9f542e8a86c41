// The release journal (src/core/journal.ts) as the plan writes it into status: every decision with
// its cause and values, who took it (a person through an intent, an analysis, the controller),
// bounded, and level-triggered (a lost status write re-derives the same entries once).
import type { JournalEntry } from '../../src/api/journal.js';
import { planCanary } from '../../src/core/plan-canary.js';
import { deployed, hashOf, intent, reconcile, runFor, setImage, settle, snapshotOf, startPods, applyAction, type Cluster } from './canary-model.js';

const journalOf = (c: Cluster): JournalEntry[] => c.rollout.status?.journal?.entries ?? [];
const decisions = (entries: readonly JournalEntry[]) => entries.map((e) => `${e.decision}/${e.by}${e.step === undefined ? '' : `@${e.step}`}${e.weight === undefined ? '' : `:${e.fromWeight}->${e.weight}`}`);
const since = (c: Cluster, count: number) => journalOf(c).slice(count);

describe('a release told entry by entry', () => {
  test('deploy, update, promote, abort, retry, promote twice: each decision once, with who took it', () => {
    const c = deployed({ steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: {} }] });
    expect(decisions(journalOf(c))).toEqual(['Deployed/controller@4']);
    setImage(c, 'v2');
    settle(c);
    let seen = journalOf(c).length;
    expect(decisions(since(c, 1))).toEqual(['RevisionStarted/controller@0', 'WeightSet/controller@0:0->20', 'StepCompleted/controller@0', 'PauseStarted/controller@1']);
    intent(c, 'promote');
    settle(c);
    expect(decisions(since(c, seen))).toEqual(['Promoted/user@1', 'WeightSet/controller@2:20->50', 'StepCompleted/controller@2', 'PauseStarted/controller@3']);
    seen = journalOf(c).length;
    intent(c, 'abort');
    settle(c);
    expect(decisions(since(c, seen))).toEqual(['Aborted/user@3', 'WeightSet/controller@3:50->0']);
    seen = journalOf(c).length;
    intent(c, 'retry');
    settle(c);
    expect(decisions(since(c, seen))).toEqual(['Retried/user@3', 'WeightSet/controller@0:0->20', 'StepCompleted/controller@0', 'PauseStarted/controller@1']);
    seen = journalOf(c).length;
    intent(c, 'promote');
    settle(c);
    intent(c, 'promote');
    runFor(c, 60_000);
    expect(decisions(since(c, seen))).toEqual([
      'Promoted/user@1', 'WeightSet/controller@2:20->50', 'StepCompleted/controller@2', 'PauseStarted/controller@3',
      'Promoted/user@3', 'WeightSet/controller@4:50->100', 'Completed/controller@4', 'WeightSet/controller@4:100->0',
    ]);
    expect(journalOf(c).every((e) => e.revision === (e.decision === 'Deployed' ? 1 : 2))).toBe(true);
    expect(c.rollout.status?.journal?.lastDecision).toMatch(/^WeightSet by the controller \(step 4, revision 2\): promotion: stable Service serves revision 2/);
  });

  test('a reconcile that changes nothing records nothing', () => {
    const c = deployed();
    setImage(c, 'v2');
    settle(c);
    const before = c.rollout.status?.journal;
    const plan = planCanary(snapshotOf(c), c.now + 60_000);
    expect(plan.status.journal).toEqual(before);
  });

  test('a status write lost after the actions ran (controller restart): the next reconcile records the same entries, once', () => {
    const written = deployed();
    const lost = deployed();
    for (const c of [written, lost]) setImage(c, 'v2');
    for (let i = 0; i < 8; i += 1) {
      reconcile(written);
      const plan = planCanary(snapshotOf(lost), lost.now);
      for (const action of plan.actions) applyAction(lost, action);
      if (i % 2 === 1) lost.rollout = { ...lost.rollout, status: plan.status };
      startPods(lost);
    }
    settle(written);
    settle(lost);
    // The step an entry names may be a later one when it was recorded a reconcile late.
    const strip = (entries: JournalEntry[]) => entries.map((e) => `${e.decision}/${e.by}/${e.fromWeight}->${e.weight}`);
    expect(strip(journalOf(lost))).toEqual(strip(journalOf(written)));
    expect(lost.rollout.status?.journal?.recorded).toBe(journalOf(lost).length);
  });

  test('promote --full: a person skipped the remaining steps; no step is claimed completed', () => {
    const c = deployed();
    setImage(c, 'v2');
    settle(c);
    const seen = journalOf(c).length;
    intent(c, 'promoteFull');
    runFor(c, 60_000);
    expect(decisions(since(c, seen))).toEqual(['PromotedFull/user@1', 'WeightSet/controller@1:30->100', 'Completed/controller@1', 'WeightSet/controller@6:100->0']);
  });

  test('a timed pause: started, then ended when its time is up', () => {
    const c = deployed({ steps: [{ setWeight: 20 }, { pause: { duration: '30s' } }, { setWeight: 40 }] });
    setImage(c, 'v2');
    settle(c);
    const seen = journalOf(c).length;
    runFor(c, 31_000);
    const ended = since(c, seen).find((e) => e.decision === 'PauseEnded');
    expect(ended).toMatchObject({ by: 'controller', step: 1, reason: 'pause 30s elapsed (30s); step 2 (setWeight 40)' });
  });

  test('kanary pause and resume are recorded as a person\'s decisions, with an Event each', () => {
    const c = deployed();
    setImage(c, 'v2');
    settle(c);
    intent(c, 'pause');
    const plan = reconcile(c);
    expect(since(c, journalOf(c).length - 1)[0]).toMatchObject({ decision: 'Paused', by: 'user' });
    expect(plan.actions).toContainEqual(expect.objectContaining({ type: 'recordEvent', reason: 'RolloutPaused' }));
  });

  test('a promote gives one RolloutPromoted Event naming it, and no second one on the next reconcile', () => {
    const c = deployed();
    setImage(c, 'v2');
    settle(c);
    intent(c, 'promote');
    const plan = reconcile(c);
    const promoted = plan.actions.filter((a) => a.type === 'recordEvent' && a.reason === 'RolloutPromoted');
    expect(promoted).toHaveLength(1);
    expect(promoted[0]).toMatchObject({ message: expect.stringMatching(/^Promoted by a user \(step 1, revision 2\): kanary promote: pause ended; step 2 \(setWeight 60\)/) as unknown });
    const again = reconcile(c);
    expect(again.actions.filter((a) => a.type === 'recordEvent' && a.reason === 'RolloutPromoted')).toHaveLength(0);
  });
});

describe('analysis decisions carry the run and its values', () => {
  const steps = [{ setWeight: 20 }, { analysis: { templates: [{ templateName: 'success-rate' }] } }, { setWeight: 60 }];
  const values = [{ metric: 'success-rate', phase: 'Failed' as const, value: '[0.9166666666666666]', condition: 'result[0] >= 0.95' }];

  function atAnalysis(): Cluster {
    const c = deployed({ steps });
    setImage(c, 'v2');
    settle(c);
    expect(c.runs).toHaveLength(1);
    return c;
  }

  test('a failed analysis aborts: by analysis, naming the run, its verdict and measured values', () => {
    const c = atAnalysis();
    const seen = journalOf(c).length;
    Object.assign(c.runs[0] ?? {}, { phase: 'Failed', message: 'metric "success-rate" assessed Failed', values });
    settle(c);
    const [aborted, weight] = since(c, seen);
    expect(aborted).toMatchObject({ decision: 'Aborted', by: 'analysis', step: 1, analysisRun: `web-${hashOf('v2')}-2-1`, verdict: 'Failed', values });
    expect(aborted?.reason).toMatch(/failed: metric "success-rate" assessed Failed: traffic back to stable$/);
    expect(weight).toMatchObject({ decision: 'WeightSet', fromWeight: 20, weight: 0, reason: 'rollback: all traffic to stable' });
    expect(c.rollout.status?.journal?.lastDecision).toContain('rollback');
    expect(decisions([aborted as JournalEntry])).toEqual(['Aborted/analysis@1']);
  });

  test('a successful analysis completes its step: by analysis, with the values', () => {
    const c = atAnalysis();
    const seen = journalOf(c).length;
    Object.assign(c.runs[0] ?? {}, { phase: 'Successful', values: [{ ...values[0], phase: 'Successful', value: '[0.99]' }] });
    settle(c);
    expect(since(c, seen)[0]).toMatchObject({ decision: 'StepCompleted', by: 'analysis', step: 1, verdict: 'Successful', analysisRun: `web-${hashOf('v2')}-2-1` });
  });

  test('an inconclusive analysis pauses for a person; the promote that accepts it says so', () => {
    const c = atAnalysis();
    const seen = journalOf(c).length;
    Object.assign(c.runs[0] ?? {}, { phase: 'Inconclusive', values: [{ ...values[0], phase: 'Inconclusive' }] });
    settle(c);
    expect(since(c, seen)[0]).toMatchObject({ decision: 'AnalysisInconclusive', by: 'analysis', verdict: 'Inconclusive', values: [expect.objectContaining({ value: '[0.9166666666666666]' })] });
    intent(c, 'promote');
    settle(c);
    expect(since(c, seen + 1)[0]).toMatchObject({ decision: 'Promoted', by: 'user', reason: 'kanary promote: inconclusive analysis accepted; step 2 (setWeight 60)' });
  });
});

describe('background analysis in the journal', () => {
  test('inconclusive background run: paused for a person, accepted by promote at the same step; a later error aborts by analysis', () => {
    const steps = [{ setWeight: 20 }, { analysis: { templates: [{ templateName: 'success-rate' }] } }, { setWeight: 50 }];
    const c = deployed({ steps, canary: { analysis: { templates: [{ templateName: 'p99' }], startingStep: 1 } } });
    setImage(c, 'v2');
    settle(c);
    const background = c.runs.find((r) => r.background);
    Object.assign(background ?? {}, { phase: 'Inconclusive', values: [{ metric: 'p99', phase: 'Inconclusive', value: '[0.2449]', condition: 'result[0] < 0.25' }] });
    settle(c);
    const seen = journalOf(c).length;
    expect(journalOf(c).at(-1)).toMatchObject({ decision: 'AnalysisInconclusive', by: 'analysis', analysisRun: `web-${hashOf('v2')}-2` });
    intent(c, 'promote');
    settle(c);
    expect(decisions(since(c, seen))).toEqual(['Promoted/user@1']);
    expect(since(c, seen)[0]?.reason).toBe('kanary promote: inconclusive analysis accepted; step 1 (analysis success-rate)');
    const fresh = c.runs.find((r) => r.background && r.terminated !== true);
    Object.assign(fresh ?? {}, { phase: 'Error', message: 'query returned no data' });
    settle(c);
    expect(decisions(since(c, seen + 1))).toEqual(['Aborted/analysis@1', 'WeightSet/controller@1:20->0']);
    expect(since(c, seen + 1)[0]).toMatchObject({ analysisRun: `web-${hashOf('v2')}-2.1`, verdict: 'Error' });
  });
});

describe('bounds and start', () => {
  test('the journal keeps the last 30 entries and counts every one it recorded', () => {
    const c = deployed({ steps: [{ setWeight: 20 }, { pause: {} }] });
    for (let i = 0; i < 6; i += 1) {
      setImage(c, `v${i + 2}`);
      settle(c);
      intent(c, 'promote');
      runFor(c, 60_000);
    }
    const journal = c.rollout.status?.journal;
    expect(journal?.entries).toHaveLength(30);
    expect(journal?.recorded).toBeGreaterThan(30);
    expect(journal?.entries?.at(-1)?.revision).toBe(7);
  });

  test('a rollout already under way without a journal (controller upgrade) starts recording from where it stands', () => {
    const c = deployed();
    setImage(c, 'v2');
    settle(c);
    const status = { ...c.rollout.status };
    delete status.journal;
    c.rollout = { ...c.rollout, status };
    settle(c);
    expect(journalOf(c)).toEqual([]);
    intent(c, 'promote');
    settle(c);
    expect(decisions(journalOf(c))[0]).toBe('Promoted/user@1');
  });
});
