/**
 * Validates a Rollout as written by a user (or read from the API server): the zod schema, made
 * readable, plus the semantic rules a schema cannot express. Used by `kanary lint` and by the
 * controller (which turns problems into an InvalidSpec condition).
 *
 * The semantic rules read the document as written, not the parsed Rollout, so that they also run
 * on a document the schema rejects: every problem is reported at once. Each rule reads only the
 * fields it needs and skips a field of the wrong shape (the schema already reports that field).
 */
import { parseDuration } from './duration.js';
import type { Problem } from './problems.js';
import { problemsFromZod, uniqueProblems } from './problems.js';
import type { LabelSelector, Rollout } from './rollout.js';
import { CANARY_STEP_KINDS, labelSelectorSchema, rolloutSchema, stringMapSchema, WORKLOAD_REF_API_VERSION, WORKLOAD_REF_KIND } from './rollout.js';
import { blueGreenProblems } from './validate-bluegreen.js';
import { routeProblems } from './validate-routes.js';
import { baselineProblems } from './validate-baseline.js';

export interface RolloutValidation {
  /** The parsed Rollout with defaults applied; present only when there are no problems. */
  rollout?: Rollout;
  problems: Problem[];
}

const CANARY = 'spec.strategy.canary';
const KIND_LIST = CANARY_STEP_KINDS.join(', ');

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `keys` inside plain objects; undefined as soon as a level is not an object. */
function at(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isFields(current)) return undefined;
    current = current[key];
  }
  return current;
}

function definedKeys(fields: Fields, keys: readonly string[]): string[] {
  return keys.filter((key) => fields[key] !== undefined);
}

function checkStepKind(step: Fields, path: string): Problem[] {
  const kinds = definedKeys(step, CANARY_STEP_KINDS);
  if (kinds.length === 1) return [];
  if (kinds.length > 1) return [{ path, message: `sets ${kinds.join(' and ')}: a step must set exactly one of ${KIND_LIST}.` }];
  // A step with only unknown fields is already reported field by field.
  if (Object.keys(step).length > 0) return [];
  return [{ path, message: `is empty: a step must set exactly one of ${KIND_LIST}.` }];
}

function checkSetCanaryScale(scale: unknown, path: string, routed: boolean): Problem[] {
  if (!isFields(scale)) return [];
  const problems: Problem[] = [];
  if (definedKeys(scale, ['replicas', 'weight', 'matchTrafficWeight']).length !== 1) {
    problems.push({ path: `${path}.setCanaryScale`, message: 'must set exactly one of replicas, weight, matchTrafficWeight.' });
  }
  if (!routed) {
    problems.push({ path: `${path}.setCanaryScale`, message: 'needs spec.strategy.canary.trafficRouting: without a traffic router the canary scale follows setWeight.' });
  }
  return problems;
}

/** Only an integer or a string can be a duration; anything else is the schema's to report. */
function checkPauseDuration(duration: unknown, path: string): Problem[] {
  if (typeof duration !== 'string' && !Number.isInteger(duration)) return [];
  const parsed = parseDuration(duration as string | number);
  return parsed.ok ? [] : [{ path: `${path}.pause.duration`, message: parsed.message }];
}

function checkStep(step: unknown, index: number, routed: boolean): Problem[] {
  if (!isFields(step)) return [];
  const path = `${CANARY}.steps[${index}]`;
  return [...checkStepKind(step, path), ...checkSetCanaryScale(step.setCanaryScale, path, routed), ...checkPauseDuration(at(step, 'pause', 'duration'), path)];
}

function checkSteps(canary: Fields): Problem[] {
  const steps = canary.steps;
  if (!Array.isArray(steps)) return [];
  const routed = canary.trafficRouting !== undefined;
  return steps.flatMap((step, index) => checkStep(step, index, routed));
}

