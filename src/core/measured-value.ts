/**
 * Measured values for people (pure): `0.9166666666666666` reads `0.917`, `19.599999999999973`
 * reads `19.6`, and a unit is added where the query implies one (a latency histogram quantile in
 * seconds, a ratio of two rates). The raw JSON text stays on the AnalysisRun and in `-o json`.
 */

export type ValueUnit = 'seconds' | 'milliseconds' | 'bytes' | 'ratio';

/** Significant digits kept; integer digits are never dropped (`1234.5` reads `1235`). */
const SIGNIFICANT_DIGITS = 3;

/** A number rounded to what matters: 3 significant digits, integer part kept, no trailing zeros. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return '0';
  if (Math.abs(value) >= 10 ** SIGNIFICANT_DIGITS) return String(Math.round(value));
  return String(Number(value.toPrecision(SIGNIFICANT_DIGITS)));
}

const DIVISION = /\)\s*\/\s*(\(|sum|rate|increase|count|avg|max|min|irate|scalar|[a-z_:]+\s*[({])/i;

function quantileUnit(text: string): ValueUnit | undefined {
  if (/_seconds(_bucket)?\b/i.test(text)) return 'seconds';
  return /_(milliseconds|ms)(_bucket)?\b/i.test(text) ? 'milliseconds' : undefined;
}

/** The unit a PromQL query (or metric name) implies, if any. */
export function inferValueUnit(query: string | undefined, metricName = ''): ValueUnit | undefined {
  const text = `${query ?? ''} ${metricName}`;
  if (/histogram_quantile|_quantile|quantile_over_time/i.test(text)) return quantileUnit(text);
  if (/_(seconds|milliseconds|ms)_sum\b/i.test(text)) return quantileUnit(text.replace(/_sum\b/gi, ''));
  if (query !== undefined && DIVISION.test(query)) return 'ratio';
  return /_bytes\b/i.test(text) && !/rate\(|increase\(/i.test(text) ? 'bytes' : undefined;
}

function withBytes(value: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let scaled = value;
  let index = 0;
  while (Math.abs(scaled) >= 1024 && index < units.length - 1) {
    scaled /= 1024;
    index += 1;
  }
  return `${formatNumber(scaled)} ${units[index] ?? 'B'}`;
}

function withTime(value: number, unit: 'seconds' | 'milliseconds'): string {
  const seconds = unit === 'seconds' ? value : value / 1000;
  return Math.abs(seconds) < 1 && seconds !== 0 ? `${formatNumber(seconds * 1000)} ms` : `${formatNumber(seconds)} s`;
}

/** One number with its unit: `245 ms`, `1.2 s`, `0.917 (91.7%)`, `3.5 MiB`. */
export function formatWithUnit(value: number, unit: ValueUnit | undefined): string {
  if (!Number.isFinite(value) || unit === undefined) return formatNumber(value);
  if (unit === 'seconds' || unit === 'milliseconds') return withTime(value, unit);
  if (unit === 'bytes') return withBytes(value);
  return value >= 0 && value <= 1 ? `${formatNumber(value)} (${formatNumber(value * 100)}%)` : formatNumber(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isNumberList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'number');
}

/** Prometheus renders NaN and infinities as strings; measurements may keep them so. */
function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === '+Inf' || value === 'Inf') return Number.POSITIVE_INFINITY;
  if (value === '-Inf') return Number.NEGATIVE_INFINITY;
  return undefined;
}

/**
 * A measured value (the JSON text an AnalysisRun records) for people: a scalar or a one-element
 * vector as one rounded number with its unit, a longer vector as `[a, b, c]`, anything else (a web
 * provider's JSON) unchanged.
 */
export function formatMeasuredValue(text: string, unit?: ValueUnit): string {
  const parsed = parseJson(text);
  const scalar = asNumber(parsed);
  if (scalar !== undefined) return formatWithUnit(scalar, unit);
  if (Array.isArray(parsed) && parsed.length === 1 && asNumber(parsed[0]) !== undefined) return formatWithUnit(asNumber(parsed[0]) ?? 0, unit);
  if (isNumberList(parsed)) return `[${parsed.map((item) => formatWithUnit(item, unit)).join(', ')}]`;
  return text;
}
