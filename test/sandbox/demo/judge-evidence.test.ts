/**
 * What the demo reads and says about its analysis: the judge's evidence from AnalysisRuns (built
 * here with the real judge core, as the controller writes them), the narration's "print when the
 * evidence moves" rule, the gate that aborted a release, and the release's analysis lines.
 */
import { metricResultSchema, metricSchema, type Metric, type MetricResult } from '../../../src/api/analysis.js';
import { assessJudgeVerdict, buildMetricJudgeConfig, recordJudgeInterval } from '../../../src/core/judge/judge-metric.js';
import type { IntervalCounts } from '../../../src/core/judge/interval-counts.js';
import {
  describeGate, findAbortingGate, formatJudgeEvidence, readJudgeEvidence, readRunView, selectJudgeNarration, type RunView,
} from '../../../src/sandbox/demo/judge-evidence.js';
import { analysisLines } from '../../../src/sandbox/demo/demo-verdict.js';
import type { ReleaseResult } from '../../../src/sandbox/demo/demo-releases.js';

const judgeMetric: Metric = metricSchema.parse({
  name: 'errors-vs-stable', interval: '1s', provider: { prometheus: { address: 'http://p' } },
  judge: { alpha: 0.01, tolerance: 1.1, minEvents: 5, counts: { counters: 'increase', canaryRequests: 'a', canaryErrors: 'b', baselineRequests: 'c', baselineErrors: 'd' } },
});
const thresholdMetric = { name: 'success-rate', interval: '2s', count: 3, successCondition: 'result[0] >= 0.95', provider: { prometheus: { query: 'q' } } };

/** A judged metric's result after these intervals, as the controller records it. */
function judged(intervals: IntervalCounts[], startMs = 0): MetricResult {
  const config = buildMetricJudgeConfig(judgeMetric);
  if (!config.ok) throw new Error(config.problems.join());
  let result = metricResultSchema.parse({ name: 'errors-vs-stable', phase: 'Running' });
  intervals.forEach((counts, i) => {
    const at = new Date(startMs + (i + 1) * 1000).toISOString();
    result = recordJudgeInterval(result, config.config, { counts }, { startedAt: at, finishedAt: at });
  });
  const verdict = assessJudgeVerdict(result, config.config);
  return verdict ? { ...result, phase: verdict.phase, message: verdict.message } : result;
}

function failedThreshold(atMs: number): MetricResult {
  const at = new Date(atMs).toISOString();
  return metricResultSchema.parse({
    name: 'success-rate', phase: 'Failed', count: 1, failed: 1, message: 'Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)',
    measurements: [{ phase: 'Failed', value: '[0.7]', startedAt: at, finishedAt: at }],
  });
}

function rawRun(name: string, labels: Record<string, string>, metrics: unknown[], status: Record<string, unknown>): unknown {
  return { apiVersion: 'kanary.dev/v1alpha1', kind: 'AnalysisRun', metadata: { name, namespace: 'demo', labels }, spec: { metrics }, status };
}

const bad: IntervalCounts[] = [
  { canaryRequests: 4, canaryErrors: 1, baselineRequests: 36, baselineErrors: 0 },
  { canaryRequests: 4, canaryErrors: 2, baselineRequests: 36, baselineErrors: 0 },
  { canaryRequests: 4, canaryErrors: 1, baselineRequests: 36, baselineErrors: 0 },
  { canaryRequests: 4, canaryErrors: 2, baselineRequests: 36, baselineErrors: 0 },
];
const good: IntervalCounts[] = Array.from({ length: 5 }, () => ({ canaryRequests: 4, canaryErrors: 0, baselineRequests: 36, baselineErrors: 0 }));

function background(result: MetricResult, runPhase: string, message: string): RunView {
  return readRunView(rawRun('demo-abc-3', { 'kanary.dev/analysis-kind': 'background', 'rollouts-pod-template-hash': 'abc' }, [judgeMetric], { phase: runPhase, message, metricResults: [result] }))!;
}

