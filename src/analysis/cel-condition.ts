// CEL success/failure conditions over `result` (SPEC §4), evaluated with @marcbachmann/cel-js.
// `result` is a double for a Prometheus scalar, a list of doubles for a vector, decoded JSON for web.
import { Environment, type ParseResult } from '@marcbachmann/cel-js';

export type ConditionCompileResult =
  | { ok: true; condition: CompiledCondition }
  | { ok: false; message: string; column?: number };

export type ConditionOutcome = { ok: true; value: boolean } | { ok: false; message: string };

export interface CompiledCondition {
  readonly expression: string;
  evaluate(result: unknown): ConditionOutcome;
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

/**
 * A CEL environment with `result` declared dyn, plus double/int mixed arithmetic so that
 * `result * 100 >= 95` works when result is a double (CEL proper has no such overloads).
 * Build one per process (composition root) and share it: its registries are frozen.
 */
export function createConditionEnvironment(): Environment {
  const env = new Environment({ unlistedVariablesAreDyn: false }).registerVariable('result', 'dyn');
  for (const [op, fn] of ARITHMETIC) {
    env.registerOperator(`double ${op} int`, (a: number, b: bigint) => fn(a, Number(b)));
    env.registerOperator(`int ${op} double`, (a: bigint, b: number) => fn(Number(a), b));
  }
  return env;
}

function describeCelError(error: unknown): { summary: string; column?: number } {
  const e = (error ?? {}) as CelErrorLike;
  const text = typeof e.summary === 'string' ? e.summary : String(e.message ?? error);
  const summary = text.split('\n')[0] ?? text;
  const start = e.range?.start;
  return typeof start === 'number' ? { summary, column: start + 1 } : { summary };
}

/** Plain JS numbers become CEL doubles; nested lists/maps are walked the same way. */
function toCelValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCelValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCelValue(v)]));
  }
  return value;
}

function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `int ${value.toString()}`;
  if (typeof value === 'number') return `double ${value}`;
  if (typeof value === 'string') return `string "${value}"`;
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'a map' : typeof value;
}

function buildCondition(expression: string, program: ParseResult): CompiledCondition {
  return {
    expression,
    evaluate(result: unknown): ConditionOutcome {
      let value: unknown;
      try {
        value = program({ result: toCelValue(result) });
      } catch (error) {
        return { ok: false, message: `condition "${expression}" failed to evaluate: ${describeCelError(error).summary}` };
      }
      if (typeof value !== 'boolean') {
        return { ok: false, message: `condition "${expression}" returned ${describeValue(value)}, not a bool` };
      }
      return { ok: true, value };
    },
  };
}

/** Parses and type-checks a condition; errors carry the 1-based column where CEL found them. */
export function compileCondition(env: Environment, expression: string): ConditionCompileResult {
  const checked = env.check(expression);
  if (!checked.valid) {
    const { summary, column } = describeCelError(checked.error);
    const where = column === undefined ? '' : ` at column ${column}`;
    return { ok: false, message: `invalid CEL${where}: ${summary}`, column };
  }
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    return { ok: false, message: `condition returns ${checked.type}, not a bool` };
  }
  try {
    const program = env.parse(expression);
    return { ok: true, condition: buildCondition(expression, program) };
  } catch (error) {
    const { summary, column } = describeCelError(error);
    return { ok: false, message: `invalid CEL: ${summary}`, column };
  }
}
