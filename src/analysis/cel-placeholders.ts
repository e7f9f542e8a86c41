// Backward compatibility for `{{args.name}}` in CEL conditions: the placeholders are rewritten into
// references to the `args` / `argText` variables at parse time. No argument VALUE ever becomes part
// of the expression text, so a value such as `0.0 || true` stays a value (docs/analysis.md).
//
//   result[0] >= {{args.threshold}}          ->  result[0] >= args.threshold
//   result.status == "{{args.want}}"          ->  result.status == (argText.want)
//   result.url == "http://{{args.host}}/x"   ->  result.url == ("http://" + argText.host + "/x")

export type RewriteResult =
  | { ok: true; text: string; names: string[] }
  | { ok: false; message: string };

const PLACEHOLDER = /^\{\{\s*args\.([^}\s]+)\s*\}\}/;
const ARG_NAME = /^[A-Za-z0-9_.-]+$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IDENTIFIER_CHAR = /[A-Za-z0-9_]/;

/** `args.name` when the name is a CEL identifier, `args["my-arg"]` otherwise. */
export function argReference(variable: 'args' | 'argText', name: string): string {
  return IDENTIFIER.test(name) ? `${variable}.${name}` : `${variable}[${JSON.stringify(name)}]`;
}

interface Literal {
  /** `r`, `b`, `rb`... as written. */
  prefix: string;
  quote: string;
  /** Index just past the closing quote. */
  end: number;
  /** Source text between the quotes. */
  body: string;
}

function literalPrefixAt(text: string, i: number): string | undefined {
  const match = /^[rRbB]{0,2}(?=['"])/.exec(text.slice(i, i + 3));
  if (match === null) return undefined;
  const before = i > 0 ? text[i - 1] ?? '' : '';
  return IDENTIFIER_CHAR.test(before) && match[0] !== '' ? undefined : match[0];
}

/** Reads a CEL string or bytes literal starting at `i` (its prefix included). */
function readLiteral(text: string, i: number, prefix: string): Literal | undefined {
  const start = i + prefix.length;
  const q = text[start] ?? '';
  const quote = text.startsWith(q.repeat(3), start) ? q.repeat(3) : q;
  const raw = /r/i.test(prefix);
  let j = start + quote.length;
  while (j < text.length) {
    if (text.startsWith(quote, j)) return { prefix, quote, end: j + quote.length, body: text.slice(start + quote.length, j) };
    j += !raw && text[j] === '\\' ? 2 : 1;
  }
  return undefined;
}

function placeholderName(match: RegExpExecArray): string | { error: string } {
  const name = match[1] ?? '';
  return ARG_NAME.test(name) ? name : { error: `"${match[0]}" is not a valid argument reference` };
}

/** Splits a literal body at its placeholders: a concatenation of literal pieces and `argText` references. */
function rewriteLiteral(literal: Literal, names: string[]): string | { error: string } {
  const parts: string[] = [];
  let piece = '';
  let i = 0;
  while (i < literal.body.length) {
    const match = literal.body[i] === '{' ? PLACEHOLDER.exec(literal.body.slice(i)) : null;
    if (match === null) {
      piece += literal.body[i];
      i += 1;
      continue;
    }
    const name = placeholderName(match);
    if (typeof name !== 'string') return name;
    if (/b/i.test(literal.prefix)) return { error: `{{args.${name}}} cannot be used inside a bytes literal` };
    if (piece !== '') parts.push(`${literal.prefix}${literal.quote}${piece}${literal.quote}`);
    parts.push(argReference('argText', name));
    names.push(name);
    piece = '';
    i += match[0].length;
  }
  if (piece !== '') parts.push(`${literal.prefix}${literal.quote}${piece}${literal.quote}`);
  return `(${parts.join(' + ')})`;
}

function literalHasPlaceholder(literal: Literal): boolean {
  return /\{\{\s*args\./.test(literal.body);
}

interface Step {
  emitted: string;
  next: number;
}

function stepLiteral(text: string, i: number, prefix: string, names: string[]): Step | { error: string } {
  const literal = readLiteral(text, i, prefix);
  if (literal === undefined) return { emitted: text.slice(i), next: text.length };
  if (!literalHasPlaceholder(literal)) return { emitted: text.slice(i, literal.end), next: literal.end };
  const rewritten = rewriteLiteral(literal, names);
  return typeof rewritten === 'string' ? { emitted: rewritten, next: literal.end } : rewritten;
}

function stepAt(text: string, i: number, names: string[]): Step | { error: string } {
  if (text.startsWith('//', i)) {
    const end = text.indexOf('\n', i);
    const next = end === -1 ? text.length : end;
    return { emitted: text.slice(i, next), next };
  }
  const prefix = literalPrefixAt(text, i);
  if (prefix !== undefined) return stepLiteral(text, i, prefix, names);
  const match = text[i] === '{' ? PLACEHOLDER.exec(text.slice(i)) : null;
  if (match === null) return { emitted: text[i] ?? '', next: i + 1 };
  const name = placeholderName(match);
  if (typeof name !== 'string') return name;
  names.push(name);
  return { emitted: argReference('args', name), next: i + match[0].length };
}

/**
 * Rewrites every `{{args.name}}` of a CEL expression into a variable reference: outside string
 * literals `args.name` (the typed value), inside one a concatenation with `argText.name` (the text).
 */
export function rewriteArgPlaceholders(expression: string): RewriteResult {
  const names: string[] = [];
  let out = '';
  let i = 0;
  while (i < expression.length) {
    const step = stepAt(expression, i, names);
    if ('error' in step) return { ok: false, message: step.error };
    out += step.emitted;
    i = step.next;
  }
  return { ok: true, text: out, names: [...new Set(names)] };
}
