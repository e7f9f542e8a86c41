// `kanary report`: the story of one release assembled (pure) from the Rollout's journal, its
// AnalysisRuns, ReplicaSets and Events, and told as text, Markdown and JSON. The journal comes from
// the real plan (test/core/canary-model.ts): a release with 3 promotions, an abort and a retry.
import type * as k8s from '@kubernetes/client-node';
import type { JournalEntry } from '../../src/api/journal.js';
import { parseReportArgs, renderReleaseReport } from '../../src/cli/report-command.js';
import { assembleReleaseReport, chooseRevision, type ReportSources } from '../../src/cli/report-model.js';
import { computeReleaseDurations } from '../../src/cli/report-durations.js';
import { renderReportMarkdown } from '../../src/cli/report-render-markdown.js';
import { renderReportText } from '../../src/cli/report-render-text.js';
import type { RolloutObject } from '../../src/cli/rollout-client.js';
import { UserError } from '../../src/cli/command.js';
import { T0, deployed, hashOf, intent, runFor, setImage, settle, type Cluster } from '../core/canary-model.js';

function replicaSet(revision: number, image: string, createdMs: number): k8s.V1ReplicaSet {
  return {
    metadata: { name: `web-${hashOf(image)}`, labels: { 'rollouts-pod-template-hash': hashOf(image) }, annotations: { 'kanary.dev/revision': String(revision) }, creationTimestamp: new Date(createdMs) },
    spec: { selector: {}, template: { spec: { containers: [{ name: 'web', image }] } } },
  };
}

/** v1 deployed; v2: promote, abort, retry, promote, promote (with time passing between). */
function release(): Cluster {
  const c = deployed({ steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: {} }] });
  c.now += 60_000;
  setImage(c, 'v2');
  settle(c);
  c.now += 30_000;
  intent(c, 'promote');
  settle(c);
  c.now += 45_000;
  intent(c, 'abort');
  settle(c);
  c.now += 2_000;
  settle(c);
  c.now += 60_000;
  intent(c, 'retry');
  settle(c);
  c.now += 20_000;
  intent(c, 'promote');
  settle(c);
  c.now += 40_000;
  intent(c, 'promote');
  runFor(c, 30_000);
  return c;
}

const RUN = {
  metadata: { name: `web-${hashOf('v2')}-2`, labels: { 'kanary.dev/analysis-kind': 'background', 'rollouts-pod-template-hash': hashOf('v2') }, annotations: { 'kanary.dev/revision': '2' } },
  spec: { args: [{ name: 'min', value: '0.95' }], metrics: [{ name: 'success-rate', successCondition: 'result[0] >= {{args.min}}' }] },
  status: {
    phase: 'Successful',
    startedAt: '2025-01-01T00:01:00Z',
    metricResults: [{
      name: 'success-rate', phase: 'Successful', resolvedQuery: 'sum(rate(ok_total[1m])) / sum(rate(all_total[1m]))',
      measurements: [{ phase: 'Successful', value: '[0.9666666666666667]', finishedAt: '2025-01-01T00:01:10Z' }, { phase: 'Failed', value: '[0.9166666666666666]', finishedAt: '2025-01-01T00:01:20Z' }],
    }],
  },
};

function sourcesOf(c: Cluster, extra: Partial<ReportSources> = {}): ReportSources {
  const rollout = { apiVersion: 'kanary.dev/v1alpha1', kind: 'Rollout', metadata: { name: 'web', namespace: 'shop' }, spec: {}, status: c.rollout.status } as RolloutObject;
  return { rollout, replicaSets: [replicaSet(1, 'v1', T0), replicaSet(2, 'v2', T0 + 60_000)], analysisRuns: [RUN], events: [], ...extra };
}

