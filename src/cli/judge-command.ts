/**
 * `kanary judge --counts FILE.csv`: runs the statistical judge (src/core/judge) over per-interval
 * counts, offline. Exit 1 on fail, 0 on pass, 3 on inconclusive, 2 on bad input.
 *
 * The CSV reader is a small strict one written here rather than a dependency: the project has no
 * CSV package, and this file only ever holds four whole numbers per row, so quoting, escaping and
 * multi-line fields are rejected instead of interpreted.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { JudgeConfig } from '../core/judge/judge-config.js';
import { buildJudgeConfig } from '../core/judge/judge-config.js';
import type { CountField, IntervalCounts } from '../core/judge/interval-counts.js';
import { assessIntervalCounts, COUNT_FIELDS, formatCountProblem } from '../core/judge/interval-counts.js';
import { assessJudgeRun } from '../core/judge/judge-process.js';
import type { CliIo, Command } from './command.js';
import { UserError } from './command.js';
import { CSV_COLUMNS, formatInconclusiveNote, renderJudgeJson, renderJudgeText } from './render-judge.js';

const USAGE = `Usage: kanary judge --counts FILE.csv [--alpha A] [--tolerance T] [--bad-ratio R] [--beta B]
                    [--warmup N] [--min-events N] [--min-promote-intervals N] [--max-intervals N] [-o json]

Judges a canary against its baseline with an anytime-valid sequential test of the error-rate
ratio canary/stable (docs/analysis.md, "The statistical judge"). FILE.csv has the header
  canary_requests,canary_errors,baseline_requests,baseline_errors
and one row of whole-number counts per interval (increases over the interval, not raw counter
values). An empty cell is a missing series: that interval adds no evidence and cannot promote.

Prints one line per interval (errors/requests per arm, observed ratio, evidence against the
thresholds), then \`verdict: fail at interval N\`, \`verdict: pass at interval N\` or
\`verdict: inconclusive after N intervals\`.

  --alpha A         chance of aborting a canary no worse than the tolerance (default 0.01)
  --tolerance T     acceptable ratio canary/stable (default 1.1)
  --bad-ratio R     enables early promotion: a canary R times worse is promoted with chance <= beta
  --beta B          (default 0.05)
  --warmup N        leading intervals not judged (default 0)
  --min-events N    bad events (both arms) before any decision (default 5)
  --min-promote-intervals N
                    judged intervals before an early promotion (default 10)
  --max-intervals N undecided after N intervals: inconclusive

Exit code: 1 fail, 0 pass, 3 inconclusive, 2 bad input.

Example:
  kanary judge --counts counts.csv --alpha 0.01 --tolerance 1.1 --bad-ratio 1.5
`;

const BAD_INPUT = 2;
const EXIT_CODES = { fail: 1, pass: 0, inconclusive: 3 } as const;

const bad = (message: string): UserError => new UserError(`judge: ${message}`, BAD_INPUT);

interface JudgeArgs {
  file: string;
  output: 'text' | 'json';
  config: JudgeConfig;
}

const OPTIONS = {
  counts: { type: 'string' },
  alpha: { type: 'string' },
  tolerance: { type: 'string' },
  'bad-ratio': { type: 'string' },
  beta: { type: 'string' },
  warmup: { type: 'string' },
  'min-events': { type: 'string' },
  'min-promote-intervals': { type: 'string' },
  'max-intervals': { type: 'string' },
  output: { type: 'string', short: 'o' },
} as const;

function parseNumberFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(parsed)) throw bad(`--${flag} takes a number, not "${value}"`);
  return parsed;
}

function parseOutput(value: string | undefined): JudgeArgs['output'] {
  if (value === undefined || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw bad(`-o takes json or text, not "${value}"`);
}

/** Flags to settings; every mistake is a UserError with exit code 2. */
export function parseJudgeArgs(argv: readonly string[]): JudgeArgs {
  let values;
  try {
    values = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw bad(`${(error as Error).message}. Run \`kanary judge --help\`.`);
  }
  if (values.counts === undefined) throw bad('needs --counts FILE.csv, e.g. `kanary judge --counts counts.csv`');
  const result = buildJudgeConfig({
    alpha: parseNumberFlag('alpha', values.alpha),
    tolerance: parseNumberFlag('tolerance', values.tolerance),
    badRatio: parseNumberFlag('bad-ratio', values['bad-ratio']),
    beta: parseNumberFlag('beta', values.beta),
    warmupIntervals: parseNumberFlag('warmup', values.warmup),
    minEvents: parseNumberFlag('min-events', values['min-events']),
    minPromoteIntervals: parseNumberFlag('min-promote-intervals', values['min-promote-intervals']),
    maxIntervals: parseNumberFlag('max-intervals', values['max-intervals']),
  });
  if (!result.ok) throw bad(result.problems.join('; '));
  return { file: values.counts, output: parseOutput(values.output), config: result.config };
}

