/**
 * Stable order and de-duplication of `kanary lint` findings: by document, then by where each
 * field path sits in the document as written (key order of every map, index of every list), so
 * that the report reads top to bottom like the file.
 */
import type { Finding, YamlDocument } from './lint-documents.js';
import { isFields } from './lint-inventory.js';

/** After every written sibling: where a field the document lacks (e.g. "is required") goes. */
const ABSENT = Number.MAX_SAFE_INTEGER;

/** `spec.steps[2].setWeight` -> `['spec', 'steps', 2, 'setWeight']`. */
function pathTokens(path: string): (string | number)[] {
  return [...path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : (m[2] ?? '')));
}

/** The key made of the most leading tokens joined by dots (label keys such as `app.kubernetes.io/name`). */
function longestKey(fields: Record<string, unknown>, tokens: readonly (string | number)[]): { key: string; used: number } | undefined {
  for (let used = tokens.length; used >= 1; used -= 1) {
    const parts = tokens.slice(0, used);
    if (parts.some((p) => typeof p !== 'string')) continue;
    const key = parts.join('.');
    if (Object.hasOwn(fields, key)) return { key, used };
  }
  return undefined;
}

/** Where `path` sits in `value`: one number per level, compared left to right. */
export function pathPosition(value: unknown, path: string): number[] {
  const position: number[] = [];
  let current = value;
  let tokens = pathTokens(path);
  while (tokens.length > 0) {
    const [first] = tokens;
    if (typeof first === 'number') {
      if (!Array.isArray(current) || first >= current.length) return [...position, ABSENT];
      position.push(first);
      current = current[first] as unknown;
      tokens = tokens.slice(1);
      continue;
    }
    const found = isFields(current) ? longestKey(current, tokens) : undefined;
    if (!found || !isFields(current)) return [...position, ABSENT];
    position.push(Object.keys(current).indexOf(found.key));
    current = current[found.key];
    tokens = tokens.slice(found.used);
  }
  return position;
}

function comparePositions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

function findingKey(finding: Finding): string {
  return [finding.file, finding.doc ?? '', finding.line ?? '', finding.severity, finding.path, finding.message].join('\n');
}

/** Each finding once, in the order first found. */
export function uniqueFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = findingKey(finding);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * By file in the order given, then by document, then by path position in that document. Ties
 * (the same field) keep the order the checks found them in.
 */
export function orderFindings(findings: readonly Finding[], files: readonly string[], docs: readonly YamlDocument[]): Finding[] {
  const values = new Map(docs.map((doc) => [`${doc.file}#${doc.index}`, doc.value]));
  const fileOrder = new Map(files.map((file, index) => [file, index]));
  const keyed = findings.map((finding) => ({
    finding,
    file: fileOrder.get(finding.file) ?? files.length,
    position: pathPosition(values.get(`${finding.file}#${finding.doc ?? 0}`), finding.path),
  }));
  keyed.sort((a, b) => a.file - b.file || (a.finding.doc ?? 0) - (b.finding.doc ?? 0) || comparePositions(a.position, b.position));
  return keyed.map((k) => k.finding);
}
