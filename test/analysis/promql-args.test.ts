import type { ResolvedArg } from '../../src/analysis/args.js';
import { escapePromqlString, substitutePromqlArgs } from '../../src/analysis/promql-args.js';

const arg = (name: string, value: string, secret = false): ResolvedArg => ({ name, value, secret });

describe('substitutePromqlArgs', () => {
  test.each([
    ['x{a="{{args.v}}"}', [arg('v', 'plain')], 'x{a="plain"}'],
    ['x{a="{{args.v}}"}', [arg('v', 'a"} or vector(1) or x{b="')], 'x{a="a\\"} or vector(1) or x{b=\\""}'],
    ["x{a='{{args.v}}'}", [arg('v', "it's\\")], "x{a='it\\'s\\\\'}"],
    ['x{a=~".*{{args.v}}.*"}', [arg('v', 'svc\nx')], 'x{a=~".*svc\\nx.*"}'],
    ['rate(x[{{args.w}}]) > {{args.min}}', [arg('w', '5m'), arg('min', '0.95')], 'rate(x[5m]) > 0.95'],
    ['{{args.metric}}_total', [arg('metric', 'http_requests')], 'http_requests_total'],
    ['x{a="\\"{{args.v}}"}', [arg('v', 'q')], 'x{a="\\"q"}'],
    ['x{a=`{{args.v}}`}', [arg('v', 'a\\b')], 'x{a=`a\\b`}'],
  ])('%s', (query, args, expected) => {
    expect(substitutePromqlArgs(query, args)).toMatchObject({ ok: true, text: expected });
  });

  test.each([
    ['x > {{args.v}}', [arg('v', '0.0 or vector(1)')], 'used outside a PromQL string literal'],
    ['x # {{args.v}}', [arg('v', 'a\nvector(1)')], 'used outside a PromQL string literal'],
    ['x{a=`{{args.v}}`}', [arg('v', 'a` or vector(1) or x{b=`')], 'contains a backtick'],
    ['x{a="{{args.v}}"}', [], 'argument "v" is not defined'],
  ])('%s is refused', (query, args, message) => {
    const result = substitutePromqlArgs(query, args);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
    expect(!result.ok && result.message).not.toContain('vector(1)');
  });

  test('secrets are shown as *** in the recorded query', () => {
    expect(substitutePromqlArgs('x{k="{{args.k}}"}', [arg('k', 'hunter2', true)])).toEqual({ ok: true, text: 'x{k="hunter2"}', redacted: 'x{k="***"}' });
  });

  test('escapePromqlString escapes control characters', () => {
    expect(escapePromqlString('a\tb\u0001', '"')).toBe('a\\tb\\x01');
  });
});
