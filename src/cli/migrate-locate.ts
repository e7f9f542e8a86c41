/**
 * Maps a problem's field path (`spec.strategy.canary.steps[2].setWeight`, as src/api/problems.ts
 * formats it) back to a place in the YAML source through the parsed Document's node ranges. Pure.
 */
import type { Pair, YAMLMap } from 'yaml';
import { isMap, isScalar, isSeq } from 'yaml';
import type { ParsedYamlDocument } from './migrate-documents.js';

type Token = string | number;

/** `spec.steps[2].setWeight` → ['spec', 'steps', 2, 'setWeight']. */
export function tokenizePath(path: string): Token[] {
  const tokens: Token[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) tokens.push(Number(match[2]));
    else if (match[1] !== undefined) tokens.push(match[1]);
  }
  return tokens;
}

interface Step {
  /** Where the matched field starts: the key of a map entry, the item of a list. */
  offset: number;
  node: unknown;
  consumed: number;
}

function offsetOf(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] | null } | null)?.range;
  return range ? range[0] : undefined;
}

/** The entry of `map` whose key is the scalar `key`. */
export function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
}

/**
 * A map key may itself contain dots (`app.kubernetes.io/name`): try the longest run of the
 * remaining string tokens first.
 */
function stepIntoMap(map: YAMLMap, tokens: readonly Token[]): Step | undefined {
  let run = 0;
  while (run < tokens.length && typeof tokens[run] === 'string') run += 1;
  for (let length = run; length >= 1; length -= 1) {
    const pair = findPair(map, tokens.slice(0, length).join('.'));
    const offset = offsetOf(pair?.key);
    if (pair && offset !== undefined) return { offset, node: pair.value, consumed: length };
  }
  return undefined;
}

function stepInto(node: unknown, tokens: readonly Token[]): Step | undefined {
  const head = tokens[0];
  if (isMap(node) && typeof head === 'string') return stepIntoMap(node, tokens);
  if (isSeq(node) && typeof head === 'number') {
    const item: unknown = node.items[head];
    const offset = offsetOf(item);
    return offset === undefined ? undefined : { offset, node: item, consumed: 1 };
  }
  return undefined;
}

export interface Located {
  offset: number;
  /** False when the path ends below what the document has (a required field that is missing): then the nearest existing parent. */
  exact: boolean;
}

/** The source offset of the field at `path`, or of its nearest existing parent. */
export function locatePath(document: ParsedYamlDocument, path: string): Located {
  let tokens = tokenizePath(path);
  let node: unknown = document.contents;
  let offset = offsetOf(document.contents) ?? document.range[0];
  while (tokens.length > 0) {
    const step = stepInto(node, tokens);
    if (!step) return { offset, exact: false };
    offset = step.offset;
    node = step.node;
    tokens = tokens.slice(step.consumed);
  }
  return { offset, exact: true };
}
