// `{{args.name}}` substitution for metric fields (SPEC §4). Secret-valued arguments are
// substituted into what is sent but shown as `***` in anything recorded or logged.
import type { Argument, Header, Metric, SecretKeyRef } from '../api/analysis.js';

export interface ResolvedArg {
  name: string;
  /** Undefined when the argument was declared without a value and none was supplied. */
  value?: string;
  secret: boolean;
}

export type SubstituteResult = { ok: true; text: string; redacted: string } | { ok: false; message: string };

export const REDACTED = '***';
const PLACEHOLDER = /\{\{\s*args\.([^}\s]+)\s*\}\}/g;

function lookup(args: readonly ResolvedArg[], name: string): ResolvedArg | string {
  const arg = args.find((a) => a.name === name);
  if (arg === undefined) return `argument "${name}" is not defined`;
  if (arg.value === undefined) return `argument "${name}" has no value`;
  return arg;
}

/** Replaces every `{{args.name}}`; a missing or valueless argument is an error naming it. */
export function substituteArgs(text: string, args: readonly ResolvedArg[]): SubstituteResult {
  const problems: string[] = [];
  const render = (redact: boolean) =>
    text.replace(PLACEHOLDER, (whole: string, name: string) => {
      const found = lookup(args, name);
      if (typeof found === 'string') {
        if (!redact) problems.push(found);
        return whole;
      }
      return redact && found.secret ? REDACTED : (found.value ?? '');
    });
  const rendered = render(false);
  if (problems.length > 0) return { ok: false, message: [...new Set(problems)].join('; ') };
  return { ok: true, text: rendered, redacted: render(true) };
}

/** Names referenced as `{{args.name}}` in the text. */
export function findArgReferences(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

/** Values that must never appear in messages: secret arguments. */
export function secretValues(args: readonly ResolvedArg[]): string[] {
  return args.filter((a) => a.secret && a.value !== undefined && a.value !== '').map((a) => a.value ?? '');
}

/** Replaces each sensitive value in the text with `***`. */
export function redact(text: string, sensitive: readonly string[]): string {
  return sensitive.reduce((out, value) => (value === '' ? out : out.split(value).join(REDACTED)), text);
}

export type SecretReader = (ref: SecretKeyRef, namespace: string) => Promise<string | undefined>;

export interface ResolveArgsOptions {
  namespace: string;
  readSecret?: SecretReader;
}

async function resolveOne(arg: Argument, options: ResolveArgsOptions): Promise<ResolvedArg | string> {
  const ref = arg.valueFrom?.secretKeyRef;
  if (ref === undefined) return { name: arg.name, value: arg.value, secret: false };
  if (options.readSecret === undefined) return `argument "${arg.name}": no Secret reader configured`;
  try {
    const value = await options.readSecret(ref, options.namespace);
    if (value === undefined) return `argument "${arg.name}": Secret ${options.namespace}/${ref.name} has no key "${ref.key}"`;
    return { name: arg.name, value, secret: true };
  } catch (error) {
    return `argument "${arg.name}": cannot read Secret ${options.namespace}/${ref.name}: ${(error as Error).message}`;
  }
}

/** Reads Secret-backed arguments; errors are returned as data, never thrown. */
export async function resolveArgs(
  args: readonly Argument[],
  options: ResolveArgsOptions,
): Promise<{ ok: true; args: ResolvedArg[] } | { ok: false; message: string }> {
  const resolved = await Promise.all(args.map((arg) => resolveOne(arg, options)));
  const problems = resolved.filter((r): r is string => typeof r === 'string');
  if (problems.length > 0) return { ok: false, message: problems.join('; ') };
  return { ok: true, args: resolved as ResolvedArg[] };
}

const SENSITIVE_HEADER = /authorization|token|secret|key|cookie|password/i;

/** Substitutes args into header values; values of credential-like headers are marked sensitive. */
export function resolveHeaders(
  headers: readonly Header[],
  args: readonly ResolvedArg[],
): { ok: true; headers: Record<string, string>; sensitive: string[] } | { ok: false; message: string } {
  const out: Record<string, string> = {};
  const sensitive: string[] = [];
  for (const header of headers) {
    const value = substituteArgs(header.value, args);
    if (!value.ok) return { ok: false, message: `header ${header.key}: ${value.message}` };
    out[header.key] = value.text;
    if (SENSITIVE_HEADER.test(header.key)) sensitive.push(value.text);
  }
  return { ok: true, headers: out, sensitive };
}

/**
 * Everything that must never be recorded for this metric: secret-sourced argument values and the
 * values of credential-like headers (after substitution).
 */
export function sensitiveValuesFor(metric: Metric, args: readonly ResolvedArg[]): string[] {
  const headers = [...(metric.provider.prometheus?.headers ?? []), ...(metric.provider.web?.headers ?? [])];
  const resolved = resolveHeaders(headers, args);
  return [...secretValues(args), ...(resolved.ok ? resolved.sensitive : [])].filter((v) => v !== '');
}