function checkServices(canary: Fields): Problem[] {
  const problems: Problem[] = [];
  if (canary.trafficRouting !== undefined) {
    if (canary.stableService === undefined) problems.push({ path: `${CANARY}.stableService`, message: 'is required with trafficRouting.' });
    if (canary.canaryService === undefined) problems.push({ path: `${CANARY}.canaryService`, message: 'is required with trafficRouting.' });
  }
  if (typeof canary.stableService === 'string' && canary.stableService === canary.canaryService) {
    problems.push({ path: `${CANARY}.canaryService`, message: `must differ from stableService (both are "${canary.stableService}").` });
  }
  return problems;
}

const PERCENT = /^\d+%$/;

function checkIntOrPercent(value: unknown, field: string): Problem[] {
  if (typeof value === 'number') {
    return value < 0 ? [{ path: `${CANARY}.${field}`, message: `must not be negative, got ${value}.` }] : [];
  }
  if (typeof value !== 'string' || PERCENT.test(value)) return [];
  return [{ path: `${CANARY}.${field}`, message: `must be an integer or a percentage such as "25%", not "${value}".` }];
}

function isZero(value: unknown): boolean {
  return value === 0 || value === '0' || value === '0%';
}

/** Both explicitly 0 is invalid (the defaults, 25%, never are). */
function checkSurge(canary: Fields): Problem[] {
  const problems = [...checkIntOrPercent(canary.maxSurge, 'maxSurge'), ...checkIntOrPercent(canary.maxUnavailable, 'maxUnavailable')];
  if (isZero(canary.maxSurge) && isZero(canary.maxUnavailable)) {
    problems.push({ path: `${CANARY}.maxUnavailable`, message: 'maxSurge and maxUnavailable cannot both be 0: the rollout could never replace a pod.' });
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

function selectorProblem(selector: LabelSelector, labels: Record<string, string>): Problem[] {
  if (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) {
    return [{ path: 'spec.selector', message: 'must not be empty: set matchLabels that the pod template labels carry.' }];
  }
  if (selectorMatchesLabels(selector, labels)) return [];
  const wanted = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
  const suffix = wanted ? ` (selector wants ${wanted})` : '';
  return [{ path: 'spec.selector', message: `does not match the labels in spec.template.metadata.labels${suffix}.` }];
}

/** Needs a well-formed selector and well-formed template labels; skipped otherwise (and without a template: see workloadRef). */
function checkSelector(raw: unknown): Problem[] {
  if (at(raw, 'spec', 'template') === undefined) return [];
  const selector = labelSelectorSchema.safeParse(at(raw, 'spec', 'selector'));
  const labels = stringMapSchema.optional().safeParse(at(raw, 'spec', 'template', 'metadata', 'labels'));
  if (!selector.success || !labels.success) return [];
  return selectorProblem(selector.data, labels.data ?? {});
}

function checkBackgroundAnalysis(canary: Fields): Problem[] {
  const start = at(canary, 'analysis', 'startingStep');
  const steps = canary.steps ?? [];
  if (typeof start !== 'number' || !Array.isArray(steps) || start <= steps.length) return [];
  return [{ path: `${CANARY}.analysis.startingStep`, message: `is ${start} but there are only ${steps.length} steps.` }];
}

/** dynamicStableScale: true (Argo's field) is not implemented: refused by name rather than ignored. */
function checkDynamicStableScale(canary: Fields): Problem[] {
  if (canary.dynamicStableScale !== true) return [];
  return [{
    path: `${CANARY}.dynamicStableScale`,
    message: 'true is not supported: Kanary keeps the stable ReplicaSet at full scale until the canary is promoted, so an abort moves all traffic back at once; remove the field or set it to false.',
  }];
}

function checkContainers(raw: unknown): Problem[] {
  const containers = at(raw, 'spec', 'template', 'spec', 'containers');
  if (!Array.isArray(containers)) return [];
  const seen = new Set<string>();
  const problems: Problem[] = [];
  containers.forEach((container, index) => {
    const name = at(container, 'name');
    if (typeof name !== 'string') return;
    if (seen.has(name)) problems.push({ path: `spec.template.spec.containers[${index}].name`, message: `"${name}" is used by two containers.` });
    seen.add(name);
  });
  return problems;
}

function checkWorkloadKind(ref: Fields): Problem[] {
  const wanted = `Kanary follows only a ${WORKLOAD_REF_KIND} (apiVersion ${WORKLOAD_REF_API_VERSION}, kind ${WORKLOAD_REF_KIND})`;
  const problems: Problem[] = [];
  if (typeof ref.kind === 'string' && ref.kind !== WORKLOAD_REF_KIND) problems.push({ path: 'spec.workloadRef.kind', message: `is "${ref.kind}": ${wanted}.` });
  if (typeof ref.apiVersion === 'string' && ref.apiVersion !== WORKLOAD_REF_API_VERSION) {
    problems.push({ path: 'spec.workloadRef.apiVersion', message: `is "${ref.apiVersion}": ${wanted}.` });
  }
  return problems;
}

/** Exactly one of spec.template and spec.workloadRef; a workloadRef names a Deployment (apps/v1). */
export function checkWorkloadRef(raw: unknown): Problem[] {
  const spec = at(raw, 'spec');
  if (!isFields(spec)) return [];
  const ref = spec.workloadRef;
  if (ref === undefined) {
    return spec.template === undefined ? [{ path: 'spec.template', message: 'is required: set the pod template, or name a Deployment in spec.workloadRef.' }] : [];
  }
  if (spec.template !== undefined) {
    return [{ path: 'spec.workloadRef', message: 'is set together with spec.template: the pod template comes from one of them; remove spec.template to follow the Deployment, or spec.workloadRef to keep the template here.' }];
  }
  return isFields(ref) ? checkWorkloadKind(ref) : [];
}

/** Exactly one strategy kind (only judged when spec.strategy is an object: else the schema reports it). */
function checkStrategyKind(raw: unknown): Problem[] {
  const strategy = at(raw, 'spec', 'strategy');
  if (!isFields(strategy)) return [];
  const kinds = definedKeys(strategy, ['canary', 'blueGreen']);
  if (kinds.length === 1) return [];
  const message = kinds.length === 0 ? 'must set canary or blueGreen.' : 'sets both canary and blueGreen: a Rollout has one strategy.';
  return [{ path: 'spec.strategy', message }];
}

/** The semantic rules on a Rollout document as written; never throws, whatever its shape. */
export function rolloutSemanticProblems(raw: unknown): Problem[] {
  const canary = at(raw, 'spec', 'strategy', 'canary');
  const canaryProblems = isFields(canary)
    ? [...checkSteps(canary), ...checkServices(canary), ...checkSurge(canary), ...checkBackgroundAnalysis(canary), ...checkDynamicStableScale(canary), ...routeProblems(canary), ...baselineProblems(canary)]
    : [];
  return [...checkSelector(raw), ...checkWorkloadRef(raw), ...checkContainers(raw), ...checkStrategyKind(raw), ...canaryProblems, ...blueGreenProblems(raw)];
}

/** Semantic checks on a Rollout that satisfies the schema (`raw`: the document it was parsed from). */
export function checkRolloutSemantics(rollout: Rollout, raw?: unknown): Problem[] {
  return rolloutSemanticProblems(raw ?? rollout);
}

/** Schema + semantic validation: every problem at once, each path and message once. Never throws. */
export function validateRollout(raw: unknown): RolloutValidation {
  const parsed = rolloutSchema.safeParse(raw, { reportInput: true });
  const schemaProblems = parsed.success ? [] : problemsFromZod(parsed.error, rolloutSchema);
  const problems = uniqueProblems([...schemaProblems, ...rolloutSemanticProblems(raw)]);
  return parsed.success && problems.length === 0 ? { rollout: parsed.data, problems } : { problems };
}
