import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/main.js';

const HEADER = 'canary_requests,canary_errors,baseline_requests,baseline_errors';

function capture(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, isTty: false }, out, err };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kanary-judge-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function csv(rows: string[], header = HEADER): string {
  fileCount += 1;
  const file = join(dir, `counts-${fileCount}.csv`);
  writeFileSync(file, `${[header, ...rows].join('\n')}\n`);
  return file;
}

const times = (n: number, row: string): string[] => Array.from({ length: n }, () => row);

async function judge(args: string[]): Promise<{ code: number; lines: string[]; stderr: string }> {
  const { io, out, err } = capture();
  const code = await runCli(['judge', ...args], io);
  return { code, lines: out.join('').split('\n').filter((l) => l !== ''), stderr: err.join('') };
}

describe('kanary judge verdicts and exit codes', () => {
  test('a 5x regression: one line per interval, then verdict fail, exit 1', async () => {
    const file = csv(times(10, '100,5,900,9'));
    const { code, lines } = await judge(['--counts', file]);
    expect(code).toBe(1);
    expect(lines).toEqual([
      'interval 1: canary 5/100, stable 9/900; errors 5.0× stable, evidence 9.2 of 100 to abort',
      'interval 2: canary 5/100, stable 9/900; errors 5.0× stable, evidence 125 of 100 to abort',
      'verdict: fail at interval 2',
    ]);
  });

  test('a healthy canary with --bad-ratio passes early, exit 0', async () => {
    const file = csv(times(20, '1000,10,9000,90'));
    const { code, lines } = await judge(['--counts', file, '--bad-ratio', '1.5']);
    expect(code).toBe(0);
    expect(lines.at(-1)).toMatch(/^verdict: pass at interval \d+$/);
    expect(lines[0]).toMatch(/^interval 1: canary 10\/1000, stable 90\/9000; errors 1\.0× stable, evidence 0\.\d of 100 to abort, [\d.]+ of 20 to promote$/);
    const decided = Number(/at interval (\d+)/.exec(lines.at(-1)!)![1]);
    expect(lines).toHaveLength(decided + 1);
  });

  test('the same canary without --bad-ratio is inconclusive after all intervals, exit 3, with the reason on stderr', async () => {
    const file = csv(times(20, '1000,10,9000,90'));
    const { code, lines, stderr } = await judge(['--counts', file]);
    expect(code).toBe(3);
    expect(lines).toHaveLength(21);
    expect(lines.at(-1)).toBe('verdict: inconclusive after 20 intervals');
    expect(stderr).toMatch(/^kanary: judge: inconclusive: not enough evidence either way; \d+ more canary errors with none in stable would abort; early promotion is off \(no bad ratio\); a controller would pause for a human \(never promote\)\n$/);
  });

  test('a shared incident in both arms does not abort', async () => {
    const file = csv([...times(5, '100,1,900,9'), ...times(3, '100,40,900,360'), ...times(5, '100,1,900,9')]);
    const { code, lines } = await judge(['--counts', file]);
    expect(code).toBe(3);
    expect(lines.at(-1)).toBe('verdict: inconclusive after 13 intervals');
  });

  test('--alpha and --tolerance change the verdict', async () => {
    const file = csv(times(6, '100,4,900,9'));
    expect((await judge(['--counts', file])).lines.at(-1)).toBe('verdict: fail at interval 4');
    expect((await judge(['--counts', file, '--tolerance', '4'])).code).toBe(3);
    expect((await judge(['--counts', file, '--alpha', '0.0000001'])).lines.at(-1)).toBe('verdict: inconclusive after 6 intervals');
  });

  test('-o json carries per-interval counts, evidence and the verdict', async () => {
    const file = csv(times(10, '100,5,900,9'));
    const { io, out } = capture();
    expect(await runCli(['judge', '--counts', file, '-o', 'json'], io)).toBe(1);
    const parsed = JSON.parse(out.join('')) as {
      intervals: { interval: number; status: string; counts: Record<string, number>; explanation: { abortEvidence: number; abortThreshold: number; observedRatio: number } }[];
      verdict: unknown;
      verdictLine: string;
    };
    expect(parsed.verdict).toEqual({ outcome: 'fail', interval: 2 });
    expect(parsed.verdictLine).toBe('verdict: fail at interval 2');
    expect(parsed.intervals).toHaveLength(2);
    expect(parsed.intervals[0]).toMatchObject({ interval: 1, status: 'judged', counts: { canary_requests: 100, canary_errors: 5, baseline_requests: 900, baseline_errors: 9 } });
    expect(parsed.intervals[1]!.explanation.abortEvidence).toBeGreaterThanOrEqual(100);
    expect(parsed.intervals[1]!.explanation.abortThreshold).toBe(100);
    expect(parsed.intervals[1]!.explanation.observedRatio).toBeCloseTo(5, 10);
  });

  test('columns may come in any order; CRLF line ends are fine', async () => {
    const file = join(dir, 'crlf.csv');
    writeFileSync(file, 'baseline_errors,baseline_requests,canary_errors,canary_requests\r\n9,900,5,100\r\n9,900,5,100\r\n');
    expect((await judge(['--counts', file])).lines.at(-1)).toBe('verdict: fail at interval 2');
  });

  test('--warmup skips leading intervals', async () => {
    const file = csv([...times(2, '100,50,900,0'), ...times(3, '100,1,900,9')]);
    const { code, lines } = await judge(['--counts', file, '--warmup', '2']);
    expect(code).toBe(3);
    expect(lines[0]).toBe('interval 1: canary 50/100, stable 0/900; warm-up, not judged');
  });
});

