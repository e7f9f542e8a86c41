/**
 * Golden tests of `kanary get rollout`'s renderer: each fixture state under test/fixtures/render/
 * renders exactly to its `.txt` (plain: not a TTY) and `.tty.txt` (Unicode, NO_COLOR) golden file.
 * After an intended change of the output, regenerate with UPDATE_GOLDEN=1 and review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';
import { buildRolloutView } from '../../src/cli/render-rollout-view.js';
import { renderCountdownBar, renderRollout } from '../../src/cli/render-rollout.js';
import type { RolloutState } from '../../src/cli/rollout-tree.js';
import { PLAIN_STYLE, stripAnsi } from '../../src/cli/terminal.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'render');
const FIXTURES = ['initial-deploy', 'paused-countdown', 'analysis-running', 'aborted', 'fast-rollback', 'paused-indefinite', 'bluegreen-paused'];
const UNICODE = { color: false, unicode: true };
const COLOR = { color: true, unicode: true };

interface FixtureFile extends RolloutState {
  now: string;
}

function loadFixture(name: string): { state: RolloutState; now: number } {
  const raw = yaml.load(readFileSync(join(dir, `${name}.state.yaml`), 'utf8')) as FixtureFile;
  const { now, ...state } = raw;
  return { state, now: Date.parse(now) };
}

function render(name: string, style = PLAIN_STYLE): string {
  const { state, now } = loadFixture(name);
  return renderRollout(buildRolloutView(state, now), style);
}

function expectGolden(file: string, actual: string): void {
  const path = join(dir, file);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('renderRollout golden files', () => {
  test.each(FIXTURES)('%s (plain)', (name) => {
    expectGolden(`${name}.txt`, render(name));
  });

  test.each(FIXTURES)('%s (Unicode)', (name) => {
    expectGolden(`${name}.tty.txt`, render(name, UNICODE));
  });

  test.each(FIXTURES)('%s: colours only add escape sequences to the Unicode text', (name) => {
    const colored = render(name, COLOR);
    expect(colored).toContain('\u001b[');
    expect(stripAnsi(colored)).toBe(render(name, UNICODE));
  });

  test('plain output is ASCII without escape sequences', () => {
    for (const name of FIXTURES) {
      const text = render(name);
      expect(text).not.toContain('\u001b');
      expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true);
    }
  });
});

describe('what each state shows', () => {
  test('paused at step 2: step, weights and a countdown with the time left', () => {
    const text = render('paused-countdown');
    expect(text).toMatch(/Step: +2\/5 \(pause: 1m\)/);
    expect(text).toMatch(/SetWeight: +20\n/);
    expect(text).toMatch(/ActualWeight: +20\n/);
    expect(text).toContain('[########------------] 35s left of 1m');
  });

  test('indefinite pause: the exact promote and abort commands', () => {
    const text = render('paused-indefinite');
    expect(text).toMatch(/Promote: +kanary promote demo -n shop\n/);
    expect(text).toMatch(/Abort: +kanary abort demo -n shop\n/);
  });

  test('analysis: latest value of each metric against its condition, and the counts', () => {
    const text = render('analysis-running', UNICODE);
    expect(text).toMatch(/success-rate +Metric +✔ Successful +0\.982 vs result\[0\] >= 0\.95/);
    expect(text).toMatch(/p99-latency +Metric +✔ Successful +244 vs size\(result\) > 0 && result\[0\] < 500/);
    expect(text).toMatch(/error-budget +Metric +\? Inconclusive +query returned no data vs fails when result\[0\] > 0\.05/);
    expect(text).toMatch(/demo-5c4b7f9d8-2-2 +AnalysisRun +◌ Running +50s +✔ 5\n/);
  });

  test('aborted: weight 0, retry command, canary scale-down countdown', () => {
    const text = render('aborted');
    expect(text).toMatch(/Status: +x Degraded/);
    expect(text).toMatch(/SetWeight: +0\n/);
    expect(text).toMatch(/Retry: +kanary retry demo -n shop/);
    expect(text).toMatch(/demo-5c4b7f9d8 +ReplicaSet +\+ Healthy +3m +canary, scale-down in 18s/);
  });

  test('header and mirror routes set now are listed under the weights; none, no line', () => {
    const { state, now } = loadFixture('paused-indefinite');
    expect(renderRollout(buildRolloutView(state, now), PLAIN_STYLE)).not.toContain('Routes:');
    const status = { ...(state.rollout.status as object), canary: { currentRoutes: [{ name: 'beta', kind: 'header' }, { name: 'copy', kind: 'mirror' }] } };
    const text = renderRollout(buildRolloutView({ ...state, rollout: { ...state.rollout, status } }, now), PLAIN_STYLE);
    expect(text).toMatch(/ActualWeight: +\d+\n {2}Routes: +beta \(header\), copy \(mirror\)\n/);
  });

  test('a baseline: its weight and pods under the weights, its ReplicaSet with the stable revision it copies', () => {
    const { state, now } = loadFixture('paused-indefinite');
    expect(renderRollout(buildRolloutView(state, now), PLAIN_STYLE)).not.toContain('Baseline:');
    const status = state.rollout.status as { stableRS: string; canary?: { weights?: object } };
    const stable = state.replicaSets.find((rs) => rs.metadata?.labels?.['rollouts-pod-template-hash'] === status.stableRS);
    const baselineRs = {
      ...structuredClone(stable),
      metadata: { ...structuredClone(stable?.metadata), name: 'demo-bsln12345', labels: { app: 'demo', 'rollouts-pod-template-hash': 'bsln12345', 'kanary.dev/role': 'baseline' }, annotations: {} },
      spec: { ...structuredClone(stable?.spec), replicas: 1 },
      status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 },
    } as (typeof state.replicaSets)[number];
    const weights = { canary: { weight: 10 }, stable: { weight: 80 }, baseline: { weight: 10, podTemplateHash: 'bsln12345' } };
    const withBaseline = { ...state, replicaSets: [...state.replicaSets, baselineRs], rollout: { ...state.rollout, status: { ...status, canary: { ...status.canary, weights } } } };
    const view = buildRolloutView(withBaseline, now);
    const text = renderRollout(view, PLAIN_STYLE);
    expect(text).toMatch(/ActualWeight: +\d+\n {2}Baseline: +demo-bsln12345 10%, 1\/1 available\n/);
    expect(text).toMatch(/demo-bsln12345 +ReplicaSet .*baseline/);
    const stableRevision = view.revisions.find((r) => r.replicaSets.some((rs) => rs.role === 'stable'));
    expect(stableRevision?.replicaSets.map((rs) => rs.role)).toContain('baseline');
  });

  test('revisions are listed newest first', () => {
    const text = render('fast-rollback');
    expect(text.indexOf('revision:3')).toBeGreaterThan(0);
    expect(text.indexOf('revision:3')).toBeLessThan(text.indexOf('revision:2'));
  });
});

describe('renderCountdownBar', () => {
  test.each([
    [60_000, 60_000, '[--------------------]'],
    [60_000, 30_000, '[##########----------]'],
    [60_000, 0, '[####################]'],
    [0, 0, '[####################]'],
  ])('duration %d ms, %d ms left -> %s', (durationMs, remainingMs, bar) => {
    expect(renderCountdownBar(PLAIN_STYLE, { durationMs, remainingMs })).toBe(bar);
  });
});
