/**
 * The equal-false-abort comparison (pure): how fast a rule detects a regression, whether the judge is
 * at least as fast as a rule, and which tuned threshold rule is the best one within a false-abort
 * budget. Requests to detection are canary requests seen until the abort; Infinity marks a release
 * not aborted within the hour.
 */

export interface SpeedProfile {
  releases: number;
  detected: number;
  /** Share of releases aborted within the hour. */
  detectionRate: number;
  /** Nearest-rank quantiles over all releases, undetected ones counted as Infinity. */
  median: number;
  p90: number;
}

/** Nearest-rank percentile of sorted values (as bench/lib/stats.ts), p in 0..100. */
function nearestRank(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function speedProfile(requestsToDetection: ArrayLike<number>): SpeedProfile {
  const sorted = Float64Array.from(requestsToDetection).sort();
  let detected = 0;
  for (const value of sorted) if (Number.isFinite(value)) detected += 1;
  return {
    releases: sorted.length,
    detected,
    detectionRate: sorted.length === 0 ? 0 : detected / sorted.length,
    median: nearestRank(sorted, 50),
    p90: nearestRank(sorted, 90),
  };
}

/** The profile of a rule known by the requests of its aborted releases only (a Tally). */
export function profileFromDetections(requestsToAbort: readonly number[], releases: number): SpeedProfile {
  const values = new Float64Array(releases).fill(Infinity);
  values.set(requestsToAbort.slice(0, releases));
  return speedProfile(values);
}

/** Two standard errors (1.96) of the difference of two detection rates. */
export function detectionMargin(a: SpeedProfile, b: SpeedProfile): number {
  const variance = (p: SpeedProfile): number => (p.releases === 0 ? 0 : (p.detectionRate * (1 - p.detectionRate)) / p.releases);
  return 1.96 * Math.sqrt(variance(a) + variance(b));
}

/** Clearly fewer requests: finite and at most 90% of the other (Infinity if never). */
function clearlyFewer(a: number, b: number): boolean {
  return Number.isFinite(a) && a <= 0.9 * b;
}

export type SpeedVerdict = 'faster' | 'as fast' | 'slower';

export interface SpeedComparison {
  verdict: SpeedVerdict;
  /** Why the first is not at least as fast (empty unless slower). */
  shortfalls: string[];
}

/**
 * `a` is at least as fast as `b` when it detects at least as often (within two standard errors)
 * and neither its median nor its p90 of requests to detection is higher (Infinity = Infinity).
 * It is faster when, on top of that, it detects more often beyond two standard errors or one of
 * those quantiles is finite and at most 90% of b's.
 */
export function compareSpeed(a: SpeedProfile, b: SpeedProfile): SpeedComparison {
  const margin = detectionMargin(a, b);
  const shortfalls = [
    ...(a.detectionRate < b.detectionRate - margin ? ['detects less often'] : []),
    ...(a.median > b.median ? ['higher median'] : []),
    ...(a.p90 > b.p90 ? ['higher p90'] : []),
  ];
  if (shortfalls.length > 0) return { verdict: 'slower', shortfalls };
  const faster = a.detectionRate > b.detectionRate + margin || clearlyFewer(a.median, b.median) || clearlyFewer(a.p90, b.p90);
  return { verdict: faster ? 'faster' : 'as fast', shortfalls };
}

/** The target for one cell: at least as fast, and faster at ≤ 10 requests/s. */
export function meetsSpeedTarget(verdict: SpeedVerdict, trafficPerSecond: number): boolean {
  return trafficPerSecond <= 10 ? verdict === 'faster' : verdict !== 'slower';
}

/** Indices of the rules whose false-abort rate is within the budget. */
export function eligibleRules(falseAbortRates: ArrayLike<number>, budget: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < falseAbortRates.length; k += 1) if (falseAbortRates[k]! <= budget + 1e-12) out.push(k);
  return out;
}

/**
 * The best tuned rule: among those within the budget, the smallest score (mean canary requests to
 * detection, a release not detected counted at its whole hour of canary requests); the first on a tie.
 */
export function selectTunedRule(falseAbortRates: ArrayLike<number>, scores: ArrayLike<number>, budget: number): number | undefined {
  let best: number | undefined;
  for (const k of eligibleRules(falseAbortRates, budget)) if (best === undefined || scores[k]! < scores[best]!) best = k;
  return best;
}