describe('readRunView / readJudgeEvidence', () => {
  test('a bad canary: counts per arm over the judged intervals, ratio, evidence above the threshold, the verdict', () => {
    const result = judged(bad);
    expect(result.phase).toBe('Failed');
    const [e, ...rest] = readJudgeEvidence(background(result, 'Failed', result.message!));
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ run: 'demo-abc-3', metric: 'errors-vs-stable', phase: 'Failed', canaryRequests: 16, canaryErrors: 6, baselineRequests: 144, baselineErrors: 0, verdict: 'fail', terminated: false });
    expect(e!.latest).toMatchObject({ interval: 'judged', observedRatio: 'inf', abortThreshold: 100 });
    expect(e!.latest!.abortEvidence).toBeGreaterThanOrEqual(100);
    expect(formatJudgeEvidence(e!)).toMatch(/^canary 6 errors in 16 requests, stable 0 in 144; errors in the canary only, evidence \d+ of 100 to abort; verdict: canary worse than stable, abort$/);
  });

  test('a healthy canary terminated at promotion: no verdict, said so', () => {
    const result = { ...judged(good), phase: 'Successful' as const };
    const [e] = readJudgeEvidence(background(result, 'Successful', 'Run Terminated'));
    expect(e).toMatchObject({ canaryRequests: 20, canaryErrors: 0, baselineRequests: 180, baselineErrors: 0, terminated: true });
    expect(e!.verdict).toBeUndefined();
    expect(formatJudgeEvidence(e!)).toBe('canary 0 errors in 20 requests, stable 0 in 180; errors: none compared yet, evidence 1.0 of 100 to abort; no verdict: the run was terminated first');
  });

  test('a healthy canary terminated at promotion, as the controller now records it (Inconclusive, judge undecided)', () => {
    const result = { ...judged(good), phase: 'Inconclusive' as const };
    const [e] = readJudgeEvidence(background(result, 'Inconclusive', 'Metric "errors-vs-stable" assessed Inconclusive due to judge undecided after 2 intervals: ...'));
    expect(e).toMatchObject({ phase: 'Inconclusive', terminated: true });
    expect(formatJudgeEvidence(e!)).toContain('no verdict: the run was terminated first');
  });

  test('a first counter reading only: said so, no counts; one canary error is "1 error"', () => {
    const config = buildMetricJudgeConfig({ ...judgeMetric, judge: { ...judgeMetric.judge!, counts: { ...judgeMetric.judge!.counts, counters: 'cumulative' } } });
    if (!config.ok) throw new Error(config.problems.join());
    const first = recordJudgeInterval(metricResultSchema.parse({ name: 'errors-vs-stable', phase: 'Running' }), config.config, { readings: { canaryRequests: [], canaryErrors: [], baselineRequests: [], baselineErrors: [] } }, { startedAt: 'a', finishedAt: 'a' });
    const [e] = readJudgeEvidence(background(first, 'Running', ''));
    expect(formatJudgeEvidence(e!)).toBe('first counter reading, intervals are judged from the next one; evidence 1.0 of 100 to abort');
    const [one] = readJudgeEvidence(background(judged(bad.slice(0, 1)), 'Running', ''));
    expect(formatJudgeEvidence(one!)).toMatch(/^canary 1 error in 4 requests, stable 0 in 36; errors in the canary only, evidence [\d.]+ of 100 to abort$/);
  });

  test('threshold metrics, runs without status and objects without a name are not judge evidence', () => {
    const step = readRunView(rawRun('demo-abc-3-2', { 'kanary.dev/analysis-kind': 'step', 'kanary.dev/step-index': '2' }, [thresholdMetric], { phase: 'Failed', metricResults: [failedThreshold(5000)] }))!;
    expect(step).toMatchObject({ kind: 'step', stepIndex: 2, judgedMetrics: [] });
    expect(readJudgeEvidence(step)).toEqual([]);
    expect(readJudgeEvidence(readRunView(rawRun('fresh', {}, [judgeMetric], {}))!)).toEqual([]);
    expect(readRunView({ metadata: {} })).toBeUndefined();
    expect(readRunView(undefined)).toBeUndefined();
  });
});

describe('selectJudgeNarration', () => {
  test('a line when the evidence, ratio or verdict moves; nothing when only the counts grow', () => {
    let printed = new Map<string, string>();
    const lines: string[] = [];
    const look = (result: MetricResult, phase = 'Running', message = '') => {
      const next = selectJudgeNarration([background(result, phase, message)], printed);
      printed = next.printed;
      lines.push(...next.lines);
      return next.lines;
    };
    expect(look(judged(good.slice(0, 1)))).toHaveLength(1);
    expect(look(judged(good.slice(0, 3)))).toEqual([]);
    expect(look(judged(good.slice(0, 3)))).toEqual([]);
    const moved = look(judged(bad.slice(0, 2)));
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatch(/^ {2}judge "errors-vs-stable" \(demo-abc-3\): canary 3 errors in 8 requests, stable 0 in 72; errors in the canary only, evidence [\d.]+ of 100 to abort$/);
    const failed = judged(bad);
    expect(look(failed, 'Failed', failed.message)[0]).toContain('verdict: canary worse than stable, abort');
    expect(lines).toHaveLength(3);
  });
});

