// Settings of the statistical judge, their defaults and their validation (pure).

/** What an inconclusive end does: pause for a human (default) or abort. Never promote. */
export type InconclusiveAction = 'pause' | 'abort';

export interface JudgeConfig {
  /** Bound on the chance of aborting a canary that is no worse than `tolerance` (Ville). */
  alpha: number;
  /** r0: the rate ratio canary/stable that is still acceptable (practical margin). */
  tolerance: number;
  /** r_bad: a canary this much worse must not be promoted early; unset disables early promotion. */
  badRatio?: number;
  /** Bound on the chance of promoting early a canary at least `badRatio` times worse. */
  beta: number;
  /** Leading intervals excluded from the evidence (JIT, caches, connection set-up). */
  warmupIntervals: number;
  /** Bad events (both arms, after warm-up) required before any decision. */
  minEvents: number;
  /** Judged intervals required before an early promotion (a minimum duration; aborts need none). */
  minPromoteIntervals: number;
  /** Intervals after which an undecided run ends inconclusive; unset: when the data ends. */
  maxIntervals?: number;
  onInconclusive: InconclusiveAction;
}

export const DEFAULT_JUDGE_CONFIG: JudgeConfig = {
  alpha: 0.01,
  tolerance: 1.1,
  beta: 0.05,
  warmupIntervals: 0,
  minEvents: 5,
  minPromoteIntervals: 10,
  onInconclusive: 'pause',
};

export type JudgeConfigResult = { ok: true; config: JudgeConfig } | { ok: false; problems: string[] };

const isProbability = (value: number): boolean => Number.isFinite(value) && value > 0 && value < 1;
const isCount = (value: number): boolean => Number.isInteger(value) && value >= 0;

function checkProbabilities(config: JudgeConfig): string[] {
  const problems: string[] = [];
  if (!isProbability(config.alpha)) problems.push(`alpha must be between 0 and 1 (exclusive), got ${config.alpha}`);
  if (!isProbability(config.beta)) problems.push(`beta must be between 0 and 1 (exclusive), got ${config.beta}`);
  return problems;
}

function checkRatios(config: JudgeConfig): string[] {
  const problems: string[] = [];
  if (!Number.isFinite(config.tolerance) || config.tolerance < 1) {
    problems.push(`tolerance must be a ratio of at least 1 (1.1 tolerates 10% more errors than stable), got ${config.tolerance}`);
  }
  const bad = config.badRatio;
  if (bad !== undefined && !(Number.isFinite(bad) && bad > config.tolerance)) {
    problems.push(`bad-ratio must be a number above tolerance (${config.tolerance}), got ${bad}`);
  }
  return problems;
}

function checkCounts(config: JudgeConfig): string[] {
  const problems: string[] = [];
  if (!isCount(config.warmupIntervals)) problems.push(`warmup must be a whole number of intervals, got ${config.warmupIntervals}`);
  if (!isCount(config.minEvents)) problems.push(`minEvents must be a whole number, got ${config.minEvents}`);
  if (!isCount(config.minPromoteIntervals)) problems.push(`minPromoteIntervals must be a whole number, got ${config.minPromoteIntervals}`);
  const max = config.maxIntervals;
  if (max !== undefined && !(isCount(max) && max >= 1)) problems.push(`maxIntervals must be a whole number of at least 1, got ${max}`);
  return problems;
}

/** Fills defaults and checks every setting; problems are sentences, one per bad setting. */
export function buildJudgeConfig(input: Partial<JudgeConfig> = {}): JudgeConfigResult {
  const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<JudgeConfig>;
  const config: JudgeConfig = { ...DEFAULT_JUDGE_CONFIG, ...defined };
  const problems = [...checkProbabilities(config), ...checkRatios(config), ...checkCounts(config)];
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}
