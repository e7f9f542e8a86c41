// `{{args.name}}` in a PromQL query (docs/analysis.md, "What args can do in a query"). Unlike
// CEL, PromQL has no variables, so values are substituted into the text, but never as free text:
//   - inside a "..." or '...' string literal the value is escaped (backslash, the quote, control
//     characters), so it stays inside that literal whatever it contains;
//   - inside a `...` raw string a value containing a backtick is refused;
//   - outside string literals only a number, a duration or a name is accepted
//     ([+-]? then letters, digits, `_`, `:`, `.`), e.g. `5m`, `0.95`, `http_requests_total`
//     (in a `#` comment too: a value cannot end the comment with a newline).
import { REDACTED, type ResolvedArg, type SubstituteResult } from './args.js';

const PLACEHOLDER = /^\{\{\s*args\.([^}\s]+)\s*\}\}/;
const BARE_VALUE = /^[+-]?[A-Za-z0-9_:.]+$/;

type Context = { kind: 'code' } | { kind: 'comment' } | { kind: 'string'; quote: '"' | "'" } | { kind: 'raw' };

/** Escapes a value for a PromQL double- or single-quoted string (Go string-literal rules). */
export function escapePromqlString(value: string, quote: '"' | "'"): string {
  let out = '';
  for (const ch of value) {
    if (ch === '\\' || ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ' || ch === '\u007f') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

/** Why a value cannot go where the placeholder is, or undefined when it can. */
function unfit(arg: ResolvedArg, value: string, context: Context): string | undefined {
  if (context.kind === 'raw') {
    return value.includes('`') ? `argument "${arg.name}" contains a backtick and is used inside a \`raw\` PromQL string` : undefined;
  }
  if (context.kind === 'string' || BARE_VALUE.test(value)) return undefined;
  return `argument "${arg.name}" is used outside a PromQL string literal, where only a number, a duration or a name is accepted (letters, digits, _ : .); quote it in the query or fix its value`;
}

function render(arg: ResolvedArg, context: Context, redact: boolean): string | { problem: string } {
  const value = arg.value ?? '';
  const problem = unfit(arg, value, context);
  if (problem !== undefined) return { problem };
  if (redact && arg.secret) return REDACTED;
  return context.kind === 'string' ? escapePromqlString(value, context.quote) : value;
}

function fromCode(ch: string): Context | undefined {
  if (ch === '"' || ch === "'") return { kind: 'string', quote: ch };
  if (ch === '#') return { kind: 'comment' };
  return ch === '`' ? { kind: 'raw' } : undefined;
}

/** The lexical context after `ch`, for the small part of PromQL that matters here. */
function nextContext(context: Context, ch: string, escaped: boolean): Context {
  switch (context.kind) {
    case 'code':
      return fromCode(ch) ?? context;
    case 'comment':
      return ch === '\n' ? { kind: 'code' } : context;
    case 'string':
      return !escaped && ch === context.quote ? { kind: 'code' } : context;
    default:
      return ch === '`' ? { kind: 'code' } : context;
  }
}

function lookupArg(args: readonly ResolvedArg[], name: string): ResolvedArg | string {
  const arg = args.find((a) => a.name === name);
  if (arg === undefined) return `argument "${name}" is not defined`;
  return arg.value === undefined ? `argument "${name}" has no value` : arg;
}

interface Rendering { text: string; problems: string[] }

function substitutePlaceholder(query: string, i: number, state: { context: Context; args: readonly ResolvedArg[]; redact: boolean; out: Rendering }): number | undefined {
  const match = PLACEHOLDER.exec(query.slice(i));
  if (match === null) return undefined;
  const arg = lookupArg(state.args, match[1] ?? '');
  const rendered = typeof arg === 'string' ? { problem: arg } : render(arg, state.context, state.redact);
  if (typeof rendered === 'string') state.out.text += rendered;
  else {
    state.out.problems.push(rendered.problem);
    state.out.text += match[0];
  }
  return i + match[0].length;
}

function renderQuery(query: string, args: readonly ResolvedArg[], redact: boolean): Rendering {
  const state = { context: { kind: 'code' } as Context, args, redact, out: { text: '', problems: [] } as Rendering };
  let escaped = false;
  let i = 0;
  while (i < query.length) {
    const next = query[i] === '{' && !escaped ? substitutePlaceholder(query, i, state) : undefined;
    if (next !== undefined) {
      i = next;
      continue;
    }
    const ch = query[i] ?? '';
    state.out.text += ch;
    const wasEscaped = escaped;
    escaped = state.context.kind === 'string' && !escaped && ch === '\\';
    state.context = nextContext(state.context, ch, wasEscaped);
    i += 1;
  }
  return state.out;
}

/** Substitutes args into a PromQL query with the rules above; `redacted` shows secrets as `***`. */
export function substitutePromqlArgs(query: string, args: readonly ResolvedArg[]): SubstituteResult {
  const rendered = renderQuery(query, args, false);
  if (rendered.problems.length > 0) return { ok: false, message: [...new Set(rendered.problems)].join('; ') };
  return { ok: true, text: rendered.text, redacted: renderQuery(query, args, true).text };
}