function parseHeader(line: string, file: string): CountField[] {
  const names = line.split(',').map((cell) => cell.trim());
  const expected = COUNT_FIELDS.map((f) => CSV_COLUMNS[f]).join(',');
  const byColumn = new Map(COUNT_FIELDS.map((f) => [CSV_COLUMNS[f], f]));
  const fields = names.map((name) => {
    const field = byColumn.get(name);
    if (!field) throw bad(`${file}: unknown column "${name}" in the header; expected ${expected}`);
    return field;
  });
  const missing = COUNT_FIELDS.filter((f) => !fields.includes(f));
  if (missing.length > 0 || fields.length !== COUNT_FIELDS.length) {
    throw bad(`${file}: the header must name each of ${expected} once (got "${line.trim()}")`);
  }
  return fields;
}

function parseCell(cell: string, where: string): number | undefined {
  const text = cell.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw bad(`${where} is ${text}, too large for a count`);
    return value;
  }
  const number = Number(text);
  if (text.includes('"')) throw bad(`${where} is ${text}: quoted cells are not supported, write the bare number`);
  if (Number.isNaN(number)) throw bad(`${where} is "${text}", not a whole number`);
  if (number < 0) throw bad(`${where} is ${text}: counts are never negative (give per-interval increases, with counter resets resolved, not raw counter values)`);
  throw bad(`${where} is ${text}: counts must be whole numbers`);
}

function parseRow(line: string, fields: readonly CountField[], where: string): IntervalCounts {
  const cells = line.split(',');
  if (cells.length !== fields.length) throw bad(`${where} has ${cells.length} cells, the header ${fields.length}`);
  const counts: IntervalCounts = {};
  fields.forEach((field, i) => {
    const value = parseCell(cells[i] ?? '', `${where} ${CSV_COLUMNS[field]}`);
    if (value !== undefined) counts[field] = value;
  });
  const assessment = assessIntervalCounts(counts);
  if (assessment.kind === 'invalid') throw bad(`${where}: ${formatCountProblem(assessment, CSV_COLUMNS)}`);
  return counts;
}

/** The rows of a counts CSV (header first, one row per interval); bad input throws a UserError with exit code 2. */
export function parseCountsCsv(text: string, file: string): IntervalCounts[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && (lines.at(-1) ?? '').trim() === '') lines.pop();
  const [header, ...rows] = lines;
  if (header === undefined) throw bad(`${file} is empty; expected the header ${COUNT_FIELDS.map((f) => CSV_COLUMNS[f]).join(',')}`);
  const fields = parseHeader(header, file);
  if (rows.length === 0) throw bad(`${file} has a header but no rows`);
  return rows.map((line, i) => {
    const where = `${file} row ${i + 1}`;
    if (line.trim() === '') throw bad(`${where} is blank; give every interval a row`);
    return parseRow(line, fields, where);
  });
}

async function readCounts(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw bad(`${file}: file not found`);
    if (code === 'EISDIR') throw bad(`${file}: is a directory; give the counts CSV file`);
    throw bad(`${file}: cannot be read (${code ?? 'unknown error'})`);
  }
}

export const judgeCommand: Command = {
  name: 'judge',
  summary: 'Judge canary against baseline counts (CSV) with the sequential rate-ratio test',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = parseJudgeArgs(argv);
    const intervals = parseCountsCsv(await readCounts(args.file), args.file);
    const { steps, verdict } = assessJudgeRun(intervals, args.config);
    io.stdout(args.output === 'json' ? renderJudgeJson(steps, verdict, args.config) : renderJudgeText(steps, verdict, args.config));
    const note = formatInconclusiveNote(verdict, steps, args.config);
    if (note !== undefined && args.output === 'text') io.stderr(`kanary: ${note}\n`);
    return EXIT_CODES[verdict.outcome];
  },
};
