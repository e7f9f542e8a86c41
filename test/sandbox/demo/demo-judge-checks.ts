/**
 * Checks shared by the demo's cluster tests (Prometheus and edge-proxy): the statistical judge
 * ran as background analysis in every release, with its evidence in the AnalysisRun's status;
 * the faulty release's evidence pointed at the canary and the output showed it; no healthy
 * release was aborted by the judge.
 */
import { expect } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import type { DemoResult } from '../../../src/sandbox/demo/run-demo.js';
import { testKubeconfigPath } from '../../harness/cluster.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function getRun(namespace: string, name: string): Obj {
  return JSON.parse(execFileSync('kubectl', ['--kubeconfig', testKubeconfigPath(), '-n', namespace, 'get', 'analysisruns.kanary.dev', name, '-o', 'json'], { encoding: 'utf8' })) as Obj;
}

function judgeResult(run: Obj): Obj {
  const result = (run.status?.metricResults ?? []).find((r: Obj) => r.name === 'errors-vs-stable');
  expect(result).toBeDefined();
  return result as Obj;
}

function judgedMeasurements(result: Obj): Obj[] {
  return (result.measurements as Obj[]).filter((m) => m.judge?.interval === 'judged').map((m) => m.judge as Obj);
}

/** The release's judge evidence (from the demo's result) and its background run in the cluster. */
function releaseJudge(result: DemoResult, scenario: string, namespace: string): { evidence: Obj; run: Obj; judge: Obj } {
  const report = result.releases.find((r) => r.result.scenario === scenario);
  expect(report?.result.analysis?.judge).toHaveLength(1);
  const evidence = report!.result.analysis!.judge[0]! as unknown as Obj;
  const run = getRun(namespace, String(evidence.run));
  expect(run.metadata.labels['kanary.dev/analysis-kind']).toBe('background');
  expect(run.spec.metrics.map((m: Obj) => [m.name, m.judge !== undefined])).toEqual([['errors-vs-stable', true]]);
  return { evidence, run, judge: judgeResult(run) };
}

/** v3: counts per arm, the observed ratio and evidence toward abort in status; the verdict's gate named. */
export function expectBadReleaseJudged(result: DemoResult, namespace: string, output: string): void {
  const { evidence, run, judge } = releaseJudge(result, 'rollback', namespace);
  const state = judge.judge.state as Obj;
  expect(state.canaryRequests).toBeGreaterThan(0);
  expect(state.canaryErrors).toBeGreaterThan(0);
  expect(state.baselineRequests).toBeGreaterThan(state.canaryRequests);
  const last = judgedMeasurements(judge).at(-1)!;
  expect(last).toEqual(expect.objectContaining({ canaryRequests: expect.any(Number), canaryErrors: expect.any(Number), baselineRequests: expect.any(Number), baselineErrors: expect.any(Number), abortThreshold: 100 }));
  // v2 answers no 5xx: every error the judge saw was the canary's
  expect(last.observedRatio).toBe('inf');
  expect(last.abortEvidence).toBeGreaterThan(1);
  expect(evidence).toMatchObject({ canaryErrors: state.canaryErrors, canaryRequests: state.canaryRequests, baselineRequests: state.baselineRequests });
  const gate = result.releases.find((r) => r.result.scenario === 'rollback')!.result.analysis!.abortedBy;
  expect(gate).toBeDefined();
  if (gate!.judged) {
    expect(run.status.phase).toBe('Failed');
    expect(run.status.message).toMatch(/^Metric "errors-vs-stable" assessed Failed due to judge: canary worse than stable \(evidence \d+ ≥ 100\)$/);
    expect(last.abortEvidence).toBeGreaterThanOrEqual(100);
    expect(output).toMatch(/^ {4}aborted by the judge "errors-vs-stable" \(background analysis demo-\w+-\d+\): judge: canary worse than stable/m);
  } else {
    expect(output).toMatch(/^ {4}aborted by the threshold "[a-z0-9-]+" \(step analysis demo-[\w-]+, step \d+\), before the judge decided/m);
  }
  // the evidence on screen as it moved, and in the release's verdict
  const line = new RegExp(`^ {2}judge "errors-vs-stable" \\(${String(evidence.run)}\\): canary \\d+ errors? in \\d+ requests, stable 0 in \\d+; errors in the canary only, evidence [\\d.]+ of 100 to abort`, 'm');
  expect(output).toMatch(line);
  expect(output).toContain(`    judge "errors-vs-stable": canary ${state.canaryErrors} error`);
}

/** A healthy release: judged intervals with traffic in both arms, never aborted by the judge. */
export function expectHealthyReleaseNotAbortedByJudge(result: DemoResult, scenario: string, namespace: string): void {
  const { evidence, judge } = releaseJudge(result, scenario, namespace);
  const state = judge.judge.state as Obj;
  expect(state.judgedIntervals).toBeGreaterThan(0);
  expect(state.canaryRequests).toBeGreaterThan(0);
  expect(state.baselineRequests).toBeGreaterThan(0);
  expect(state.verdict?.outcome).not.toBe('fail');
  expect(judge.phase).not.toBe('Failed');
  for (const m of judgedMeasurements(judge)) expect(m.abortEvidence).toBeLessThan(m.abortThreshold);
  expect(evidence.verdict).toBeUndefined();
  expect(result.releases.find((r) => r.result.scenario === scenario)!.result.analysis!.abortedBy).toBeUndefined();
}
