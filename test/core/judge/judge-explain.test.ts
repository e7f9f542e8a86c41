import { buildJudgeConfig, type JudgeConfig } from '../../../src/core/judge/judge-config.js';
import {
  explainJudge,
  formatEvidence,
  formatJudgeOutlook,
  formatJudgeSummary,
  formatRatio,
  type JudgeExplanation,
} from '../../../src/core/judge/judge-explain.js';
import type { IntervalCounts } from '../../../src/core/judge/interval-counts.js';
import { assessJudgeRun, buildInitialJudgeState, stepJudge, type JudgeState } from '../../../src/core/judge/judge-process.js';

function config(overrides: Partial<JudgeConfig> = {}): JudgeConfig {
  const result = buildJudgeConfig(overrides);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.config;
}

const row = (canaryRequests: number, canaryErrors: number, baselineRequests: number, baselineErrors: number): IntervalCounts => ({
  canaryRequests,
  canaryErrors,
  baselineRequests,
  baselineErrors,
});

function stateAfter(rows: IntervalCounts[], cfg: JudgeConfig): JudgeState {
  return rows.reduce<JudgeState>((state, counts) => stepJudge(state, counts, cfg).state, buildInitialJudgeState(cfg));
}

const base: JudgeExplanation = {
  canaryRequests: 1000,
  canaryErrors: 24,
  baselineRequests: 1000,
  baselineErrors: 10,
  observedRatio: 2.4,
  abortEvidence: 37.2,
  abortThreshold: 100,
  eventsBeforeDecision: 0,
};

describe('formatJudgeSummary', () => {
  test.each([
    ['the issue\'s example', base, 'errors 2.4× stable, evidence 37 of 100 to abort'],
    ['with early promotion', { ...base, promoteEvidence: 0.31, promoteThreshold: 20 }, 'errors 2.4× stable, evidence 37 of 100 to abort, 0.3 of 20 to promote'],
    ['canary errors only', { ...base, baselineErrors: 0, observedRatio: Number.POSITIVE_INFINITY, abortEvidence: 33.1 }, 'errors 24 in canary, none in stable, evidence 33 of 100 to abort'],
    ['no bad events', { ...base, canaryErrors: 0, baselineErrors: 0, observedRatio: undefined, abortEvidence: 1 }, 'errors: none in either arm yet, evidence 1.0 of 100 to abort'],
    ['no canary traffic', { ...base, canaryRequests: 0, observedRatio: undefined, abortEvidence: 1 }, 'errors: no canary requests yet, evidence 1.0 of 100 to abort'],
    ['a better canary', { ...base, observedRatio: 0.526, abortEvidence: 0.004 }, 'errors 0.53× stable, evidence 0.0 of 100 to abort'],
  ] as [string, JudgeExplanation, string][])('%s', (_name, explanation, line) => {
    expect(formatJudgeSummary('errors', explanation)).toBe(line);
  });

  test.each([
    [0.04, '0.0'],
    [3.74, '3.7'],
    [37.4, '37'],
    [1250.2, '1250'],
    [2.1e6, '2.1e+6'],
  ])('formatEvidence(%p) = %s', (value, text) => {
    expect(formatEvidence(value)).toBe(text);
  });

  test.each([
    [0, '0'],
    [0.526, '0.53'],
    [2.44, '2.4'],
    [12.4, '12'],
  ])('formatRatio(%p) = %s', (value, text) => {
    expect(formatRatio(value)).toBe(text);
  });
});

