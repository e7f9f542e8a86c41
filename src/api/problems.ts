/** Turns zod issues into one readable sentence each, with a Kubernetes-style field path. */
import type { z } from 'zod';
import { describeArgoField, findArgoFieldHint } from './argo-fields.js';

export interface Problem {
  /** e.g. `spec.strategy.canary.steps[2].setWeight`; empty for the document itself. */
  path: string;
  /** One sentence, ending with a full stop. */
  message: string;
}

type Segment = PropertyKey;

/** `['spec', 'steps', 2, 'setWeight']` -> `spec.steps[2].setWeight`. */
export function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** A value shown inside a sentence: strings quoted, objects named by kind. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object (a map of fields)',
  array: 'a list',
  record: 'a map of strings',
};

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? `a ${expected}`;
}

function hasInput(issue: z.core.$ZodIssue): boolean {
  return 'input' in issue && issue.input !== undefined;
}

function invalidType(issue: z.core.$ZodIssueInvalidType): string {
  if (!hasInput(issue)) return 'is required.';
  return `must be ${typeName(issue.expected)}, not ${describeValue(issue.input)}.`;
}

function tooSmall(issue: z.core.$ZodIssueTooSmall): string {
  const min = Number(issue.minimum);
  if (issue.origin === 'array') return `must list at least ${min} item${min === 1 ? '' : 's'}.`;
  if (issue.origin === 'string') return 'must not be empty.';
  return `must be at least ${min}, got ${describeValue(issue.input)}.`;
}

function tooBig(issue: z.core.$ZodIssueTooBig): string {
  const max = Number(issue.maximum);
  if (issue.origin === 'array') return `must list at most ${max} items.`;
  if (issue.origin === 'string') return `must be at most ${max} characters long.`;
  return `must be at most ${max}, got ${describeValue(issue.input)}.`;
}

function invalidValue(issue: z.core.$ZodIssueInvalidValue): string {
  const options = issue.values.map((v) => JSON.stringify(v)).join(', ');
  const got = describeValue(issue.input);
  if (issue.values.length === 1) return `must be ${options}, not ${got}.`;
  return `must be one of ${options}, not ${got}.`;
}

function invalidUnion(issue: z.core.$ZodIssueInvalidUnion): string {
  if (!hasInput(issue)) return 'is required.';
  const expected = issue.errors
    .map((branch) => branch[0])
    .filter((first): first is z.core.$ZodIssueInvalidType => first?.code === 'invalid_type')
    .map((first) => typeName(first.expected));
  if (expected.length === 0) return `has an invalid value: ${describeValue(issue.input)}.`;
  return `must be ${expected.join(' or ')}, not ${describeValue(issue.input)}.`;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function messageFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return invalidType(issue);
    case 'too_small':
      return tooSmall(issue);
    case 'too_big':
      return tooBig(issue);
    case 'invalid_value':
      return invalidValue(issue);
    case 'invalid_union':
      return invalidUnion(issue);
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}.`;
    default:
      return sentence(issue.message);
  }
}

/** Lower-cased Levenshtein distance, for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= y.length; j += 1) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/** The closest known field name to `key`, if it is close enough to be a typo. */
export function suggestField(key: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(key, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  const limit = Math.max(2, Math.floor(key.length / 3));
  return best && best.distance <= limit ? best.name : undefined;
}

interface SchemaDef {
  type?: string;
  shape?: Record<string, unknown>;
  element?: unknown;
  innerType?: unknown;
  in?: unknown;
}

function defOf(schema: unknown): SchemaDef | undefined {
  const zod = (schema as { _zod?: { def?: SchemaDef } } | undefined)?._zod;
  return zod?.def;
}

/** Strips optional/default/nullable/pipe wrappers. */
function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let i = 0; i < 10; i += 1) {
    const def = defOf(current);
    if (def?.innerType !== undefined) current = def.innerType;
    else if (def?.type === 'pipe' && def.in !== undefined) current = def.in;
    else return current;
  }
  return current;
}

function childOf(schema: unknown, segment: Segment): unknown {
  const def = defOf(unwrap(schema));
  if (def?.type === 'array') return def.element;
  if (def?.type === 'object' && typeof segment === 'string') return def.shape?.[segment];
  return undefined;
}

/** The field names an object schema knows at `path` (empty when not an object there). */
export function knownFieldsAt(schema: unknown, path: readonly Segment[]): string[] {
  let current: unknown = schema;
  for (const segment of path) current = childOf(current, segment);
  const def = defOf(unwrap(current));
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function unknownFieldProblems(issue: z.core.$ZodIssueUnrecognizedKeys, schema: unknown): Problem[] {
  const known = knownFieldsAt(schema, issue.path);
  return issue.keys.map((key) => {
    const path = formatPath([...issue.path, key]);
    const argo = findArgoFieldHint(path);
    if (argo) return { path, message: describeArgoField(argo) };
    const hint = suggestField(key, known);
    const tail = hint ? ` (did you mean "${hint}"?)` : known.length > 0 ? ` (known fields: ${known.join(', ')})` : '';
    return { path, message: `unknown field${tail}.` };
  });
}

/**
 * Readable problems for a failed safeParse; `schema` lets unknown fields suggest the right name.
 * An Argo Rollouts field Kanary does not implement is named as such, with what to use instead.
 */
export function problemsFromZod(error: z.ZodError, schema?: unknown): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    if (issue.code === 'unrecognized_keys') return unknownFieldProblems(issue, schema);
    return [{ path: formatPath(issue.path), message: messageFor(issue) }];
  });
}

/** `path: message`, or just the message for the document root. */
export function formatProblem(problem: Problem): string {
  return problem.path === '' ? problem.message : `${problem.path}: ${problem.message}`;
}

/** The problems in their order, each path and message once. */
export function uniqueProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}\n${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
