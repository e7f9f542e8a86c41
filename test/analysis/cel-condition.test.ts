import { compileCondition, createConditionEnvironment } from '../../src/analysis/cel-condition.js';

const env = createConditionEnvironment();

function evaluate(expression: string, result: unknown) {
  const compiled = compileCondition(env, expression);
  if (!compiled.ok) throw new Error(compiled.message);
  return compiled.condition.evaluate({ result });
}

describe('compileCondition + evaluate', () => {
  test.each([
    ['result[0] >= 0.95', [0.97], true],
    ['result[0] >= 0.95', [0.9], false],
    ['result[0] >= 1', [1.5], true],
    ['result[0] >= 1', [1], true],
    ['result >= 1', 0.5, false],
    ['size(result) > 0 && result[0] < 500', [], false],
    ['size(result) > 0 && result[0] < 500', [120.5], true],
    ['result * 100 >= 95', 0.97, true],
    ['100 * result[0] < 95', [0.97], false],
    ['result[0] / 2 == 0.5', [1], true],
    ['result - 1 < 0', 0.5, true],
    ['result == 1', 1, true],
    ['result.data.ok == true', { data: { ok: true } }, true],
    ['result.data.count > 3', { data: { count: 4 } }, true],
    ['result.status == "green"', { status: 'red' }, false],
    ['result.all(x, x < 1.0)', [0.1, 0.2], true],
  ])('%s with %j -> %s', (expression, result, expected) => {
    expect(evaluate(expression, result)).toEqual({ ok: true, value: expected });
  });

  test.each([
    ['result', 0.5, 'returned double 0.5, not a bool'],
    ['result.name', { name: 'x' }, 'returned string "x", not a bool'],
    ['result[0] < 500', [], 'failed to evaluate'],
    ['result.missing > 1', { a: 1 }, 'failed to evaluate: No such key: missing'],
  ])('%s with %j is an error value', (expression, result, message) => {
    const outcome = evaluate(expression, result);
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.message).toContain(message);
  });
});

describe('compileCondition rejects', () => {
  test.each([
    ['result[0] >= ', 'at column 14', 14],
    ['result[0] >= 0.95 &&& x', 'at column 21', 21],
    ['other > 1', 'Unknown variable: other', 1],
    ['"a" + 1', 'no such overload', 1],
  ])('%s', (expression, message, column) => {
    const compiled = compileCondition(env, expression);
    expect(compiled.ok).toBe(false);
    expect(!compiled.ok && compiled.message).toContain(message);
    expect(!compiled.ok && compiled.column).toBe(column);
  });

  test('a condition whose static type is not bool', () => {
    const compiled = compileCondition(env, '1 + 2');
    expect(compiled).toEqual({ ok: false, message: 'condition returns int, not a bool' });
  });
});
