// `kanary backtest` flags to settings; every mistake is a UserError with exit code 2.
import { parseArgs } from 'node:util';
import type { BacktestWindow } from '../analysis/backtest/backtest-window.js';
import { UserError } from './command.js';
import { formatInstant, parseBacktestDuration, parseBacktestTime } from './backtest-time.js';

export const BAD_INPUT = 2;
/** A window may end this far after "now" (clock skew, `--to now` typed a moment ago). */
const FUTURE_SLACK_MS = 60_000;
const DEFAULT_LENGTH_MS = 3_600_000;
const DEFAULT_TIMEOUT_MS = 10_000;

export const badInput = (message: string): UserError => new UserError(`backtest: ${message}`, BAD_INPUT);

export interface BacktestArgs {
  files: string[];
  prometheus: string;
  windows: BacktestWindow[];
  stepMs?: number;
  timeoutSeconds: number;
  args: Map<string, string>;
  output: 'text' | 'json';
}

const OPTIONS = {
  filename: { type: 'string', short: 'f', multiple: true },
  prometheus: { type: 'string' },
  from: { type: 'string', multiple: true },
  to: { type: 'string', multiple: true },
  at: { type: 'string', multiple: true },
  length: { type: 'string' },
  step: { type: 'string' },
  timeout: { type: 'string' },
  arg: { type: 'string', multiple: true },
  output: { type: 'string', short: 'o' },
} as const;

function durationFlag(flag: string, text: string | undefined, fallback?: number): number | undefined {
  if (text === undefined) return fallback;
  const parsed = parseBacktestDuration(text);
  if (!parsed.ok) throw badInput(`--${flag}: ${parsed.message}`);
  return parsed.value;
}

function timeFlag(flag: string, text: string, nowMs: number): number {
  const parsed = parseBacktestTime(text, nowMs);
  if (!parsed.ok) throw badInput(`--${flag}: ${parsed.message}`);
  return parsed.value;
}

function checkWindow(window: BacktestWindow, nowMs: number, label: string): BacktestWindow {
  if (window.endMs > nowMs + FUTURE_SLACK_MS) throw badInput(`${label} ends at ${formatInstant(window.endMs)}, in the future: there is no history there yet`);
  return window;
}

function rangeWindows(from: readonly string[], to: readonly string[], nowMs: number): BacktestWindow[] {
  if (from.length !== to.length) throw badInput(`give --from and --to in pairs (got ${from.length} --from and ${to.length} --to)`);
  return from.map((fromText, i) => {
    const startMs = timeFlag('from', fromText, nowMs);
    const endMs = timeFlag('to', to[i] ?? '', nowMs);
    if (startMs >= endMs) throw badInput(`--from ${fromText} (${formatInstant(startMs)}) is not before --to ${to[i] ?? ''} (${formatInstant(endMs)})`);
    return checkWindow({ kind: 'range', startMs, endMs }, nowMs, `the window --from ${fromText} --to ${to[i] ?? ''}`);
  });
}

function releaseWindows(at: readonly string[], lengthMs: number, nowMs: number): BacktestWindow[] {
  return at.map((text) => {
    const startMs = timeFlag('at', text, nowMs);
    return checkWindow({ kind: 'release', startMs, endMs: startMs + lengthMs }, nowMs, `the release --at ${text} (with --length)`);
  });
}

function parseArgFlags(values: readonly string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (const text of values) {
    const eq = text.indexOf('=');
    const name = eq < 0 ? '' : text.slice(0, eq).trim();
    if (name === '') throw badInput(`--arg takes NAME=VALUE, not "${text}"`);
    if (args.has(name)) throw badInput(`--arg ${name} is given twice`);
    args.set(name, text.slice(eq + 1));
  }
  return args;
}

function parsePrometheus(text: string | undefined): string {
  if (text === undefined) throw badInput('needs --prometheus URL, e.g. --prometheus http://127.0.0.1:9090');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badInput(`--prometheus "${text}" is not a URL, e.g. http://127.0.0.1:9090`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput(`--prometheus must be an http or https URL, not "${text}"`);
  return text.replace(/\/+$/, '');
}

function parseOutput(value: string | undefined): BacktestArgs['output'] {
  if (value === undefined || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw badInput(`-o takes text or json, not "${value}"`);
}

function parseTimeoutSeconds(text: string | undefined): number {
  const ms = durationFlag('timeout', text, DEFAULT_TIMEOUT_MS) ?? DEFAULT_TIMEOUT_MS;
  if (ms > 60_000) throw badInput('--timeout is at most 60s (as a metric\'s timeout)');
  return Math.max(1, Math.ceil(ms / 1000));
}

function parseValues(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw badInput(`${(error as Error).message}. Run \`kanary backtest --help\`.`);
  }
}

function parseWindows(values: ReturnType<typeof parseValues>, nowMs: number): BacktestWindow[] {
  const lengthMs = durationFlag('length', values.length, DEFAULT_LENGTH_MS) ?? DEFAULT_LENGTH_MS;
  const windows = [...rangeWindows(values.from ?? [], values.to ?? [], nowMs), ...releaseWindows(values.at ?? [], lengthMs, nowMs)];
  if (windows.length === 0) throw badInput('needs a window: --from TIME --to TIME (repeatable), or --at TIME (a release time, repeatable) with --length');
  if (values.length !== undefined && (values.at ?? []).length === 0) throw badInput('--length applies to --at release times; give --at TIME');
  return windows;
}

export function parseBacktestArgs(argv: readonly string[], nowMs: number): BacktestArgs {
  const values = parseValues(argv);
  const files = values.filename ?? [];
  if (files.length === 0) throw badInput('needs -f TEMPLATE.yaml (an AnalysisTemplate or ClusterAnalysisTemplate)');
  const prometheus = parsePrometheus(values.prometheus);
  const windows = parseWindows(values, nowMs);
  const stepMs = durationFlag('step', values.step);
  return { files, prometheus, windows, stepMs, timeoutSeconds: parseTimeoutSeconds(values.timeout), args: parseArgFlags(values.arg ?? []), output: parseOutput(values.output) };
}
