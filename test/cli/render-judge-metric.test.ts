// A judged metric (a `judge` block) shows its latest evidence in one line in `kanary get rollout`:
// observed ratio, evidence against the abort threshold and, with early promotion, the promote one.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';
import type { JudgeMeasurement } from '../../src/api/analysis.js';
import { buildAnalysisRunView, buildRolloutView } from '../../src/cli/render-rollout-view.js';
import { renderRollout } from '../../src/cli/render-rollout.js';
import type { RolloutState } from '../../src/cli/rollout-tree.js';
import { PLAIN_STYLE } from '../../src/cli/terminal.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'render');

const judged: JudgeMeasurement = {
  interval: 'judged',
  canaryRequests: 120,
  canaryErrors: 6,
  baselineRequests: 1100,
  baselineErrors: 23,
  observedRatio: '2.4',
  abortEvidence: 37.4,
  abortThreshold: 100,
  canaryErrorsToAbort: 3,
};

function judgedRun(measurements: object[], phase = 'Running') {
  return {
    metadata: { name: 'demo-abc-2-1', creationTimestamp: new Date('2025-01-01T00:00:00Z') },
    spec: { metrics: [{ name: 'errors-vs-stable', interval: '10s', provider: { prometheus: {} }, judge: { counts: {} } }] },
    status: { phase: 'Running', metricResults: [{ name: 'errors-vs-stable', phase, measurements }] },
  };
}

const now = Date.parse('2025-01-01T00:00:10Z');

test('the metric view carries the judge line', () => {
  const view = buildAnalysisRunView(judgedRun([{ phase: 'Successful', message: 'long text', judge: judged }]), now);
  expect(view.metrics[0]?.judge).toBe('errors 2.4× stable, evidence 37 of 100 to abort');
});

test('with early promotion, the promote evidence too; a missing interval is named', () => {
  const view = buildAnalysisRunView(judgedRun([{ phase: 'Inconclusive', judge: { ...judged, interval: 'missing', promoteEvidence: 0.31, promoteThreshold: 20 } }]), now);
  expect(view.metrics[0]?.judge).toBe('errors 2.4× stable, evidence 37 of 100 to abort, 0.3 of 20 to promote (last interval missing)');
});

test('after a query error, the last evidence stays and the error is appended', () => {
  const view = buildAnalysisRunView(judgedRun([{ phase: 'Successful', judge: judged }, { phase: 'Error', message: 'judge count canaryErrors: timeout' }]), now);
  expect(view.metrics[0]?.judge).toBe('errors 2.4× stable, evidence 37 of 100 to abort');
  expect(view.metrics[0]?.message).toBe('judge count canaryErrors: timeout');
});

test('canary-only errors and no comparison yet', () => {
  const only = buildAnalysisRunView(judgedRun([{ phase: 'Successful', judge: { ...judged, observedRatio: 'inf' } }]), now);
  expect(only.metrics[0]?.judge).toBe('errors in the canary only, evidence 37 of 100 to abort');
  const first = { interval: 'firstScrape', abortEvidence: 1, abortThreshold: 100 };
  const none = buildAnalysisRunView(judgedRun([{ phase: 'Successful', judge: first }]), now);
  expect(none.metrics[0]?.judge).toBe('errors: none compared yet, evidence 1.0 of 100 to abort (first counter reading)');
});

test('kanary get rollout shows it on the metric row (ASCII x in plain output)', () => {
  const raw = yaml.load(readFileSync(join(dir, 'analysis-running.state.yaml'), 'utf8')) as RolloutState & { now: string };
  const { now: at, ...state } = raw;
  const [first, ...rest] = state.analysisRuns;
  const run = judgedRun([{ phase: 'Successful', judge: judged }]);
  const withJudge = { ...state, analysisRuns: [{ ...first!, spec: run.spec, status: run.status }, ...rest] } as RolloutState;
  const plain = renderRollout(buildRolloutView(withJudge, Date.parse(at)), PLAIN_STYLE);
  expect(plain).toMatch(/errors-vs-stable +Metric +\S+ Successful +errors 2\.4x stable, evidence 37 of 100 to abort\n/);
  const unicode = renderRollout(buildRolloutView(withJudge, Date.parse(at)), { color: false, unicode: true });
  expect(unicode).toMatch(/errors-vs-stable +Metric +✔ Successful +errors 2\.4× stable, evidence 37 of 100 to abort\n/);
});

test('a run terminated before the judge decided: the row is Inconclusive and the line says undecided', () => {
  const state = { intervals: 7, verdict: undefined };
  const run = judgedRun([{ phase: 'Successful', judge: judged }], 'Inconclusive');
  const result = { ...run.status.metricResults[0]!, judge: { state: { ...judgeState, ...state } } };
  const view = buildAnalysisRunView({ ...run, status: { phase: 'Inconclusive', metricResults: [result] } }, now);
  expect(view.metrics[0]?.phase).toBe('Inconclusive');
  expect(view.metrics[0]?.judge).toBe('undecided after 7 intervals (run terminated): errors 2.4× stable, evidence 37 of 100 to abort');
});

test('a judge undecided at its count has its own verdict: the line is the evidence, not "undecided"', () => {
  const verdict = { outcome: 'inconclusive', interval: 7, reason: 'notEnoughEvidence', action: 'pause' };
  const run = judgedRun([{ phase: 'Inconclusive', judge: judged }], 'Inconclusive');
  const result = { ...run.status.metricResults[0]!, judge: { state: { ...judgeState, intervals: 7, verdict } } };
  const view = buildAnalysisRunView({ ...run, status: { phase: 'Inconclusive', metricResults: [result] } }, now);
  expect(view.metrics[0]?.judge).toBe('errors 2.4× stable, evidence 37 of 100 to abort');
});

const judgeState = {
  judgedIntervals: 7, missingIntervals: 0, invalidIntervals: 0, canaryRequests: 700, canaryErrors: 14, baselineRequests: 7000, baselineErrors: 60,
  informativeEvents: 74, abortLogLikelihoods: [0], promoteLogLikelihoods: [], spikeIntervals: 0, calmRequests: 7700, calmEvents: 74,
};
