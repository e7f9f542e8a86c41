// Hostile conditions: catastrophic regexes, comprehension bombs, oversized inputs, runaway
// evaluations, and argument values that try to become code.
import { compileCondition, createConditionEnvironment, typedArgValue } from '../../src/analysis/cel-condition.js';
import { CEL_LIMITS, checkResultSize } from '../../src/analysis/cel-limits.js';
import { CelSandbox } from '../../src/analysis/cel-sandbox.js';

const env = createConditionEnvironment();
const CATASTROPHIC = `${'a'.repeat(64)}!`;

function compile(expression: string) {
  const compiled = compileCondition(env, expression);
  if (!compiled.ok) throw new Error(compiled.message);
  return compiled.condition;
}

describe('matches runs on RE2', () => {
  test.each([
    ['result.matches("^(a+)+$")', CATASTROPHIC, false],
    ['result.matches("(a|aa)+$")', CATASTROPHIC, false],
    ['result.matches("^(a+)+!$")', CATASTROPHIC, true],
    ['result.matches("b+")', 'abbc', true],
    ['result.matches("(?i)ABC")', 'xabcx', true],
    ['argText.want.matches("^v[0-9]+$")', 'ignored', true],
  ])('%s on a %#-th input -> %s', (expression, result, expected) => {
    expect(compile(expression).evaluate({ result, argText: { want: 'v12' } })).toEqual({ ok: true, value: expected });
  });

  test('a pattern RE2 does not support is an evaluation error naming RE2', () => {
    const outcome = compile('result.matches("(?=a)a")').evaluate({ result: 'a' });
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.message).toContain('invalid RE2 regular expression');
  });

  test('matches on a non-string is rejected when the condition is compiled', () => {
    const compiled = compileCondition(env, '1.matches("a")');
    expect(compiled.ok).toBe(false);
    expect(!compiled.ok && compiled.message).toContain("no matching overload for 'matches'");
  });
});

describe('the cost budget', () => {
  const ten = '[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]';
  const nested = (depth: number): string => (depth === 0 ? 'a1 > 0' : `${ten}.all(a${depth}, ${nested(depth - 1)})`);

  test('a comprehension bomb is refused before it runs, naming the limit', () => {
    const compiled = compileCondition(env, nested(7));
    expect(compiled.ok).toBe(false);
    expect(!compiled.ok && compiled.message).toContain(`exceeds the CEL cost budget`);
    expect(!compiled.ok && compiled.message).toContain(`limit ${CEL_LIMITS.maxCost}`);
  });

  test('comprehensions over result are costed at the result bound', () => {
    const compiled = compileCondition(env, 'result.all(x, result.all(y, x <= y))');
    expect(!compiled.ok && compiled.message).toContain('exceeds the CEL cost budget');
    expect(compileCondition(env, 'result.all(x, x >= 0.95)').ok).toBe(true);
  });

  test('an overlong condition is refused naming the limit', () => {
    const compiled = compileCondition(env, `${'result > 0 && '.repeat(400)}true`);
    expect(compiled).toMatchObject({ ok: false, message: expect.stringContaining(`the limit is ${CEL_LIMITS.maxExpressionLength}`) });
  });

  test('a too deeply nested condition hits the parser limit', () => {
    const compiled = compileCondition(env, `${'('.repeat(100)}true${')'.repeat(100)}`);
    expect(compiled).toMatchObject({ ok: false, message: expect.stringContaining('maxDepth') });
  });

  test('a result with more values than the bound is refused', () => {
    expect(checkResultSize(new Array(CEL_LIMITS.maxResultElements + 1).fill(1))).toContain(`more than ${CEL_LIMITS.maxResultElements} values`);
    expect(checkResultSize([1, 2, 3])).toBeUndefined();
  });
});

describe('arguments are values, never code', () => {
  test.each([
    ['0.95', 0.95],
    ['3', 3n],
    ['-2', -2n],
    ['1e3', 1000],
    ['true', true],
    ['0.0 || true', '0.0 || true'],
    ['abc', 'abc'],
  ])('%s is typed as %p', (text, expected) => {
    expect(typedArgValue(text)).toEqual(expected);
  });

  test('an injected `0.0 || true` does not neutralise the gate: the comparison fails to evaluate', () => {
    const outcome = compile('result[0] >= args.threshold').evaluate({ result: [0.1], args: { threshold: typedArgValue('0.0 || true') } });
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.message).toContain('failed to evaluate');
  });
});

