// CEL success/failure conditions (SPEC §4), evaluated with @marcbachmann/cel-js.
// Variables: `result` (a double for a Prometheus scalar, a list of doubles for a vector, decoded
// JSON for web), `args` (each non-secret argument, typed: int, double, bool or string) and
// `argText` (the same arguments as written, strings). Arguments are never spliced into the text.
// Every condition passes the cost budget of cel-limits.ts before it is evaluated; `matches` runs
// on RE2 (re2js: linear time, no backtracking). The wall-clock limit is cel-sandbox.ts's.
import { Environment, type ASTNode, type ParseResult } from '@marcbachmann/cel-js';
import { RE2JS } from 're2js';
import { CEL_LIMITS, checkCostBudget } from './cel-limits.js';

export type ConditionCompileResult =
  | { ok: true; condition: CompiledCondition }
  | { ok: false; message: string; column?: number };

export type ConditionOutcome = { ok: true; value: boolean } | { ok: false; message: string };

/** What a condition sees. Values cross a worker boundary, so they are structured-clone friendly. */
export interface ConditionVariables {
  result: unknown;
  args?: Record<string, bigint | number | boolean | string>;
  argText?: Record<string, string>;
}

export interface CompiledCondition {
  readonly expression: string;
  /** Evaluates in this thread. Use a ConditionEngine to evaluate under a wall-clock limit. */
  evaluate(variables: ConditionVariables): ConditionOutcome;
}

/** Compiles on the calling thread (parse + type check + budget) and evaluates wherever it likes. */
export interface ConditionEngine {
  compileCondition(expression: string): ConditionCompileResult;
  /** `tenant` (the run's namespace) shares the evaluator fairly with other tenants. */
  evaluateCondition(condition: CompiledCondition, variables: ConditionVariables, tenant?: string): Promise<ConditionOutcome>;
}

interface CelErrorLike {
  message?: unknown;
  summary?: unknown;
  range?: { start?: unknown };
}

type Arith = (a: number, b: number) => number;
const ARITHMETIC: readonly [string, Arith][] = [
  ['+', (a, b) => a + b],
  ['-', (a, b) => a - b],
  ['*', (a, b) => a * b],
  ['/', (a, b) => a / b],
];

const MAX_PATTERN_LENGTH = 1024;
const PATTERN_CACHE_SIZE = 256;

interface TypeLike { name?: unknown }
interface MacroChecker {
  check(node: ASTNode, ctx: unknown): TypeLike;
  getType(name: string): unknown;
  createError(code: string, message: string, node: ASTNode): Error;
}
interface MacroEvaluator { run(node: ASTNode, ctx: unknown): unknown }
interface Re2Macro { receiver: ASTNode; pattern: ASTNode }

/** `matches` on RE2: compiled patterns are cached per environment (bounded). */
function createRe2Matcher(): (text: string, pattern: string) => boolean {
  const cache = new Map<string, RE2JS>();
  return (text, pattern) => {
    let compiled = cache.get(pattern);
    if (compiled === undefined) {
      if (pattern.length > MAX_PATTERN_LENGTH) throw new Error(`matches: pattern longer than ${MAX_PATTERN_LENGTH} characters`);
      try {
        compiled = RE2JS.compile(pattern);
      } catch (error) {
        throw new Error(`matches: invalid RE2 regular expression: ${(error as Error).message}`);
      }
      if (cache.size >= PATTERN_CACHE_SIZE) cache.delete(cache.keys().next().value ?? '');
      cache.set(pattern, compiled);
    }
    return compiled.test(text);
  };
}

function isStringish(type: TypeLike): boolean {
  return type.name === 'string' || type.name === 'dyn';
}

/**
 * Replaces the library's `string.matches(string)` (JavaScript RegExp: backtracking) by RE2. The
 * library forbids a second `string.matches` overload, but expands a macro for any `.matches(x)`
 * call whatever the receiver, so the macro is declared on `bytes` and checks the real types itself.
 */
function registerRe2Matches(env: Environment): void {
  const match = createRe2Matcher();
  env.registerFunction('bytes.matches(ast): bool', ({ args, receiver }: { args: ASTNode[]; receiver: ASTNode }) => ({
    receiver,
    pattern: args[0],
    typeCheck(checker: MacroChecker, macro: Re2Macro, ctx: unknown) {
      for (const node of [macro.receiver, macro.pattern]) {
        const type = checker.check(node, ctx);
        if (!isStringish(type)) throw checker.createError('no_matching_overload', `found no matching overload for 'matches' on ${String(type.name)}`, node);
      }
      return checker.getType('bool');
    },
    evaluate(evaluator: MacroEvaluator, macro: Re2Macro, ctx: unknown) {
      const text = evaluator.run(macro.receiver, ctx);
      const pattern = evaluator.run(macro.pattern, ctx);
      if (typeof text !== 'string' || typeof pattern !== 'string') throw new Error('matches: expects a string and a string pattern');
      return match(text, pattern);
    },
  }));
}

/** Fails loudly if `matches` is not RE2's (`(?P<n>...)` is RE2 syntax that JavaScript rejects). */
function assertRe2Matches(env: Environment): void {
  if (env.evaluate('"ab".matches("(?P<n>b)")', { result: null, args: {}, argText: {} }) !== true) {
    throw new Error('CEL matches is not running on RE2');
  }
}

