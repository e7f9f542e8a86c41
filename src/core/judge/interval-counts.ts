// One interval's input to the judge: requests and bad events per arm. A field left undefined is a
// missing series (the query returned nothing), which is never read as 0. Counts may be real
// numbers (Prometheus increase() extrapolates) but never negative, NaN or infinite, and an arm's
// bad events never exceed its requests.
import type { ArmCounts } from './rate-ratio.js';

export interface IntervalCounts {
  canaryRequests?: number;
  canaryErrors?: number;
  baselineRequests?: number;
  baselineErrors?: number;
}

export type CountField = keyof ArmCounts;

export const COUNT_FIELDS: readonly CountField[] = ['canaryRequests', 'canaryErrors', 'baselineRequests', 'baselineErrors'];

export type CountProblemReason = 'notFinite' | 'negative' | 'aboveRequests';

export type IntervalAssessment =
  | { kind: 'complete'; counts: ArmCounts }
  | { kind: 'missing'; fields: CountField[] }
  | { kind: 'invalid'; field: CountField; reason: CountProblemReason; value: number };

function firstInvalid(counts: IntervalCounts): IntervalAssessment | undefined {
  for (const field of COUNT_FIELDS) {
    const value = counts[field];
    if (value === undefined) continue;
    if (!Number.isFinite(value)) return { kind: 'invalid', field, reason: 'notFinite', value };
    if (value < 0) return { kind: 'invalid', field, reason: 'negative', value };
  }
  return undefined;
}

function errorsAboveRequests(counts: IntervalCounts): IntervalAssessment | undefined {
  const { canaryRequests, canaryErrors, baselineRequests, baselineErrors } = counts;
  if (canaryErrors !== undefined && canaryRequests !== undefined && canaryErrors > canaryRequests) {
    return { kind: 'invalid', field: 'canaryErrors', reason: 'aboveRequests', value: canaryErrors };
  }
  if (baselineErrors !== undefined && baselineRequests !== undefined && baselineErrors > baselineRequests) {
    return { kind: 'invalid', field: 'baselineErrors', reason: 'aboveRequests', value: baselineErrors };
  }
  return undefined;
}

/** Complete, missing (which series) or invalid (the first bad value). Invalid wins over missing. */
export function assessIntervalCounts(counts: IntervalCounts): IntervalAssessment {
  const invalid = firstInvalid(counts) ?? errorsAboveRequests(counts);
  if (invalid) return invalid;
  const missing = COUNT_FIELDS.filter((field) => counts[field] === undefined);
  if (missing.length > 0) return { kind: 'missing', fields: missing };
  return { kind: 'complete', counts: counts as ArmCounts };
}

const REQUESTS_OF: Record<CountField, CountField> = {
  canaryRequests: 'canaryRequests',
  canaryErrors: 'canaryRequests',
  baselineRequests: 'baselineRequests',
  baselineErrors: 'baselineRequests',
};

/** One sentence for an invalid count; `names` maps fields to what the user calls them. */
export function formatCountProblem(
  problem: { field: CountField; reason: CountProblemReason; value: number },
  names: Record<CountField, string> = { canaryRequests: 'canaryRequests', canaryErrors: 'canaryErrors', baselineRequests: 'baselineRequests', baselineErrors: 'baselineErrors' },
): string {
  const name = names[problem.field];
  if (problem.reason === 'notFinite') return `${name} is ${problem.value}, not a count`;
  if (problem.reason === 'negative') {
    return `${name} is ${problem.value}: a count is never negative (a counter reset must be resolved per series before judging)`;
  }
  return `${name} (${problem.value}) is above ${names[REQUESTS_OF[problem.field]]}: an arm cannot have more bad events than requests`;
}