describe('CelSandbox: evaluation off the main thread under a wall-clock limit', () => {
  let sandbox: CelSandbox;

  beforeAll(() => {
    // No static budget here, to exercise the wall-clock limit that backs it up.
    sandbox = new CelSandbox({ timeoutMs: 1_000, env, timeoutSetting: '--analysis-condition-timeout', maxCost: Number.POSITIVE_INFINITY });
  });
  afterAll(() => sandbox.close());

  test('evaluates conditions in a worker', async () => {
    const compiled = sandbox.compileCondition('result[0] >= args.min && argText.name == "x"');
    if (!compiled.ok) throw new Error(compiled.message);
    await expect(sandbox.evaluateCondition(compiled.condition, { result: [0.99], args: { min: 0.95 }, argText: { name: 'x' } }))
      .resolves.toEqual({ ok: true, value: true });
    await expect(sandbox.evaluateCondition(compiled.condition, { result: [0.5], args: { min: 0.95 }, argText: { name: 'x' } }))
      .resolves.toEqual({ ok: true, value: false });
  }, 60_000);

  test('a catastrophic regex ends at once with the RE2 answer', async () => {
    const compiled = sandbox.compileCondition('result.matches("^(a+)+$")');
    if (!compiled.ok) throw new Error(compiled.message);
    await expect(sandbox.evaluateCondition(compiled.condition, { result: CATASTROPHIC })).resolves.toEqual({ ok: true, value: false });
  }, 60_000);

  test('a runaway evaluation is stopped at the time limit, the event loop stays free, and the next evaluation works', async () => {
    const hundred = `[${Array.from({ length: 100 }, (_, i) => i).join(', ')}]`;
    const compiledRunaway = sandbox.compileCondition(`${hundred}.all(a, ${hundred}.all(b, ${hundred}.all(c, ${hundred}.all(d, a + b + c + d >= 0))))`);
    if (!compiledRunaway.ok) throw new Error(compiledRunaway.message);
    const runaway = compiledRunaway.condition;
    const innocent = sandbox.compileCondition('result == 2.0');
    if (!innocent.ok) throw new Error(innocent.message);
    let ticks = 0;
    const ticker = setInterval(() => { ticks += 1; }, 10);
    const [outcome, queuedBehind] = await Promise.all([
      sandbox.evaluateCondition(runaway, { result: null }),
      sandbox.evaluateCondition(innocent.condition, { result: 2 }),
    ]);
    clearInterval(ticker);
    expect(queuedBehind).toEqual({ ok: true, value: true });
    expect(outcome).toEqual({ ok: false, message: expect.stringContaining('ran longer than the 1s evaluation time limit (--analysis-condition-timeout) and was stopped') });
    expect(ticks).toBeGreaterThan(0);
    const compiled = sandbox.compileCondition('result == 1.0');
    if (!compiled.ok) throw new Error(compiled.message);
    await expect(sandbox.evaluateCondition(compiled.condition, { result: 1 })).resolves.toEqual({ ok: true, value: true });
  }, 60_000);

  test("one tenant's backlog of runaway conditions delays another tenant by at most one of them", async () => {
    const hundred = `[${Array.from({ length: 100 }, (_, i) => i).join(', ')}]`;
    const runaway = sandbox.compileCondition(`${hundred}.all(a, ${hundred}.all(b, ${hundred}.all(c, ${hundred}.all(d, a + b + c + d >= 0))))`);
    const innocent = sandbox.compileCondition('result == 3.0');
    if (!runaway.ok || !innocent.ok) throw new Error('compile');
    const finished: string[] = [];
    const track = (label: string, outcome: Promise<unknown>) => outcome.then(() => { finished.push(label); });
    const hostile = [1, 2, 3].map((i) => track(`hostile-${i}`, sandbox.evaluateCondition(runaway.condition, { result: null }, 'team-hostile')));
    const other = track('other', sandbox.evaluateCondition(innocent.condition, { result: 3 }, 'team-other'));
    await Promise.all([...hostile, other]);
    // Fair by tenant: the other team's condition runs right after the first runaway one.
    expect(finished).toEqual(['hostile-1', 'other', 'hostile-2', 'hostile-3']);
  }, 60_000);
});
