import { parseBacktestArgs } from '../../src/cli/backtest-flags.js';
import { formatMeasuredValue } from '../../src/cli/backtest-render.js';
import { parseBacktestTime } from '../../src/cli/backtest-time.js';
import { UserError } from '../../src/cli/command.js';

const NOW = Date.parse('2026-12-07T06:00:00Z');

test.each([
  ['now', NOW],
  ['now-2h', NOW - 7_200_000],
  ['-90m', NOW - 5_400_000],
  ['2026-12-05T14:00:00Z', Date.parse('2026-12-05T14:00:00Z')],
  ['2026-12-05T15:00:00.5+01:00', Date.parse('2026-12-05T14:00:00.500Z')],
  ['1796511600', 1_796_511_600_000],
])('time %s', (text, ms) => {
  expect(parseBacktestTime(text, NOW)).toEqual({ ok: true, value: ms });
});

test.each(['yesterday', '2026-12-05', 'now-2', 'now+1h', ''])('not a time: %j', (text) => {
  expect(parseBacktestTime(text, NOW)).toMatchObject({ ok: false });
});

test.each([
  ['[0.9166666666666666]', '0.9167'],
  ['[19.599999999999973]', '19.6'],
  ['[0.01, 0.2]', '[0.01, 0.2]'],
  ['1234567.89', '1234568'],
  ['42', '42'],
  ['"ok"', '"ok"'],
  [undefined, '-'],
])('value %j is shown as %s', (text, shown) => {
  expect(formatMeasuredValue(text)).toBe(shown);
});

const base = ['-f', 't.yaml', '--prometheus', 'http://127.0.0.1:9090'];

function problem(argv: string[]): string {
  try {
    parseBacktestArgs(argv, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error('no problem reported');
}

test('windows: --from/--to pairs and --at release times with --length, in one call', () => {
  const args = parseBacktestArgs([...base, '--from', 'now-3h', '--to', 'now-2h', '--from=-90m', '--to', 'now', '--at', '2026-12-06T10:00:00Z', '--length', '30m', '--step', '30s', '--arg', 'a=b=c'], NOW);
  expect(args.windows).toEqual([
    { kind: 'range', startMs: NOW - 10_800_000, endMs: NOW - 7_200_000 },
    { kind: 'range', startMs: NOW - 5_400_000, endMs: NOW },
    { kind: 'release', startMs: Date.parse('2026-12-06T10:00:00Z'), endMs: Date.parse('2026-12-06T10:30:00Z') },
  ]);
  expect(args.stepMs).toBe(30_000);
  expect(args.timeoutSeconds).toBe(10);
  expect([...args.args]).toEqual([['a', 'b=c']]);
});

test.each([
  [['--prometheus', 'http://p:9090', '--from', 'now-1h', '--to', 'now'], 'needs -f TEMPLATE.yaml'],
  [['-f', 't.yaml', '--from', 'now-1h', '--to', 'now'], 'needs --prometheus URL'],
  [[...base, '--prometheus', 'ftp://x'], 'http or https'],
  [[...base], 'needs a window'],
  [[...base, '--from', 'now-1h'], 'in pairs'],
  [[...base, '--from', 'now', '--to', 'now-1h'], 'is not before --to'],
  [[...base, '--from', 'now-1h', '--to', 'now', '--step', '30'], 'has no unit'],
  [[...base, '--from', 'now-1h', '--to', 'now', '--timeout', '2m'], 'at most 60s'],
  [[...base, '--from', 'now-1h', '--to', 'now', '--arg', 'novalue'], '--arg takes NAME=VALUE'],
  [[...base, '--from', 'now-1h', '--to', 'now', '--length', '1h'], '--length applies to --at'],
  [[...base, '--at', 'now-10m'], 'in the future'],
  [[...base, '--from', 'now-1h', '--to', 'now', '-o', 'yaml'], '-o takes text or json'],
])('bad flags %j: %s', (argv, message) => {
  expect(problem(argv)).toContain(message);
});