describe('findAbortingGate / describeGate', () => {
  const judgeRun = (result: MetricResult, phase: string) => background(result, phase, result.message ?? '');
  const stepRun = (result: MetricResult) =>
    readRunView(rawRun('demo-abc-3-2', { 'kanary.dev/analysis-kind': 'step', 'kanary.dev/step-index': '2' }, [thresholdMetric], { phase: result.phase, metricResults: [result] }))!;

  test('the judge failed first', () => {
    const gate = findAbortingGate([judgeRun(judged(bad), 'Failed'), stepRun(failedThreshold(60_000))]);
    expect(gate).toMatchObject({ metric: 'errors-vs-stable', judged: true, kind: 'background', phase: 'Failed' });
    expect(gate!.message).toMatch(/judge: canary worse than stable/);
    expect(describeGate(gate!)).toBe('the judge "errors-vs-stable" (background analysis demo-abc-3)');
  });

  test('the threshold failed first', () => {
    const gate = findAbortingGate([judgeRun(judged(bad, 10_000), 'Failed'), stepRun(failedThreshold(2_000))]);
    expect(gate).toMatchObject({ metric: 'success-rate', judged: false, kind: 'step', stepIndex: 2 });
    expect(describeGate(gate!)).toBe('the threshold "success-rate" (step analysis demo-abc-3-2, step 3)');
  });

  test('nothing failed: no gate', () => {
    expect(findAbortingGate([judgeRun({ ...judged(good), phase: 'Successful' }, 'Successful')])).toBeUndefined();
  });
});

describe('analysisLines', () => {
  const base: ReleaseResult = { scenario: 'rollback', release: 'v2->v3', fromVersion: 'v2', toVersion: 'v3', ok: true, detail: '', tally: { total: 0, failed: 0, byVersion: {} } };

  test('aborted by the judge: its evidence and the gate', () => {
    const run = background(judged(bad), 'Failed', '');
    const lines = analysisLines({ ...base, analysis: { judge: readJudgeEvidence(run), abortedBy: findAbortingGate([run])! } });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^ {4}judge "errors-vs-stable": canary 6 errors in 16 requests, stable 0 in 144; errors in the canary only, evidence \d+ of 100 to abort; verdict: canary worse than stable, abort$/);
    expect(lines[1]).toMatch(/^ {4}aborted by the judge "errors-vs-stable" \(background analysis demo-abc-3\): judge: canary worse than stable \(evidence \d+ ≥ 100\)$/);
  });

  test('aborted by a threshold before the judge decided: says so, with the judge\'s evidence so far', () => {
    const judge = { ...judged(bad.slice(0, 2)), phase: 'Successful' as const };
    const runs = [background(judge, 'Successful', 'Run Terminated'), readRunView(rawRun('demo-abc-3-2', { 'kanary.dev/analysis-kind': 'step', 'kanary.dev/step-index': '2' }, [thresholdMetric], { phase: 'Failed', metricResults: [failedThreshold(1)] }))!];
    const lines = analysisLines({ ...base, analysis: { judge: runs.flatMap(readJudgeEvidence), abortedBy: findAbortingGate(runs)! } });
    expect(lines[0]).toContain('canary 3 errors in 8 requests, stable 0 in 72');
    expect(lines[0]).toContain('no verdict: the run was terminated first');
    expect(lines[1]).toMatch(/^ {4}aborted by the threshold "success-rate" \(step analysis demo-abc-3-2, step 3\), before the judge decided \(its evidence so far is above\): /);
  });

  test('no analysis read, or no judged measurement: said so', () => {
    expect(analysisLines(base)).toEqual(['    analysis: its AnalysisRuns could not be read']);
    expect(analysisLines({ ...base, analysis: { judge: [] } })).toEqual(['    judge: no judged measurement in this release']);
  });
});