describe('assembleReleaseReport', () => {
  const c = release();
  const report = assembleReleaseReport(sourcesOf(c), 2, c.now);

  test('the newest revision is the default', () => {
    expect(chooseRevision(sourcesOf(c), undefined)).toBe(2);
    expect(chooseRevision(sourcesOf(c), 1)).toBe(1);
  });

  test('the timeline is what happened: 3 promotions by a person, an abort, a retry, then the promotion', () => {
    const story = report.timeline.map((t) => `${t.decision}${t.by === 'user' ? ' (user)' : ''}${t.weight === undefined ? '' : ` ${t.fromWeight}->${t.weight}`}`);
    expect(story).toEqual([
      'RevisionStarted', 'WeightSet 0->20', 'StepCompleted', 'PauseStarted',
      'Promoted (user)', 'WeightSet 20->50', 'StepCompleted', 'PauseStarted',
      'Aborted (user)', 'WeightSet 50->0',
      'Retried (user)', 'WeightSet 0->20', 'StepCompleted', 'PauseStarted',
      'Promoted (user)', 'WeightSet 20->50', 'StepCompleted', 'PauseStarted',
      'Promoted (user)', 'WeightSet 50->100', 'Completed', 'WeightSet 100->0',
    ]);
    expect(report.counts).toEqual({ promotions: 3, aborts: 1, retries: 1 });
    expect(report.outcome).toMatchObject({ state: 'promoted', decision: 'Completed', by: 'controller' });
    expect(report.journalTruncated).toBe(false);
    expect(report.images).toEqual(['v2']);
    expect(report.timeline[0]?.sinceStartMs).toBe(0);
  });

  test('durations: time at each weight, from first canary traffic to the decision, and the rollback', () => {
    expect(report.durations.timeAtWeightMs).toEqual({ '20': 30_000 + 20_000, '50': 45_000 + 40_000, '0': 62_000, '100': 0 });
    expect(report.durations.rollbacksMs).toEqual([0]);
    expect(report.durations.canaryToDecisionMs).toBe(30_000 + 45_000 + 62_000 + 20_000 + 40_000);
    expect(report.durations.totalMs).toBe(report.durations.canaryToDecisionMs);
  });

  test('analysis runs of the release with each measurement, its condition (args filled in) and a value for people', () => {
    expect(report.analysisRuns).toHaveLength(1);
    const metric = report.analysisRuns[0]?.metrics[0];
    expect(metric).toMatchObject({ name: 'success-rate', condition: 'result[0] >= 0.95', query: 'sum(rate(ok_total[1m])) / sum(rate(all_total[1m]))' });
    expect(metric?.measurements[1]).toEqual({ phase: 'Failed', time: '2025-01-01T00:01:20Z', value: '[0.9166666666666666]', display: '0.917 (91.7%)' });
    expect(assembleReleaseReport(sourcesOf(c), 1, c.now).analysisRuns).toEqual([]);
  });

  test('a fast rollback to the stable template is told as rolled back', () => {
    const back = release();
    setImage(back, 'v3');
    settle(back);
    setImage(back, 'v2');
    settle(back);
    const sources = sourcesOf(back, { replicaSets: [replicaSet(1, 'v1', T0), replicaSet(2, 'v2', T0 + 60_000), replicaSet(3, 'v3', back.now)] });
    const report = assembleReleaseReport(sources, 2, back.now);
    expect(report.outcome).toMatchObject({ state: 'rolled back', decision: 'FastRollback', by: 'controller' });
    expect(assembleReleaseReport(sources, 3, back.now).outcome.state).toBe('superseded');
  });

  test('revision 1 is the first deploy, superseded facts aside', () => {
    const first = assembleReleaseReport(sourcesOf(c), 1, c.now);
    expect(first.timeline.map((t) => t.decision)).toEqual(['Deployed']);
    expect(first.outcome.state).toBe('deployed');
  });

  test('when the journal dropped the start of the release, Events older than its first kept entry fill in', () => {
    const status = structuredClone(c.rollout.status) ?? {};
    const entries = (status.journal?.entries ?? []).filter((e: JournalEntry) => e.revision === 2).slice(12);
    status.journal = { ...status.journal, entries };
    const events = [
      { time: new Date(T0 + 60_000).toISOString(), type: 'Normal', reason: 'RolloutUpdated', message: 'Rollout updated to revision 2' },
      { time: new Date(T0 + 1_000).toISOString(), type: 'Normal', reason: 'TooOld', message: 'before the release' },
    ];
    const sources = sourcesOf(c, { events });
    const truncated = assembleReleaseReport({ ...sources, rollout: { ...sources.rollout, status } }, 2, c.now);
    expect(truncated.journalTruncated).toBe(true);
    expect(truncated.timeline[0]).toMatchObject({ source: 'event', decision: 'RolloutUpdated', sinceStartMs: 0 });
    expect(truncated.timeline.some((t) => t.decision === 'TooOld')).toBe(false);
    expect(renderReportText(truncated)).toContain("People:     2 promotions, 0 aborts, 0 retries in the journal's kept entries");
  });

  test('a release the journal no longer holds at all: its Events up to the next release, none after', () => {
    const status = { ...structuredClone(c.rollout.status), journal: { entries: [] } };
    const events = [
      { time: new Date(T0 + 60_000).toISOString(), type: 'Normal', reason: 'RolloutUpdated', message: 'Rollout updated to revision 2' },
      { time: new Date(T0 + 600_000).toISOString(), type: 'Normal', reason: 'RolloutUpdated', message: 'Rollout updated to revision 3' },
    ];
    const sources = sourcesOf(c, { events, replicaSets: [replicaSet(1, 'v1', T0), replicaSet(2, 'v2', T0 + 60_000), replicaSet(3, 'v3', T0 + 600_000)] });
    const report = assembleReleaseReport({ ...sources, rollout: { ...sources.rollout, status } }, 2, c.now);
    expect(report.timeline.map((t) => t.reason)).toEqual(['Rollout updated to revision 2']);
    expect(report.outcome.state).toBe('superseded');
  });
});

