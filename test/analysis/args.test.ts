import { findArgReferences, redact, resolveArgs, substituteArgs, type ResolvedArg } from '../../src/analysis/args.js';

const args: ResolvedArg[] = [
  { name: 'service', value: 'demo-canary', secret: false },
  { name: 'token', value: 'abc123', secret: true },
  { name: 'empty', value: '', secret: false },
  { name: 'unset', secret: false },
];

describe('substituteArgs', () => {
  test.each([
    ['rate{svc="{{args.service}}"}', 'rate{svc="demo-canary"}', 'rate{svc="demo-canary"}'],
    ['{{ args.service }}/{{args.service}}', 'demo-canary/demo-canary', 'demo-canary/demo-canary'],
    ['Bearer {{args.token}}', 'Bearer abc123', 'Bearer ***'],
    ['x{{args.empty}}y', 'xy', 'xy'],
    ['no placeholders {{other}}', 'no placeholders {{other}}', 'no placeholders {{other}}'],
  ])('%s', (text, expected, redacted) => {
    expect(substituteArgs(text, args)).toEqual({ ok: true, text: expected, redacted });
  });

  test.each([
    ['{{args.missing}}', 'argument "missing" is not defined'],
    ['{{args.unset}}', 'argument "unset" has no value'],
    ['{{args.missing}} {{args.unset}} {{args.missing}}', 'argument "missing" is not defined; argument "unset" has no value'],
  ])('%s -> error', (text, message) => {
    expect(substituteArgs(text, args)).toEqual({ ok: false, message });
  });
});

test('findArgReferences', () => {
  expect(findArgReferences('a {{args.x}} b {{ args.y-z }}')).toEqual(['x', 'y-z']);
});

test('redact replaces every occurrence', () => {
  expect(redact('abc123 and abc123', ['abc123', ''])).toBe('*** and ***');
});

describe('resolveArgs', () => {
  const readSecret = async (ref: { name: string; key: string }, namespace: string) =>
    namespace === 'ns' && ref.name === 's' && ref.key === 'token' ? 'from-secret' : undefined;

  test('reads Secret-backed args and marks them secret', async () => {
    const result = await resolveArgs(
      [{ name: 'plain', value: 'v' }, { name: 'tok', valueFrom: { secretKeyRef: { name: 's', key: 'token' } } }],
      { namespace: 'ns', readSecret },
    );
    expect(result).toEqual({ ok: true, args: [
      { name: 'plain', value: 'v', secret: false },
      { name: 'tok', value: 'from-secret', secret: true },
    ] });
  });

  test.each([
    [{ namespace: 'ns', readSecret }, 'argument "tok": Secret ns/s has no key "other"'],
    [{ namespace: 'ns' }, 'argument "tok": no Secret reader configured'],
    [{ namespace: 'ns', readSecret: async () => { throw new Error('forbidden'); } }, 'argument "tok": cannot read Secret ns/s: forbidden'],
  ])('unresolvable secret -> %s', async (options, message) => {
    const result = await resolveArgs([{ name: 'tok', valueFrom: { secretKeyRef: { name: 's', key: 'other' } } }], options);
    expect(result).toEqual({ ok: false, message });
  });
});
