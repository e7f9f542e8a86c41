// The rate-ratio likelihood of the statistical judge (Lindon & Malek 2022; see docs/analysis.md,
// "The statistical judge"). Each arm's bad events are a Poisson process whose intensity is the
// arm's requests × its error rate × a common, arbitrary factor; conditional on an event, the
// probability that it is the canary's depends only on the canary's request share π and the rate
// ratio r, so traffic swings and shared incidents cancel. Pure numbers: no I/O, no clock.

/** The counts of one interval, already checked: finite, nonnegative, errors ≤ requests. */
export interface ArmCounts {
  canaryRequests: number;
  canaryErrors: number;
  baselineRequests: number;
  baselineErrors: number;
}

/** Abort test alternatives: r_k = tolerance × g (research note: g ∈ {1.25, 1.5, 2, 3, 5, 10}). */
export const ABORT_GRID: readonly number[] = [1.25, 1.5, 2, 3, 5, 10];
/** Early-promotion alternatives: r_k = badRatio / g. */
export const PROMOTE_GRID: readonly number[] = [1.25, 1.5, 2, 3];

/** θ(π, r) = π·r / (π·r + 1 − π): the chance a bad event is the canary's at rate ratio r. */
export function computeCanaryEventProbability(share: number, ratio: number): number {
  return (share * ratio) / (share * ratio + 1 - share);
}

/** The observed canary request share π of an interval, or undefined when one arm had no requests. */
export function computeCanaryShare(counts: ArmCounts): number | undefined {
  if (counts.canaryRequests <= 0 || counts.baselineRequests <= 0) return undefined;
  return counts.canaryRequests / (counts.canaryRequests + counts.baselineRequests);
}

/**
 * ℓ(r; r0) = c·ln(θ(π,r)/θ(π,r0)) + b·ln((1−θ(π,r))/(1−θ(π,r0))) for one interval: the log
 * likelihood ratio of "rate ratio r" against "rate ratio r0" given which arm each bad event came
 * from. 0 when an arm had no requests or nobody had a bad event (the interval says nothing).
 */
export function computeIntervalLogLikelihoodRatio(counts: ArmCounts, ratio: number, nullRatio: number): number {
  const share = computeCanaryShare(counts);
  if (share === undefined || counts.canaryErrors + counts.baselineErrors === 0) return 0;
  const theta = computeCanaryEventProbability(share, ratio);
  const theta0 = computeCanaryEventProbability(share, nullRatio);
  return counts.canaryErrors * Math.log(theta / theta0) + counts.baselineErrors * Math.log((1 - theta) / (1 - theta0));
}

/** ln Σ exp(x_i), without overflow; −∞ for an empty list. */
export function logSumExp(values: readonly number[]): number {
  const max = Math.max(...values);
  if (!Number.isFinite(max)) return max;
  let sum = 0;
  for (const value of values) sum += Math.exp(value - max);
  return max + Math.log(sum);
}

/** log E of an equal-weight mixture of likelihood ratios given their log values: ln((1/K) Σ exp(L_k)). */
export function computeMixtureLogEvidence(logLikelihoodRatios: readonly number[]): number {
  if (logLikelihoodRatios.length === 0) return 0;
  return logSumExp(logLikelihoodRatios) - Math.log(logLikelihoodRatios.length);
}

/** The alternatives of the abort test for a tolerance r0: r0 × g. */
export function buildAbortAlternatives(tolerance: number): number[] {
  return ABORT_GRID.map((g) => tolerance * g);
}

/** The alternatives of the early-promotion test for a bad ratio r_bad: r_bad / g. */
export function buildPromoteAlternatives(badRatio: number): number[] {
  return PROMOTE_GRID.map((g) => badRatio / g);
}

/** Adds one interval's log likelihood ratios to running sums (one per alternative); returns new sums. */
export function addIntervalEvidence(sums: readonly number[], counts: ArmCounts, alternatives: readonly number[], nullRatio: number): number[] {
  return alternatives.map((ratio, k) => (sums[k] ?? 0) + computeIntervalLogLikelihoodRatio(counts, ratio, nullRatio));
}
