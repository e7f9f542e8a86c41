/**
 * Validates a Rollout as written by a user (or read from the API server): the zod schema, made
 * readable, plus the semantic rules a schema cannot express. Used by `kanary lint` and by the
 * controller (which turns problems into an InvalidSpec condition).
 */
import { parseDuration } from './duration.js';
import type { Problem } from './problems.js';
import { problemsFromZod } from './problems.js';
import type { CanaryStep, CanaryStrategy, LabelSelector, Rollout } from './rollout.js';
import { CANARY_STEP_KINDS, rolloutSchema } from './rollout.js';

export interface RolloutValidation {
  /** The parsed Rollout with defaults applied; present only when there are no problems. */
  rollout?: Rollout;
  problems: Problem[];
}

const CANARY = 'spec.strategy.canary';
const KIND_LIST = CANARY_STEP_KINDS.join(', ');

function stepKinds(step: CanaryStep): string[] {
  return CANARY_STEP_KINDS.filter((kind) => step[kind] !== undefined);
}

function checkStepKind(step: CanaryStep, path: string): Problem[] {
  const kinds = stepKinds(step);
  if (kinds.length === 1) return [];
  if (kinds.length === 0) {
    return [{ path, message: `is empty: a step must set exactly one of ${KIND_LIST}.` }];
  }
  return [{ path, message: `sets ${kinds.join(' and ')}: a step must set exactly one of ${KIND_LIST}.` }];
}

function checkSetCanaryScale(step: CanaryStep, path: string, routed: boolean): Problem[] {
  const scale = step.setCanaryScale;
  if (!scale) return [];
  const problems: Problem[] = [];
  const set = (['replicas', 'weight', 'matchTrafficWeight'] as const).filter((k) => scale[k] !== undefined);
  if (set.length !== 1) {
    problems.push({ path: `${path}.setCanaryScale`, message: 'must set exactly one of replicas, weight, matchTrafficWeight.' });
  }
  if (!routed) {
    problems.push({ path: `${path}.setCanaryScale`, message: 'needs spec.strategy.canary.trafficRouting: without a traffic router the canary scale follows setWeight.' });
  }
  return problems;
}

function checkStep(step: CanaryStep, index: number, routed: boolean): Problem[] {
  const path = `${CANARY}.steps[${index}]`;
  const problems = [...checkStepKind(step, path), ...checkSetCanaryScale(step, path, routed)];
  const duration = step.pause?.duration;
  if (duration !== undefined) {
    const parsed = parseDuration(duration);
    if (!parsed.ok) problems.push({ path: `${path}.pause.duration`, message: parsed.message });
  }
  return problems;
}

function checkServices(canary: CanaryStrategy): Problem[] {
  const problems: Problem[] = [];
  if (canary.trafficRouting) {
    if (!canary.stableService) problems.push({ path: `${CANARY}.stableService`, message: 'is required with trafficRouting.' });
    if (!canary.canaryService) problems.push({ path: `${CANARY}.canaryService`, message: 'is required with trafficRouting.' });
  }
  if (canary.stableService !== undefined && canary.stableService === canary.canaryService) {
    problems.push({
      path: `${CANARY}.canaryService`,
      message: `must differ from stableService (both are "${canary.stableService}").`,
    });
  }
  return problems;
}

const PERCENT = /^\d+%$/;

function checkIntOrPercent(value: number | string, field: string): Problem[] {
  if (typeof value === 'number') {
    return value < 0 ? [{ path: `${CANARY}.${field}`, message: `must not be negative, got ${value}.` }] : [];
  }
  if (PERCENT.test(value)) return [];
  return [{ path: `${CANARY}.${field}`, message: `must be an integer or a percentage such as "25%", not "${value}".` }];
}

function isZero(value: unknown): boolean {
  return value === 0 || value === '0' || value === '0%';
}

/** Both explicitly 0 is invalid (the defaults never are); read from the raw input. */
function checkSurge(canary: CanaryStrategy, raw: unknown): Problem[] {
  const problems = [...checkIntOrPercent(canary.maxSurge, 'maxSurge'), ...checkIntOrPercent(canary.maxUnavailable, 'maxUnavailable')];
  const rawCanary = (raw as { spec?: { strategy?: { canary?: Record<string, unknown> } } }).spec?.strategy?.canary;
  if (rawCanary && isZero(rawCanary.maxSurge) && isZero(rawCanary.maxUnavailable)) {
    problems.push({
      path: `${CANARY}.maxUnavailable`,
      message: 'maxSurge and maxUnavailable cannot both be 0: the rollout could never replace a pod.',
    });
  }
  return problems;
}

function matchesExpression(labels: Record<string, string>, expr: NonNullable<LabelSelector['matchExpressions']>[number]): boolean {
  const value = labels[expr.key];
  const values = expr.values ?? [];
  switch (expr.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    default:
      return value === undefined;
  }
}

/** True when a label selector selects an object with these labels (Kubernetes semantics). */
export function selectorMatchesLabels(selector: LabelSelector, labels: Record<string, string>): boolean {
  const plain = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return plain && (selector.matchExpressions ?? []).every((expr) => matchesExpression(labels, expr));
}

function checkSelector(rollout: Rollout): Problem[] {
  const { selector, template } = rollout.spec;
  const empty = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
  if (empty) {
    return [{ path: 'spec.selector', message: 'must not be empty: set matchLabels that the pod template labels carry.' }];
  }
  const labels = template.metadata?.labels ?? {};
  if (selectorMatchesLabels(selector, labels)) return [];
  const wanted = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
  const suffix = wanted ? ` (selector wants ${wanted})` : '';
  return [{ path: 'spec.selector', message: `does not match the labels in spec.template.metadata.labels${suffix}.` }];
}

function checkBackgroundAnalysis(canary: CanaryStrategy): Problem[] {
  const start = canary.analysis?.startingStep;
  const count = canary.steps?.length ?? 0;
  if (start === undefined || start <= count) return [];
  return [{ path: `${CANARY}.analysis.startingStep`, message: `is ${start} but there are only ${count} steps.` }];
}

function checkContainers(rollout: Rollout): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  rollout.spec.template.spec.containers.forEach((container, index) => {
    if (seen.has(container.name)) {
      problems.push({ path: `spec.template.spec.containers[${index}].name`, message: `"${container.name}" is used by two containers.` });
    }
    seen.add(container.name);
  });
  return problems;
}

/** Semantic checks on a Rollout that already satisfies the schema. */
export function checkRolloutSemantics(rollout: Rollout, raw: unknown): Problem[] {
  const canary = rollout.spec.strategy.canary;
  const routed = canary.trafficRouting !== undefined;
  return [
    ...checkSelector(rollout),
    ...checkContainers(rollout),
    ...(canary.steps ?? []).flatMap((step, index) => checkStep(step, index, routed)),
    ...checkServices(canary),
    ...checkSurge(canary, raw),
    ...checkBackgroundAnalysis(canary),
  ];
}

/** Schema + semantic validation. Never throws. */
export function validateRollout(raw: unknown): RolloutValidation {
  const parsed = rolloutSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { problems: problemsFromZod(parsed.error, rolloutSchema) };
  const problems = checkRolloutSemantics(parsed.data, raw);
  return problems.length === 0 ? { rollout: parsed.data, problems } : { problems };
}