describe('computeReleaseDurations', () => {
  const at = (s: number) => new Date(T0 + s * 1000).toISOString();
  const entry = (s: number, decision: JournalEntry['decision'], weight?: number, fromWeight?: number): JournalEntry =>
    ({ time: at(s), revision: 2, decision, by: 'controller', reason: '', ...(weight !== undefined ? { weight, fromWeight } : {}) });

  test('an analysis abort: the rollback took from the abort to the weight seen at 0', () => {
    const durations = computeReleaseDurations([entry(0, 'RevisionStarted'), entry(5, 'WeightSet', 20, 0), entry(65, 'Aborted'), entry(66.5, 'WeightSet', 0, 20)], { startedAt: at(0), endMs: T0 + 600_000 });
    expect(durations).toMatchObject({ rollbacksMs: [1500], canaryToDecisionMs: 60_000, totalMs: 65_000, timeAtWeightMs: { '20': 61_500 } });
  });

  test('a blue/green post-promotion abort: the rollback took from the abort to the switch back', () => {
    const durations = computeReleaseDurations([entry(0, 'RevisionStarted'), entry(30, 'Switched'), entry(90, 'Aborted'), entry(90.4, 'Switched')], { startedAt: at(0), endMs: T0 + 600_000 });
    expect(durations.rollbacksMs).toEqual([400]);
  });

  test('a release in progress: the current weight counts up to now', () => {
    const durations = computeReleaseDurations([entry(0, 'RevisionStarted'), entry(5, 'WeightSet', 20, 0)], { startedAt: at(0), endMs: T0 + 35_000 });
    expect(durations).toMatchObject({ timeAtWeightMs: { '20': 30_000 }, totalMs: 35_000, rollbacksMs: [] });
    expect(durations.canaryToDecisionMs).toBeUndefined();
  });
});

describe('rendering', () => {
  const c = release();
  const sources = sourcesOf(c);

  test('text: header, durations, the timeline with who and why, and each measurement rounded', () => {
    const text = renderReportText(assembleReleaseReport(sources, 2, c.now));
    expect(text).toMatch(/^Rollout: {4}shop\/web\nRevision: {3}2 \(\w+\)\n/);
    expect(text).toContain('People:     3 promotions, 1 abort, 1 retry');
    expect(text).toMatch(/time at each weight: 20%: 50s, 50%: 1m25s, 0%: 1m2s, 100%: 0s/);
    expect(text).toMatch(/\n {2}00:02:15 +\+1m15s +3 +Aborted +a person +kanary abort: traffic back to stable, canary scaled down\n/);
    expect(text).toMatch(/00:01:20 +Failed +0\.917 \(91\.7%\)/);
    expect(text).not.toContain('0.9166666666666666');
  });

  test('markdown: a pasteable table (pipes escaped), PromQL in a code block', () => {
    const md = renderReportMarkdown(assembleReleaseReport(sources, 2, c.now));
    expect(md.startsWith('## Release report: shop/web, revision 2\n')).toBe(true);
    expect(md).toContain('| Time | Since start | Step | Weight | Decision | By | Reason |');
    expect(md).toMatch(/\| \*\*Promoted\*\* \| a person \| kanary promote: pause ended; step 2 \(setWeight 50\) \|/);
    expect(md).toContain('```promql\nsum(rate(ok_total[1m])) / sum(rate(all_total[1m]))\n```');
    const timeline = md.slice(md.indexOf('### Timeline'), md.indexOf('### Analysis'));
    const rows = timeline.split('\n').filter((l) => l.startsWith('| 20'));
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.map((r) => r.replaceAll('\\|', '').split('|').length)).toEqual(rows.map(() => 9));
  });

  test('json keeps the raw values', () => {
    const json = JSON.parse(renderReleaseReport(sources, { output: 'json' }, c.now)) as { revision: number; analysisRuns: { metrics: { measurements: { value: string }[] }[] }[] };
    expect(json.revision).toBe(2);
    expect(json.analysisRuns[0]?.metrics[0]?.measurements[1]?.value).toBe('[0.9166666666666666]');
  });

  test('a revision the cluster does not know is a clear error', () => {
    expect(() => renderReleaseReport(sources, { revision: 9, output: 'text' }, c.now)).toThrow(new UserError('report: rollout "web" has no revision 9 in the cluster (no ReplicaSet, no journal entry)'));
  });
});

describe('parseReportArgs', () => {
  test('name, namespace, revision and format', () => {
    expect(parseReportArgs(['demo', '-n', 'shop', '--revision', '3', '-o', 'markdown'])).toMatchObject({ name: 'demo', revision: 3, output: 'markdown', flags: { namespace: 'shop' } });
    expect(parseReportArgs(['demo']).output).toBe('text');
  });

  test.each([
    [['demo', '-o', 'yaml'], 'report: -o takes text, json or markdown, not "yaml"'],
    [['demo', '--revision', 'two'], 'report: --revision takes a revision number (1, 2, ...), not "two"'],
    [['demo', '--revision', '0'], 'report: --revision takes a revision number (1, 2, ...), not "0"'],
    [[], 'usage: kanary report ROLLOUT [-n NS] [--revision N] [-o text|json|markdown]'],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => parseReportArgs(argv)).toThrow(new UserError(message));
  });
});
