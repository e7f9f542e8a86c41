// Secret values never leave the controller in any form it writes (status, messages, events, logs).
// A secret is searched for as written and in the encodings an echoing server or an error message
// is likely to use: JSON-escaped, URL-encoded (both cases of the hex digits, `+` for spaces),
// base64 (standard and URL-safe, at each of the three byte alignments inside a longer encoded
// string, as in `Authorization: Basic base64(user:secret)`) and hex.
import { REDACTED } from './args.js';

/** Bound on the recorded `value` of a measurement (characters, before the ellipsis). */
export const MAX_RECORDED_VALUE_CHARS = 256;
/** Base64 fragments shorter than this are not searched for (they would match unrelated text). */
const MIN_FRAGMENT = 6;

function base64Fragments(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const fragments: string[] = [];
  for (let offset = 0; offset < 3; offset += 1) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const encoded = padded.toString('base64').replace(/=+$/, '');
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const fragment = encoded.slice(start, end);
    if (fragment.length >= MIN_FRAGMENT) fragments.push(fragment, fragment.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return fragments;
}

function urlForms(secret: string): string[] {
  const component = encodeURIComponent(secret);
  const lowerHex = component.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  return [component, lowerHex, component.replace(/%20/g, '+'), encodeURI(secret)];
}

/** Every form of one secret to search for, longest first. */
export function secretForms(secret: string): string[] {
  if (secret === '') return [];
  const json = JSON.stringify(secret).slice(1, -1);
  const hex = Buffer.from(secret, 'utf8').toString('hex');
  const forms = [secret, json, JSON.stringify(json).slice(1, -1), ...urlForms(secret), ...base64Fragments(secret)];
  if (secret.length >= 3) forms.push(hex, hex.toUpperCase());
  return [...new Set(forms)].filter((f) => f !== '').sort((a, b) => b.length - a.length);
}

/** A function that replaces every form of every secret with `***`. */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const forms = [...new Set(secrets.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (text) => text;
  return (text) => forms.reduce((out, form) => (out.includes(form) ? out.split(form).join(REDACTED) : out), text);
}

/** Cuts a recorded text to `max` characters, saying so. */
export function truncate(text: string, max = MAX_RECORDED_VALUE_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters, truncated)` : text;
}

const MAX_STORED_LIST = 16;

function isScalar(value: unknown): boolean {
  return value === null || ['number', 'string', 'boolean', 'bigint'].includes(typeof value);
}

/**
 * The text recorded as a measurement's `value`: a scalar, or a list of at most 16 scalars, as JSON.
 * A map or a longer list (e.g. a whole web response without `jsonPath`) is summarised, not stored.
 */
export function recordedValue(value: unknown): string {
  if (value === undefined) return 'null';
  if (isScalar(value)) return typeof value === 'bigint' ? value.toString() : JSON.stringify(value);
  if (Array.isArray(value) && value.length <= MAX_STORED_LIST && value.every(isScalar)) return JSON.stringify(value);
  if (Array.isArray(value)) return `(a list of ${value.length} values, not recorded)`;
  return '(a map, not recorded: select a value with jsonPath)';
}
