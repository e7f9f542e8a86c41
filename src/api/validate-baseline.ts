/**
 * The rules for `canary.baseline` (a ReplicaSet of the stable template at the canary's size, with
 * its own Service and Mapping) that the schema cannot express. Read from the document as written,
 * like the other semantic rules: a field of the wrong shape is the schema's to report.
 */
import type { Problem } from './problems.js';

const CANARY = 'spec.strategy.canary';
/** With a baseline each arm gets the step's weight and stable the rest: no step may set more than this. */
export const MAX_BASELINE_WEIGHT_PERCENT = 50;

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkRouting(canary: Fields): Problem[] {
  const routing = canary.trafficRouting;
  if (isFields(routing) && routing.ambassador !== undefined) return [];
  return [{ path: `${CANARY}.baseline`, message: 'needs trafficRouting.ambassador: the baseline gets its share of traffic through its own Mapping in the base Mapping\'s Emissary group.' }];
}

function checkService(canary: Fields, service: unknown): Problem[] {
  if (typeof service !== 'string' || (service !== canary.canaryService && service !== canary.stableService)) return [];
  return [{ path: `${CANARY}.baseline.service`, message: `must differ from canaryService and stableService (it is "${service}").` }];
}

function checkWeights(canary: Fields): Problem[] {
  const steps = Array.isArray(canary.steps) ? canary.steps : [];
  return steps.flatMap((step, index) => {
    const weight = isFields(step) ? step.setWeight : undefined;
    if (typeof weight !== 'number' || weight <= MAX_BASELINE_WEIGHT_PERCENT) return [];
    return [{ path: `${CANARY}.steps[${index}].setWeight`, message: `is ${weight}: with a baseline the canary and the baseline each get the weight and stable the rest, so a step sets at most ${MAX_BASELINE_WEIGHT_PERCENT}.` }];
  });
}

export function baselineProblems(canary: Fields): Problem[] {
  const baseline = canary.baseline;
  if (!isFields(baseline)) return [];
  return [...checkRouting(canary), ...checkService(canary, baseline.service), ...checkWeights(canary)];
}
