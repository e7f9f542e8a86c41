/**
 * RFC 7386 JSON merge patch computation: the smallest patch that turns `live` into `desired`
 * (keys missing from `desired` become `null`, nested objects recurse, arrays and scalars are
 * replaced whole). Pure.
 */

export type JsonObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality over JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => jsonEqual(a[key], b[key]));
  }
  return false;
}

function diffValue(live: unknown, desired: unknown): unknown {
  if (isPlainObject(live) && isPlainObject(desired)) return createMergePatch(live, desired) ?? undefined;
  return jsonEqual(live, desired) ? undefined : desired;
}

/** The merge patch from `live` to `desired`, or undefined when they are equal. */
export function createMergePatch(live: JsonObject, desired: JsonObject): JsonObject | undefined {
  const patch: JsonObject = {};
  for (const key of Object.keys(live)) {
    if (desired[key] === undefined && live[key] !== undefined) patch[key] = null;
  }
  for (const [key, value] of Object.entries(desired)) {
    if (value === undefined) continue;
    const change = diffValue(live[key], value);
    if (change !== undefined) patch[key] = change;
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}
