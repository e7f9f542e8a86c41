// A small, safe JSONPath subset for the web provider's `jsonPath` (`{$.data.ok}`,
// `$.items[0].value`, `$['a key']`, `$.items[*].v`). Only own properties are visited.

export type JsonPathResult = { ok: true; value: unknown } | { ok: false; message: string };

type Segment = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

const SEGMENT = /^(?:\.([A-Za-z_$][\w$-]*)|\[(-?\d+)\]|\['([^']*)'\]|\["([^"]*)"\]|\[\*\]|\.\*)/;

function segmentFrom(match: RegExpExecArray): Segment {
  const [, dotKey, index, single, double] = match;
  if (dotKey !== undefined) return { kind: 'key', key: dotKey };
  if (index !== undefined) return { kind: 'index', index: Number(index) };
  const quoted = single ?? double;
  return quoted === undefined ? { kind: 'wildcard' } : { kind: 'key', key: quoted };
}

/** Parses `{$.a.b[0]}` or `$.a.b[0]` into segments; undefined with a reason when invalid. */
export function parseJsonPath(path: string): { ok: true; segments: Segment[] } | { ok: false; message: string } {
  let rest = path.trim();
  if (rest.startsWith('{') && rest.endsWith('}')) rest = rest.slice(1, -1).trim();
  if (!rest.startsWith('$')) return { ok: false, message: `jsonPath "${path}" must start with $` };
  rest = rest.slice(1);
  const segments: Segment[] = [];
  while (rest !== '') {
    const match = SEGMENT.exec(rest);
    if (match === null) {
      return { ok: false, message: `jsonPath "${path}" is not supported at "${rest}"` };
    }
    segments.push(segmentFrom(match));
    rest = rest.slice(match[0].length);
  }
  return { ok: true, segments };
}

function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value !== null && typeof value === 'object' ? Object.values(value) : [];
}

function atIndex(value: unknown, index: number): unknown[] {
  if (!Array.isArray(value)) return [];
  const i = index < 0 ? value.length + index : index;
  return i >= 0 && i < value.length ? [value[i]] : [];
}

function atKey(value: unknown, key: string): unknown[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.prototype.hasOwnProperty.call(value, key) ? [(value as Record<string, unknown>)[key]] : [];
}

function step(values: unknown[], segment: Segment): unknown[] {
  return values.flatMap((value) => {
    if (segment.kind === 'wildcard') return children(value);
    if (segment.kind === 'index') return atIndex(value, segment.index);
    return atKey(value, segment.key);
  });
}

/** Every value the path reaches (none when it matches nothing); a wildcard may reach many. */
export function selectJsonPathMatches(document: unknown, path: string): { ok: true; values: unknown[]; isList: boolean } | { ok: false; message: string } {
  const parsed = parseJsonPath(path);
  if (!parsed.ok) return parsed;
  const values = parsed.segments.reduce<unknown[]>((current, segment) => step(current, segment), [document]);
  return { ok: true, values, isList: parsed.segments.some((s) => s.kind === 'wildcard') };
}

/** Selects the value at the path; a wildcard yields a list; no match is an error. */
export function selectJsonPath(document: unknown, path: string): JsonPathResult {
  const matched = selectJsonPathMatches(document, path);
  if (!matched.ok) return matched;
  const { values, isList } = matched;
  if (isList) return { ok: true, value: values };
  if (values.length === 0) return { ok: false, message: `jsonPath "${path}" matched nothing in the response` };
  return { ok: true, value: values[0] };
}
