/**
 * Does a request match a Mapping group's criteria, and what path goes upstream. Matching follows
 * Envoy as Emissary configures it: prefix (string prefix, case-sensitive unless told otherwise, or
 * a full-path regex with prefix_regex), method, `:authority` from hostname (exact or `*`-glob,
 * port ignored; it wins over host) or else host (exact, or regex), headers and query parameters
 * (exact, presence, or regex).
 */
import type { EdgeMapping, HeaderMatch } from './edge-mapping.js';

export interface RequestInfo {
  method: string;
  /** Path with its query string, as received. */
  url: string;
  /** The Host header (`:authority`), possibly with a port. */
  host: string;
  /** Lower-case header names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
}

function splitUrl(url: string): { path: string; query: string } {
  const at = url.indexOf('?');
  return at < 0 ? { path: url, query: '' } : { path: url.slice(0, at), query: url.slice(at) };
}

function fullMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}

function matchValue(expected: { value?: string; regex: boolean }, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  if (expected.value === undefined) return true;
  return expected.regex ? fullMatch(expected.value, actual) : expected.value === actual;
}

function headerValue(headers: RequestInfo['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

function withoutPort(host: string): string {
  return host.replace(/:\d+$/, '').toLowerCase();
}

/** `*` matches every host, `*.example.com` any subdomain, anything else exactly (no port). */
export function matchHostname(pattern: string, host: string): boolean {
  const bare = withoutPort(host);
  const wanted = pattern.toLowerCase();
  if (wanted === '*') return true;
  if (wanted.startsWith('*')) return bare.endsWith(wanted.slice(1));
  if (wanted.endsWith('*')) return bare.startsWith(wanted.slice(0, -1));
  return bare === withoutPort(wanted);
}

/** `hostname` (a glob) wins over `host`, as Emissary folds both into one `:authority` match. */
function matchHost(mapping: EdgeMapping, host: string): boolean {
  if (mapping.hostname !== undefined && mapping.hostname !== '') return matchHostname(mapping.hostname, host);
  if (mapping.host === undefined || mapping.host === '') return true;
  if (mapping.hostRegex) return fullMatch(mapping.host, host);
  return mapping.host.toLowerCase() === host.toLowerCase() || withoutPort(mapping.host) === withoutPort(host);
}

function matchPrefix(mapping: EdgeMapping, path: string): boolean {
  if (mapping.prefixRegex) return fullMatch(mapping.prefix, path);
  if (mapping.caseSensitive) return path.startsWith(mapping.prefix);
  return path.toLowerCase().startsWith(mapping.prefix.toLowerCase());
}

function matchQuery(matches: HeaderMatch[], query: string): boolean {
  if (matches.length === 0) return true;
  const params = new URLSearchParams(query);
  return matches.every((m) => matchValue(m, params.get(m.name) ?? undefined));
}

function matchMethod(mapping: EdgeMapping, method: string): boolean {
  if (mapping.method === undefined) return true;
  return matchValue({ value: mapping.method, regex: mapping.methodRegex }, method);
}

/** Whether the request satisfies every match criterion of the Mapping (and so of its group). */
export function matchesRequest(mapping: EdgeMapping, request: RequestInfo): boolean {
  const { path, query } = splitUrl(request.url);
  return matchPrefix(mapping, path)
    && matchMethod(mapping, request.method)
    && matchHost(mapping, request.host)
    && mapping.headers.every((h) => matchValue(h, headerValue(request.headers, h.name)))
    && matchQuery(mapping.queryParameters, query);
}

function applyRegexRewrite(rewrite: { pattern: string; substitution: string }, path: string): string {
  try {
    return path.replace(new RegExp(rewrite.pattern, 'g'), rewrite.substitution.replace(/\\(\d)/g, '$$$1'));
  } catch {
    return path;
  }
}

/**
 * The URL sent upstream: with a plain prefix, the matched prefix is replaced by `rewrite`
 * (Emissary's default `/`; '' keeps the path); regex_rewrite wins when set. The query is kept.
 */
export function rewriteUrl(mapping: EdgeMapping, url: string): string {
  const { path, query } = splitUrl(url);
  if (mapping.regexRewrite) return applyRegexRewrite(mapping.regexRewrite, path) + query;
  if (mapping.rewrite === '' || mapping.prefixRegex) return url;
  return mapping.rewrite + path.slice(mapping.prefix.length) + query;
}
