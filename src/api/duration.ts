/**
 * Durations as Kanary and Argo Rollouts accept them: an integer or an integer string means
 * seconds; otherwise a Go-style duration (`30s`, `1m`, `1h30m`, `500ms`, `1.5h`).
 */

export type DurationResult = { ok: true; ms: number } | { ok: false; message: string };

export interface DurationOptions {
  /** When true, bare numbers (`30`, `"30"`) are rejected: a unit is mandatory. */
  requireUnit?: boolean;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|μs|ms|s|m|h))+$/;
const GO_PART = /(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h)/g;
const INTEGER = /^\d+$/;
const HINT = 'use whole seconds (30) or a Go-style duration such as 30s, 1m, 1h30m or 500ms';
const UNIT_HINT = 'a unit is required, e.g. 30s, 1m, 1h30m or 500ms';

function fail(message: string): DurationResult {
  return { ok: false, message };
}

function parseSeconds(seconds: number, requireUnit: boolean, shown: string): DurationResult {
  if (requireUnit) return fail(`${shown} has no unit: ${UNIT_HINT}.`);
  return { ok: true, ms: seconds * 1000 };
}

function parseNumber(input: number, requireUnit: boolean): DurationResult {
  if (!Number.isInteger(input) || input < 0) {
    return fail(`${input} is not a duration: ${HINT}.`);
  }
  return parseSeconds(input, requireUnit, String(input));
}

function sumGoDuration(text: string): number {
  let total = 0;
  for (const match of text.matchAll(GO_PART)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
  }
  return Math.round(total);
}

function parseString(input: string, requireUnit: boolean): DurationResult {
  const text = input.trim();
  if (text === '') return fail(`an empty string is not a duration: ${HINT}.`);
  if (INTEGER.test(text)) return parseSeconds(Number(text), requireUnit, `"${text}"`);
  if (!GO_DURATION.test(text)) return fail(`"${input}" is not a duration: ${HINT}.`);
  return { ok: true, ms: sumGoDuration(text) };
}

/** Parses a duration; never throws. `ms` is rounded to whole milliseconds. */
export function parseDuration(input: unknown, options: DurationOptions = {}): DurationResult {
  const requireUnit = options.requireUnit ?? false;
  if (typeof input === 'number') return parseNumber(input, requireUnit);
  if (typeof input === 'string') return parseString(input, requireUnit);
  return fail(`expected a duration (a number of seconds or a string like 30s), got ${describe(input)}.`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** Formats milliseconds the Go way, e.g. 90000 -> "1m30s", 500 -> "500ms", 0 -> "0s". */
export function formatDurationMs(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  const parts = [hours > 0 ? `${hours}h` : '', minutes > 0 ? `${minutes}m` : '', seconds > 0 ? `${seconds}s` : ''];
  return parts.join('');
}
