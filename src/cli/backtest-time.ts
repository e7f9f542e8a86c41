// Instants and durations as `kanary backtest` takes them. Pure: "now" comes in as an argument.
import { parseDuration } from '../api/duration.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const UNIX_SECONDS = /^\d{9,11}(?:\.\d+)?$/;
const RELATIVE = /^(?:now)?\s*-\s*(\S+)$/i;
const TIME_HINT = 'give RFC 3339 (2026-12-05T14:00:00Z), Unix seconds, `now`, or `now-2h` (also `-2h`, written --from=-2h)';

/** A positive Go-style duration with a unit (`30s`, `1m`, `1h30m`). */
export function parseBacktestDuration(text: string): Parsed<number> {
  const parsed = parseDuration(text, { requireUnit: true });
  if (!parsed.ok) return { ok: false, message: parsed.message };
  if (parsed.ms <= 0) return { ok: false, message: `"${text}" is not a positive duration` };
  return { ok: true, value: parsed.ms };
}

/** An instant in epoch ms: RFC 3339, Unix seconds, `now`, or `now-DURATION` / `-DURATION`. */
export function parseBacktestTime(text: string, nowMs: number): Parsed<number> {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'now') return { ok: true, value: nowMs };
  const relative = RELATIVE.exec(trimmed);
  if (relative !== null) {
    const duration = parseBacktestDuration(relative[1] ?? '');
    return duration.ok ? { ok: true, value: nowMs - duration.value } : { ok: false, message: `"${text}": ${duration.message}` };
  }
  if (UNIX_SECONDS.test(trimmed)) return { ok: true, value: Math.round(Number(trimmed) * 1000) };
  const ms = RFC3339.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(ms)) return { ok: false, message: `"${text}" is not a time: ${TIME_HINT}` };
  return { ok: true, value: ms };
}

/** `2026-12-05T14:00:00Z` (milliseconds only when there are some). */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
