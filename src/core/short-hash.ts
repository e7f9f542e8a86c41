/**
 * Canonical JSON (object keys sorted at every level, so key order never changes the text) and a
 * short DNS-safe hash of it: 64-bit FNV-1a encoded in a 27-letter alphabet without vowels (no
 * accidental words) and without look-alike characters. Pure: no node:crypto.
 */

export const HASH_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export const HASH_LENGTH = 10;

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;

function sortValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortValue);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortValue(v)]));
  }
  return value;
}

/** JSON with sorted keys; `undefined` members are dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortValue(value)) ?? 'null';
}

function fnv1a64(text: string): bigint {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  return hash;
}

/** A HASH_LENGTH-character DNS-label-safe hash of `text`. */
export function computeShortHash(text: string): string {
  let n = fnv1a64(text);
  const base = BigInt(HASH_ALPHABET.length);
  let out = '';
  for (let i = 0; i < HASH_LENGTH; i += 1) {
    out += HASH_ALPHABET[Number(n % base)];
    n /= base;
  }
  return out;
}