describe('kanary judge: missing data and no traffic are inconclusive, never a pass', () => {
  test('an empty cell is a missing series: reported, no evidence, no promotion', async () => {
    const file = csv(['1000,10,9000,90', ...times(20, '1000,,9000,90')]);
    const { code, lines } = await judge(['--counts', file, '--bad-ratio', '1.5']);
    expect(code).toBe(3);
    expect(lines[1]).toBe('interval 2: missing canary_errors: no evidence from this interval, no promotion on it');
    expect(lines.at(-1)).toBe('verdict: inconclusive after 21 intervals');
  });

  test.each([
    ['the canary', '0,0,900,9', 'the canary had no requests in any judged interval'],
    ['the baseline', '100,1,0,0', 'the baseline had no requests in any judged interval'],
  ])('%s with zero traffic the whole run: exit 3 with the reason', async (_arm, row, reason) => {
    const { code, lines, stderr } = await judge(['--counts', csv(times(10, row)), '--bad-ratio', '1.5']);
    expect(code).toBe(3);
    expect(lines.at(-1)).toBe('verdict: inconclusive after 10 intervals');
    expect(stderr).toContain(reason);
  });
});

describe('kanary judge: bad input is exit 2 with one clear line', () => {
  test.each([
    ['a negative count', ['100,-1,900,9'], /row 1 canary_errors is -1: counts are never negative/],
    ['a non-integer count', ['100,1.5,900,9'], /row 1 canary_errors is 1\.5: counts must be whole numbers/],
    ['NaN', ['100,NaN,900,9'], /row 1 canary_errors is "NaN", not a whole number/],
    ['errors above requests', ['100,1,900,9', '10,11,900,9'], /row 2: canary_errors \(11\) is above canary_requests: an arm cannot have more bad events than requests/],
    ['a short row', ['100,1,900'], /row 1 has 3 cells, the header 4/],
    ['a quoted cell', ['"100",1,900,9'], /quoted cells are not supported/],
    ['a blank row in the middle', ['100,1,900,9', '', '100,1,900,9'], /row 2 is blank/],
    ['no rows', [], /has a header but no rows/],
  ])('%s', async (_name, rows, message) => {
    const { code, lines, stderr } = await judge(['--counts', csv(rows)]);
    expect(code).toBe(2);
    expect(lines).toEqual([]);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  test.each([
    ['an unknown column', 'canary_requests,canary_errors,baseline_requests,baseline_errors,pod', /unknown column "pod"/],
    ['a column twice', 'canary_requests,canary_errors,baseline_requests,canary_errors', /the header must name each of canary_requests,canary_errors,baseline_requests,baseline_errors once/],
  ])('%s in the header', async (_name, header, message) => {
    const { code, stderr } = await judge(['--counts', csv(['1,0,1,0'], header)]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  test.each([
    [['--alpha', '0'], 'alpha must be between 0 and 1 (exclusive), got 0'],
    [['--alpha', '1'], 'alpha must be between 0 and 1 (exclusive), got 1'],
    [['--alpha', '1.5'], 'alpha must be between 0 and 1 (exclusive), got 1.5'],
    [['--alpha', 'abc'], '--alpha takes a number, not "abc"'],
    [['--tolerance', '0.5'], 'tolerance must be a ratio of at least 1'],
    [['--bad-ratio', '1.05'], 'bad-ratio must be a number above tolerance (1.1), got 1.05'],
    [['-o', 'yaml'], '-o takes json or text, not "yaml"'],
    [['--frobnicate'], "Unknown option '--frobnicate'"],
  ])('flags %j', async (flags, message) => {
    const { code, stderr } = await judge(['--counts', csv(['100,1,900,9']), ...flags]);
    expect(code).toBe(2);
    expect(stderr).toContain(`kanary: judge: ${message}`);
  });

  test('no --counts, or a file that does not exist', async () => {
    expect(await judge([])).toMatchObject({ code: 2, stderr: 'kanary: judge: needs --counts FILE.csv, e.g. `kanary judge --counts counts.csv`\n' });
    const missing = join(dir, 'nope.csv');
    expect(await judge(['--counts', missing])).toMatchObject({ code: 2, stderr: `kanary: judge: ${missing}: file not found\n` });
  });

  test('--help prints the usage with an example', async () => {
    const { io, out } = capture();
    expect(await runCli(['judge', '--help'], io)).toBe(0);
    expect(out.join('')).toContain('kanary judge --counts counts.csv');
  });
});
