/**
 * The rules the judge is compared with, each judging the same simulated release interval by
 * interval: Argo/Flagger-style fixed thresholds on the canary's success rate with a failureLimit,
 * a relative rule (canary error rate ≤ stable + margin), a Kayenta-style Mann–Whitney test on
 * per-interval error rates re-run over the growing window, and the judge itself (src/core/judge).
 */
import type { JudgeConfig } from '../../src/core/judge/judge-config.js';
import { buildJudgeConfig } from '../../src/core/judge/judge-config.js';
import { buildInitialJudgeState, stepJudge } from '../../src/core/judge/judge-process.js';
import type { ArmCounts } from '../../src/core/judge/rate-ratio.js';

export type RuleOutcome = 'fail' | 'pass' | undefined;

/** One release being judged: sees each interval once, may fail (abort) or pass (promote early). */
export interface RuleRun {
  observe(counts: ArmCounts, interval: number): RuleOutcome;
}

export interface Rule {
  name: string;
  /** True when the rule can promote before the release's end. */
  promotesEarly: boolean;
  start(): RuleRun;
}

/** Argo Rollouts / Flagger: success = 1 − errors/requests per interval; fail after more than failureLimit failed measurements. */
export function thresholdRule(minSuccess: number, failureLimit: number): Rule {
  return {
    name: `success ≥ ${Math.round(minSuccess * 100)}%, failureLimit ${failureLimit}`,
    promotesEarly: false,
    start() {
      let failures = 0;
      return {
        observe(c) {
          if (c.canaryRequests === 0) return undefined; // no data: not a measurement
          if (1 - c.canaryErrors / c.canaryRequests < minSuccess) failures += 1;
          return failures > failureLimit ? 'fail' : undefined;
        },
      };
    },
  };
}

/** Canary error rate ≤ stable error rate + margin per interval, with a failureLimit. */
export function relativeRule(margin: number, failureLimit: number): Rule {
  return {
    name: `canary ≤ stable + ${margin * 100} pp, failureLimit ${failureLimit}`,
    promotesEarly: false,
    start() {
      let failures = 0;
      return {
        observe(c) {
          if (c.canaryRequests === 0 || c.baselineRequests === 0) return undefined;
          if (c.canaryErrors / c.canaryRequests > c.baselineErrors / c.baselineRequests + margin) failures += 1;
          return failures > failureLimit ? 'fail' : undefined;
        },
      };
    },
  };
}

/** z of the Mann–Whitney U statistic for "canary values are larger", tie-corrected, continuity-corrected. */
export function mannWhitneyZ(canary: readonly number[], baseline: readonly number[]): number {
  const n1 = canary.length;
  const n2 = baseline.length;
  const n = n1 + n2;
  if (n1 === 0 || n2 === 0) return 0;
  const all = [...canary.map((value) => ({ value, canary: true })), ...baseline.map((value) => ({ value, canary: false }))].sort((a, b) => a.value - b.value);
  let canaryRanks = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1]!.value === all[i]!.value) j += 1;
    const rank = (i + j + 2) / 2;
    const ties = j - i + 1;
    tieTerm += ties ** 3 - ties;
    for (let k = i; k <= j; k += 1) if (all[k]!.canary) canaryRanks += rank;
    i = j + 1;
  }
  const u = canaryRanks - (n1 * (n1 + 1)) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return 0;
  return (u - (n1 * n2) / 2 - 0.5) / Math.sqrt(variance);
}

const Z_ONE_SIDED_1_PERCENT = 2.3263;
const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;

/**
 * Kayenta (NetflixACAJudge), reduced to one critical error-rate metric: every `everyIntervals`
 * intervals, on all per-interval error rates so far, the canary is High when a Mann–Whitney test
 * at 98% two-sided confidence puts it above the baseline and its mean rate exceeds
 * allowedIncrease × the baseline's. High on the critical metric fails the canary.
 */
export function mannWhitneyRule(everyIntervals: number, allowedIncrease: number): Rule {
  return {
    name: `Mann–Whitney (Kayenta-style), every ${everyIntervals} intervals`,
    promotesEarly: false,
    start() {
      const canary: number[] = [];
      const baseline: number[] = [];
      return {
        observe(c, interval) {
          if (c.canaryRequests > 0 && c.baselineRequests > 0) {
            canary.push(c.canaryErrors / c.canaryRequests);
            baseline.push(c.baselineErrors / c.baselineRequests);
          }
          if (interval % everyIntervals !== 0 || canary.length < 3) return undefined;
          const high = mannWhitneyZ(canary, baseline) > Z_ONE_SIDED_1_PERCENT && mean(canary) > allowedIncrease * mean(baseline);
          return high ? 'fail' : undefined;
        },
      };
    },
  };
}

function judgeConfig(overrides: Partial<JudgeConfig>): JudgeConfig {
  const result = buildJudgeConfig(overrides);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.config;
}

/** The judge of src/core/judge, stepped once per interval. */
export function judgeRule(name: string, overrides: Partial<JudgeConfig>): Rule {
  const config = judgeConfig(overrides);
  return {
    name,
    promotesEarly: config.badRatio !== undefined,
    start() {
      let state = buildInitialJudgeState(config);
      return {
        observe(c) {
          const step = stepJudge(state, c, config);
          state = step.state;
          return step.verdict?.outcome === 'fail' ? 'fail' : step.verdict?.outcome === 'pass' ? 'pass' : undefined;
        },
      };
    },
  };
}

export function buildRules(): Rule[] {
  return [
    thresholdRule(0.99, 0),
    thresholdRule(0.99, 1),
    thresholdRule(0.99, 3),
    thresholdRule(0.95, 0),
    thresholdRule(0.95, 1),
    thresholdRule(0.95, 3),
    relativeRule(0.01, 1),
    mannWhitneyRule(10, 1.1),
    judgeRule('judge (α 0.01, tolerance 1.1)', { alpha: 0.01, tolerance: 1.1 }),
    judgeRule('judge + early promotion (bad ratio 1.5, β 0.05)', { alpha: 0.01, tolerance: 1.1, badRatio: 1.5, beta: 0.05 }),
  ];
}
