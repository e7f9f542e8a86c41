/**
 * The grid of threshold rules that the benchmark tunes per cell: every combination of a per-interval
 * criterion (canary success rate ≥ X%, or canary error rate ≤ stable + margin), a minimum number of
 * canary requests for an interval to count as a measurement, and a failureLimit of 0..5. One pass
 * over a release finds, for every rule of the grid at once, the canary requests seen when it would
 * abort: a criterion's (F+1)-th failed interval is where the rule with failureLimit F aborts.
 */
import type { ArmCounts } from '../../src/core/judge/rate-ratio.js';

export type CriterionKind = 'success' | 'relative';

export interface Criterion {
  kind: CriterionKind;
  /** Minimum success rate (kind success), or the margin above the stable error rate (kind relative). */
  level: number;
  /** An interval with fewer canary requests is no measurement (neither pass nor failure). */
  minRequests: number;
}

export interface GridRule extends Criterion {
  failureLimit: number;
  name: string;
}

export const MAX_FAILURE_LIMIT = 5;
const LIMITS = MAX_FAILURE_LIMIT + 1;
export const SUCCESS_LEVELS = [0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999];
export const RELATIVE_MARGINS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05];
export const MIN_REQUESTS = [1, 10, 30, 100];

export function gridRuleName(rule: Omit<GridRule, 'name'>): string {
  const criterion = rule.kind === 'success' ? `success ≥ ${+(rule.level * 100).toFixed(1)}%` : `canary ≤ stable + ${+(rule.level * 100).toFixed(1)} pp`;
  const guard = rule.minRequests > 1 ? `, ≥ ${rule.minRequests} req/interval` : '';
  return `${criterion}${guard}, failureLimit ${rule.failureLimit}`;
}

export function buildCriteria(): Criterion[] {
  return MIN_REQUESTS.flatMap((minRequests) => [
    ...SUCCESS_LEVELS.map((level) => ({ kind: 'success' as const, level, minRequests })),
    ...RELATIVE_MARGINS.map((level) => ({ kind: 'relative' as const, level, minRequests })),
  ]);
}

/** The grid, rule index = criterion index × 6 + failureLimit (the layout evaluateGrid writes). */
export function buildGrid(criteria: readonly Criterion[] = buildCriteria()): GridRule[] {
  return criteria.flatMap((criterion) =>
    Array.from({ length: LIMITS }, (_, failureLimit) => ({ ...criterion, failureLimit, name: gridRuleName({ ...criterion, failureLimit }) })),
  );
}

/** True when the interval is a measurement and a failed one (the same arithmetic as rules.ts). */
export function intervalFails(criterion: Criterion, c: ArmCounts): boolean {
  if (c.canaryRequests < criterion.minRequests || c.canaryRequests === 0) return false;
  if (criterion.kind === 'success') return 1 - c.canaryErrors / c.canaryRequests < criterion.level;
  if (c.baselineRequests === 0) return false;
  return c.canaryErrors / c.canaryRequests > c.baselineErrors / c.baselineRequests + criterion.level;
}

/**
 * Runs every grid rule over one release. Writes into `out` (length criteria × 6, index as in
 * buildGrid) the canary requests seen up to each rule's abort, Infinity where it never aborts, and
 * returns the canary requests of the whole release. `failures` is scratch space (length criteria).
 */
export function evaluateGrid(criteria: readonly Criterion[], release: readonly ArmCounts[], out: Float64Array, failures: Int32Array): number {
  out.fill(Infinity);
  failures.fill(0);
  let requests = 0;
  for (const counts of release) {
    requests += counts.canaryRequests;
    for (let k = 0; k < criteria.length; k += 1) {
      if (failures[k]! >= LIMITS || !intervalFails(criteria[k]!, counts)) continue;
      const failed = failures[k]!;
      out[k * LIMITS + failed] = requests;
      failures[k] = failed + 1;
    }
  }
  return requests;
}
