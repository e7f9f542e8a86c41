import { compileCondition, createConditionEnvironment, typedArgValue } from '../../src/analysis/cel-condition.js';
import { rewriteArgPlaceholders } from '../../src/analysis/cel-placeholders.js';

describe('rewriteArgPlaceholders', () => {
  test.each([
    ['result[0] >= {{args.min}}', 'result[0] >= args.min', ['min']],
    ['result[0] >= {{ args.min }} && size(result) > {{args.n}}', 'result[0] >= args.min && size(result) > args.n', ['min', 'n']],
    ['result < {{args.max-latency}}', 'result < args["max-latency"]', ['max-latency']],
    ['result.status == "{{args.want}}"', 'result.status == (argText.want)', ['want']],
    ["result.url == 'http://{{args.host}}/x'", "result.url == ('http://' + argText.host + '/x')", ['host']],
    ['result == """a{{args.x}}"""', 'result == ("""a""" + argText.x)', ['x']],
    ['result == "{{args.a}}{{args.b}}"', 'result == (argText.a + argText.b)', ['a', 'b']],
    ['result == "a\\"{{args.x}}"', 'result == ("a\\"" + argText.x)', ['x']],
    ['result > 1 // {{args.x}} is not used', 'result > 1 // {{args.x}} is not used', []],
    ['result == "{{not.an.arg}}"', 'result == "{{not.an.arg}}"', []],
  ])('%s', (input, output, names) => {
    expect(rewriteArgPlaceholders(input)).toEqual({ ok: true, text: output, names });
  });

  test.each([
    ['result == b"{{args.x}}"', 'bytes literal'],
    ['result == {{args.a"b}}', 'not a valid argument reference'],
  ])('%s is refused', (input, message) => {
    const rewritten = rewriteArgPlaceholders(input);
    expect(rewritten.ok).toBe(false);
    expect(!rewritten.ok && rewritten.message).toContain(message);
  });

  test('rewritten conditions compile and see values, not code', () => {
    const env = createConditionEnvironment();
    const evaluate = (condition: string, values: Record<string, string>, result: unknown) => {
      const rewritten = rewriteArgPlaceholders(condition);
      if (!rewritten.ok) throw new Error(rewritten.message);
      const compiled = compileCondition(env, rewritten.text);
      if (!compiled.ok) throw new Error(compiled.message);
      const args = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typedArgValue(v)]));
      return compiled.condition.evaluate({ result, args, argText: values });
    };
    expect(evaluate('result[0] >= {{args.min}}', { min: '0.95' }, [0.97])).toEqual({ ok: true, value: true });
    expect(evaluate('result[0] >= {{args.min}}', { min: '0.95' }, [0.5])).toEqual({ ok: true, value: false });
    expect(evaluate('result.v == "{{args.want}}"', { want: '" || true || "' }, { v: 'x' })).toEqual({ ok: true, value: false });
    expect(evaluate('result.v == "{{args.want}}"', { want: '" || true || "' }, { v: '" || true || "' })).toEqual({ ok: true, value: true });
    expect(evaluate('result[0] >= {{args.min}}', { min: '0.0 || true' }, [0.1]).ok).toBe(false);
  });
});