/**
 * A CEL environment with `result` (dyn), `args` (map<string, dyn>) and `argText` (map<string,
 * string>), double/int mixed arithmetic (so `result * 100 >= 95` works when result is a double),
 * RE2 `matches` and the parser limits of CEL_LIMITS. Build one per process and share it.
 */
export function createConditionEnvironment(): Environment {
  const env = new Environment({ unlistedVariablesAreDyn: false, limits: { ...CEL_LIMITS.parse } })
    .registerVariable('result', 'dyn')
    .registerVariable('args', 'map<string, dyn>')
    .registerVariable('argText', 'map<string, string>');
  for (const [op, fn] of ARITHMETIC) {
    env.registerOperator(`double ${op} int`, (a: number, b: bigint) => fn(a, Number(b)));
    env.registerOperator(`int ${op} double`, (a: bigint, b: number) => fn(Number(a), b));
  }
  registerRe2Matches(env);
  assertRe2Matches(env);
  return env;
}

function describeCelError(error: unknown): { summary: string; column?: number } {
  const e = (error ?? {}) as CelErrorLike;
  const text = typeof e.summary === 'string' ? e.summary : String(e.message ?? error);
  const summary = text.split('\n')[0] ?? text;
  const start = e.range?.start;
  return typeof start === 'number' ? { summary, column: start + 1 } : { summary };
}

/** Plain JS numbers stay CEL doubles; lists and maps are copied as plain arrays and objects. */
export function toCelValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCelValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCelValue(v)]));
  }
  return value;
}

export function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `int ${value.toString()}`;
  if (typeof value === 'number') return `double ${value}`;
  if (typeof value === 'string') return `string "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'a map' : typeof value;
}

/** Runs a parsed program once; every failure is a message naming the expression. */
export function runProgram(expression: string, program: ParseResult, variables: ConditionVariables): ConditionOutcome {
  let value: unknown;
  try {
    value = program({ result: variables.result, args: variables.args ?? {}, argText: variables.argText ?? {} });
  } catch (error) {
    return { ok: false, message: `condition "${expression}" failed to evaluate: ${describeCelError(error).summary}` };
  }
  if (typeof value !== 'boolean') {
    return { ok: false, message: `condition "${expression}" returned ${describeValue(value)}, not a bool` };
  }
  return { ok: true, value };
}

function invalid(error: unknown, prefix: string): ConditionCompileResult {
  const { summary, column } = describeCelError(error);
  const where = column === undefined ? '' : ` at column ${column}`;
  return { ok: false, message: `${prefix}${where}: ${summary}`, column };
}

/** Parses the expression and checks its budget; undefined program means `problem` says why. */
export function parseWithinBudget(
  env: Environment,
  expression: string,
  maxCost: number = CEL_LIMITS.maxCost,
): { program: ParseResult } | { problem: ConditionCompileResult } {
  if (expression.length > CEL_LIMITS.maxExpressionLength) {
    return { problem: { ok: false, message: `condition is ${expression.length} characters long, the limit is ${CEL_LIMITS.maxExpressionLength}` } };
  }
  let program: ParseResult;
  try {
    program = env.parse(expression);
  } catch (error) {
    return { problem: invalid(error, 'invalid CEL') };
  }
  const overBudget = checkCostBudget(program.ast as ASTNode, maxCost);
  return overBudget === undefined ? { program } : { problem: { ok: false, message: overBudget } };
}

/**
 * Parses, type-checks and budgets a condition; errors carry the 1-based column where CEL found them.
 * The returned condition evaluates in this thread (see ConditionEngine for the sandboxed one).
 */
export function compileCondition(env: Environment, expression: string, maxCost: number = CEL_LIMITS.maxCost): ConditionCompileResult {
  if (expression.length <= CEL_LIMITS.maxExpressionLength) {
    const checked = env.check(expression);
    if (!checked.valid) return invalid(checked.error, 'invalid CEL');
    if (checked.type !== 'bool' && checked.type !== 'dyn') {
      return { ok: false, message: `condition returns ${checked.type}, not a bool` };
    }
  }
  const parsed = parseWithinBudget(env, expression, maxCost);
  if ('problem' in parsed) return parsed.problem;
  const { program } = parsed;
  return { ok: true, condition: { expression, evaluate: (variables) => runProgram(expression, program, variables) } };
}

/** Evaluates in this thread: no wall-clock limit (the budget still applies). For tests and tools. */
export function createInProcessConditionEngine(env: Environment = createConditionEnvironment()): ConditionEngine {
  return {
    compileCondition: (expression) => compileCondition(env, expression),
    evaluateCondition: (condition, variables) => Promise.resolve(condition.evaluate(variables)),
  };
}

const INT = /^[+-]?\d{1,18}$/;
const DOUBLE = /^[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?$/;

/** An argument's typed value: int, double or bool when the whole text is such a literal, else the string. */
export function typedArgValue(text: string): bigint | number | boolean | string {
  const trimmed = text.trim();
  if (INT.test(trimmed)) return BigInt(trimmed);
  if (DOUBLE.test(trimmed) && Number.isFinite(Number(trimmed))) return Number(trimmed);
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  return text;
}
