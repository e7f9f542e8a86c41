/**
 * The non-interactive demo end to end on the shared local cluster (library call, in its own
 * namespace): outcomes and the real traffic tallies, the statistical judge's evidence for the
 * faulty release (in its AnalysisRun and on screen) and no healthy release aborted by it, then
 * nothing left running.
 */
import { jest } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDemo, type DemoResult } from '../../../src/sandbox/demo/run-demo.js';
import { parseDemoArgs } from '../../../src/sandbox/demo/demo-options.js';
import { checkCanaryShares } from '../../../src/sandbox/demo/traffic-ledger.js';
import { childPids } from '../../harness/child-processes.js';
import { testKubeconfigPath, useTestNamespace } from '../../harness/cluster.js';
import { expectBadReleaseJudged, expectHealthyReleaseNotAbortedByJudge } from './demo-judge-checks.js';

jest.setTimeout(12 * 60_000);
const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
const ns = useTestNamespace('demo');

describe('npm run demo -- --no-tty', () => {
  let result: DemoResult;
  let output = '';
  let before: string[] = [];

  beforeAll(async () => {
    before = childPids();
    const options = parseDemoArgs({
      argv: ['--no-tty', '--kubeconfig', testKubeconfigPath(), '--namespace', ns.name, '--dir', mkdtempSync(join(tmpdir(), 'kanary-demo-'))],
      env: {}, homeDir: tmpdir(), stdoutIsTty: false,
    });
    result = await runDemo({ options, repoRoot, env: process.env, signal: new AbortController().signal, write: (t) => { output += t; } });
  });

  test('every release ends as expected', () => {
    if (!result.ok) process.stdout.write(output);
    expect(result.error).toBeUndefined();
    expect(result.releases.map((r) => [r.result.scenario, r.result.ok])).toEqual([['promote', true], ['rollback', true], ['manual', true]]);
  });

  test('the canary share stays within 5 points of each step weight while at that step', () => {
    for (const report of result.releases.filter((r) => r.result.scenario !== 'rollback')) {
      const checks = checkCanaryShares(report.segments, report.result.toVersion, { minRequests: 100, tolerancePoints: 5 });
      expect(checks.length).toBeGreaterThan(0);
      for (const check of checks) expect({ weight: check.segment.appliedWeight, ok: check.ok, observed: check.observedPercent }).toMatchObject({ ok: true });
    }
  });

  test('v1 -> v2 is promoted with zero failed requests; v3 is rolled back with under 5% failed', () => {
    const [promote, rollback] = result.releases;
    expect(promote?.result.tally.total).toBeGreaterThan(500);
    expect(promote?.result.tally.failed).toBe(0);
    const t = rollback?.result.tally ?? { total: 0, failed: 0 };
    expect(t.total).toBeGreaterThan(100);
    expect(t.failed / t.total).toBeLessThan(0.05);
  });

  test('v3: the judge\'s background run holds its evidence (counts per arm, ratio, evidence toward abort), shown on screen with the gate that aborted', () => {
    expectBadReleaseJudged(result, ns.name, output);
  });

  test('v2 and v4 are judged with traffic in both arms and not aborted by the judge', () => {
    expectHealthyReleaseNotAbortedByJudge(result, 'promote', ns.name);
    expectHealthyReleaseNotAbortedByJudge(result, 'manual', ns.name);
  });

  test('backtest over the demo\'s own Prometheus history: the judge template fails inside the bad release, never in a healthy one', () => {
    const backtests = result.backtests ?? [];
    expect(backtests.map((b) => b.release)).toEqual(result.releases.map((r) => r.result.release));
    expect(output).toContain('backtest: would demo-judge-errors have stopped each release?');
    const bad = backtests[1];
    const badRelease = result.releases[1]?.result;
    const liveJudgeFailed = (badRelease?.analysis?.judge ?? []).some((j) => j.verdict === 'fail');
    if (liveJudgeFailed) {
      // The same counts the live judge saw: it fails too, inside the release window.
      expect(bad).toMatchObject({ outcome: 'failed', exitCode: 1 });
      expect(bad?.decidedAtMs).toBeGreaterThanOrEqual(badRelease?.startedAtMs ?? Infinity);
      expect(bad?.decidedAtMs).toBeLessThanOrEqual(badRelease?.endedAtMs ?? 0);
      expect(output).toMatch(/v2->v3: FAILED at \d\d:\d\d:\d\d \(\d+ s into the release\)/);
    } else {
      // A threshold aborted v3 before the judge decided: the canary's errors stopped with it.
      expect(['failed', 'inconclusive']).toContain(bad?.outcome);
    }
    for (const good of [backtests[0], backtests[2]]) {
      expect(['passed', 'inconclusive']).toContain(good?.outcome);
      expect([0, 3]).toContain(good?.exitCode);
    }
  });

  test('the dashboard is served for the whole demo, and no request fails before v1 answers', () => {
    expect(output).toMatch(/dashboard: http:\/\/127\.0\.0\.1:\d+\/ /);
    // The running tally in each status line counts from the first request: until the faulty v3
    // arrives, it must show no failure (traffic began only once v1 answered).
    const beforeV3 = output.slice(0, output.indexOf('demo-app:v3'));
    expect(beforeV3).toMatch(/failed:0/);
    expect(beforeV3).not.toMatch(/failed:[1-9]/);
  });

  test('nothing is left running', () => {
    const after = childPids().filter((pid) => !before.includes(pid));
    // `ps` itself is the only new child
    expect(after.length).toBeLessThanOrEqual(1);
    expect(output).toContain('stopping everything the demo started');
  });
});