describe('explainJudge', () => {
  test('3 canary errors, none in stable, 10% canary: counts, ratio, evidence ≈ 32.8 of 100, one more error would abort', () => {
    const cfg = config({ minEvents: 0 });
    const e = explainJudge(stateAfter([row(100, 3, 900, 0)], cfg), cfg);
    expect(e).toMatchObject({ canaryRequests: 100, canaryErrors: 3, baselineRequests: 900, baselineErrors: 0, abortThreshold: 100, eventsBeforeDecision: 0 });
    expect(e.observedRatio).toBe(Number.POSITIVE_INFINITY);
    // (1/6) Σ_k (θ(0.1, 1.1·g_k)/θ(0.1, 1.1))^3 over g ∈ {1.25, 1.5, 2, 3, 5, 10}.
    const theta = (r: number): number => (0.1 * r) / (0.1 * r + 0.9);
    const expected = [1.25, 1.5, 2, 3, 5, 10].reduce((sum, g) => sum + (theta(1.1 * g) / theta(1.1)) ** 3, 0) / 6;
    expect(e.abortEvidence).toBeCloseTo(expected, 8);
    expect(e.abortEvidence).toBeCloseTo(32.75, 2);
    expect(e.canaryErrorsToAbort).toBe(1);
    expect(formatJudgeOutlook('errors', e)).toBe('1 more canary error with none in stable would abort; early promotion is off (no bad ratio)');
  });

  test('minEvents raises what it takes to abort', () => {
    const cfg = config({ minEvents: 10 });
    const e = explainJudge(stateAfter([row(100, 3, 900, 0)], cfg), cfg);
    expect(e.eventsBeforeDecision).toBe(7);
    expect(e.canaryErrorsToAbort).toBe(7);
  });

  test.each([
    [[row(100, 1, 900, 9)]],
    [[row(100, 2, 900, 9), row(120, 0, 880, 12)]],
    [[row(1000, 10, 9000, 90), row(1000, 14, 9000, 80)]],
  ])('the canary errors it names really abort (%j)', (rows) => {
    const cfg = config({ minEvents: 0, badRatio: 1.5 });
    const state = stateAfter(rows, cfg);
    const toAbort = explainJudge(state, cfg).canaryErrorsToAbort!;
    expect(stepJudge(state, row(state.canaryRequests, toAbort, state.baselineRequests, 0), cfg).verdict?.outcome).toBe('fail');
    expect(stepJudge(state, row(state.canaryRequests, toAbort - 1, state.baselineRequests, 0), cfg).verdict).toBeUndefined();
  });

  test('the stable errors it names really promote (spread so that no interval is a shared spike)', () => {
    const cfg = config({ minEvents: 0, badRatio: 1.5, minPromoteIntervals: 0 });
    const state = stateAfter([row(1000, 10, 9000, 90), row(1000, 14, 9000, 80), row(1000, 9, 9000, 95)], cfg);
    const toPromote = explainJudge(state, cfg).baselineErrorsToPromote!;
    expect(toPromote).toBeGreaterThan(0);
    expect(toPromote).toBeLessThan(2 * (state.canaryErrors + state.baselineErrors));
    const more = (b: number) => row(state.canaryRequests, 0, state.baselineRequests, b);
    expect(stepJudge(state, more(toPromote), cfg).verdict?.outcome).toBe('pass');
    expect(stepJudge(state, more(toPromote - 1), cfg).verdict).toBeUndefined();
  });

  test('promotion evidence is reported only when badRatio is set', () => {
    const rows = [row(1000, 10, 9000, 90), row(1000, 10, 9000, 90)];
    expect(explainJudge(stateAfter(rows, config()), config()).promoteEvidence).toBeUndefined();
    const cfg = config({ badRatio: 1.5 });
    const e = explainJudge(stateAfter(rows, cfg), cfg);
    expect(e.promoteThreshold).toBe(20);
    expect(e.promoteEvidence).toBeGreaterThan(1);
  });

  test('the summary of a real run reads as documented', () => {
    const cfg = config();
    const { steps } = assessJudgeRun([row(1000, 24, 1000, 10)], cfg);
    expect(formatJudgeSummary('errors', explainJudge(steps[0]!.state, cfg))).toBe('errors 2.4× stable, evidence 4.7 of 100 to abort');
  });
});
