/**
 * kanary-emissary-conversion: getambassador.io Mapping specs between v2 (Emissary 3.x storage) and
 * v3alpha1, following Emissary 3.10's documented v2⇄v3alpha1 field mapping. Written for Kanary's
 * local stack from the facts of Emissary's conversion (pkg/api/getambassador.io/v2/
 * handwritten.conversion.go at v3.10.0); NOT Emissary's own apiext and no code of it. Pure.
 *
 * Fields with the same name and shape in both versions are copied as they are; v2 keeps unknown
 * fields (its spec preserves them), v3alpha1's schema prunes what it does not declare.
 */

export type Spec = Record<string, unknown>;

/** v2 `host` that stands for "a v3alpha1 Mapping with neither hostname nor host". */
export const SKIP_EMPTY_HOST = '_skip_mapping_with_empty_host_';
/** Prefix v3alpha1→v2 puts on every ambassador_id, so Emissary 1.x (reading v2) ignores the object. */
export const AMBASSADOR_ID_MANGLE = '--apiVersion-v3alpha1-only--';

function isObject(value: unknown): value is Spec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** A copy of `spec` without the named keys. */
function without(spec: Spec, ...keys: string[]): Spec {
  const copy: Spec = { ...spec };
  for (const key of keys) delete copy[key];
  return copy;
}

/** Sets `key` to `value`, or removes it when the value is empty (Go's omitempty). */
function setOrDrop(spec: Spec, key: string, value: unknown): void {
  const empty = value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
    || (isObject(value) && Object.keys(value).length === 0);
  if (empty) delete spec[key];
  else spec[key] = value;
}

// ambassador_id ------------------------------------------------------------------------------

/** v2 allows a string or a list; v3alpha1 a list. The v3alpha1-only prefix is removed. */
export function ambassadorIdToV3alpha1(id: unknown): string[] | undefined {
  if (id === undefined || id === null) return undefined;
  const list = Array.isArray(id) ? id.map(String) : [String(id)];
  return list.map((item) => (item.startsWith(AMBASSADOR_ID_MANGLE) ? item.slice(AMBASSADOR_ID_MANGLE.length) : item));
}

/** Every id (`default` when none) gets the v3alpha1-only prefix. */
export function ambassadorIdToV2(id: unknown): string[] {
  const list = Array.isArray(id) ? id.map(String) : ['default'];
  return list.map((item) => AMBASSADOR_ID_MANGLE + (item.startsWith(AMBASSADOR_ID_MANGLE) ? item.slice(AMBASSADOR_ID_MANGLE.length) : item));
}

// tls and the service scheme -----------------------------------------------------------------

interface ParsedService {
  bare: string;
  scheme: string;
  https: boolean;
}

function parseService(service: string): ParsedService {
  const lower = service.toLowerCase();
  if (lower.startsWith('https://')) return { bare: service.slice(8), scheme: service.slice(0, 8), https: true };
  if (lower.startsWith('http://')) return { bare: service.slice(7), scheme: service.slice(0, 7), https: false };
  return { bare: service, scheme: '', https: false };
}

function explicitTlsOf(tls: unknown): string {
  if (tls === undefined) return '';
  if (tls === true) return 'bool:true';
  if (tls === false) return 'bool:false';
  if (tls === '') return 'string';
  return tls === null ? 'null' : '';
}

export interface V3alpha1Tls {
  tls?: string;
  service: string;
  v2ExplicitTLS?: { tls?: string; serviceScheme?: string };
}

/** v2 `tls` (bool, context name or absent) with `service` → v3alpha1 `tls`, `service`, `v2ExplicitTLS`. */
export function tlsToV3alpha1(tls: unknown, service: string): V3alpha1Tls {
  if (isNonEmptyString(tls)) return { tls, service, v2ExplicitTLS: {} };
  const parsed = parseService(service);
  const originate = parsed.https || tls === true;
  const explicitTls = explicitTlsOf(tls);
  const sameScheme = parsed.https === originate;
  const out: V3alpha1Tls = { service: sameScheme ? service : `https://${parsed.bare}` };
  if (explicitTls === '' && sameScheme) return out;
  const explicit: { tls?: string; serviceScheme?: string } = {};
  if (explicitTls !== '') explicit.tls = explicitTls;
  if (!sameScheme) explicit.serviceScheme = parsed.scheme;
  return { ...out, v2ExplicitTLS: explicit };
}

function tlsValueToV2(tls: string, explicit: Spec, originate: boolean): { tls?: unknown; truthy: boolean } {
  if (tls !== '') return { tls, truthy: true };
  switch (explicit.tls) {
    case 'null':
      return { tls: null, truthy: false };
    case 'bool:false':
      return { tls: false, truthy: false };
    case 'bool:true':
      return originate ? { tls: true, truthy: true } : { truthy: false };
    case 'string':
      return { tls: '', truthy: false };
    default:
      return { truthy: false };
  }
}

/** v3alpha1 `tls`, `service`, `v2ExplicitTLS` → v2 `tls` (absent when undefined) and `service`. */
export function tlsToV2(tls: string, service: string, explicitTls: unknown): { tls?: unknown; service: string } {
  const explicit = isObject(explicitTls) ? explicitTls : {};
  const parsed = parseService(service);
  const originate = parsed.https || tls !== '';
  const value = tlsValueToV2(tls, explicit, originate);
  const scheme = typeof explicit.serviceScheme === 'string' ? explicit.serviceScheme : undefined;
  const useScheme = scheme !== undefined && (value.truthy || (scheme.toLowerCase() === 'https://') === originate);
  const outService = useScheme ? scheme + parsed.bare : service;
  return 'tls' in value ? { tls: value.tls, service: outService } : { service: outService };
}

// headers and query parameters ---------------------------------------------------------------

interface V3Matches {
  exact?: Record<string, string>;
  regex?: Record<string, string>;
  boolNames?: string[];
}

/** v2 map of string-or-bool → v3alpha1 exact map; `true` becomes regex ".*" remembered by name. */
export function matchesToV3alpha1(v2: unknown, regex: unknown): V3Matches {
  const regexOut: Record<string, string> = isObject(regex) ? { ...(regex as Record<string, string>) } : {};
  const exact: Record<string, string> = {};
  const boolNames: string[] = [];
  for (const [name, value] of Object.entries(isObject(v2) ? v2 : {})) {
    if (typeof value === 'string') exact[name] = value;
    if (value !== true) continue;
    if (!(name in regexOut)) regexOut[name] = '.*';
    boolNames.push(name);
  }
  const out: V3Matches = {};
  if (Object.keys(exact).length > 0) out.exact = exact;
  if (Object.keys(regexOut).length > 0) out.regex = regexOut;
  if (boolNames.length > 0) out.boolNames = boolNames.sort();
  return out;
}

/** v3alpha1 exact map + regex map + remembered bool names → v2 map of string-or-bool and regex map. */
export function matchesToV2(exact: unknown, regex: unknown, boolNames: unknown): { exact?: Spec; regex?: Record<string, string> } {
  const exactOut: Spec = isObject(exact) ? { ...exact } : {};
  const regexOut: Record<string, string> = isObject(regex) ? { ...(regex as Record<string, string>) } : {};
  const names = Array.isArray(boolNames) ? boolNames.map(String) : [];
  for (const name of names) {
    const re = regexOut[name];
    if (re === undefined || name in exactOut) continue;
    exactOut[name] = true;
    if (re === '.*') delete regexOut[name];
  }
  const out: { exact?: Spec; regex?: Record<string, string> } = {};
  if (Object.keys(exactOut).length > 0) out.exact = exactOut;
  if (Object.keys(regexOut).length > 0) out.regex = regexOut;
  return out;
}

// add_request_headers / add_response_headers -------------------------------------------------

function addedHeaderToV3alpha1(value: unknown): Spec {
  if (typeof value === 'string') return { value, v2Representation: 'string' };
  if (isObject(value)) {
    const out: Spec = {};
    setOrDrop(out, 'value', value.value);
    if (typeof value.append === 'boolean') out.append = value.append;
    return out;
  }
  return { v2Representation: 'null' };
}

function addedHeaderToV2(value: unknown): unknown {
  const header = isObject(value) ? value : {};
  const text = typeof header.value === 'string' ? header.value : '';
  const hasAppend = typeof header.append === 'boolean';
  if (header.v2Representation === 'string' && !hasAppend) return text;
  if (header.v2Representation === 'null' && !hasAppend && text === '') return null;
  const full: Spec = {};
  setOrDrop(full, 'value', text);
  if (hasAppend) full.append = header.append;
  return full;
}

function mapValues(map: unknown, convert: (value: unknown) => unknown): Spec | undefined {
  if (!isObject(map)) return undefined;
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, convert(value)]));
}

// labels (rate-limit label specifiers) -------------------------------------------------------

const STRING_KEYS: Readonly<Record<string, string>> = {
  source_cluster: 'source_cluster',
  destination_cluster: 'destination_cluster',
  remote_address: 'remote_address',
};

function headerLabelToV3alpha1(label: Spec): Spec {
  const [key, header] = Object.entries(label)[0] ?? [];
  if (key === undefined || !isObject(header)) return {};
  const out: Spec = { key, header_name: String(header.header ?? '') };
  if (typeof header.omit_if_not_present === 'boolean') out.omit_if_not_present = header.omit_if_not_present;
  return { request_headers: out };
}

function labelToV3alpha1(label: unknown): Spec {
  if (typeof label === 'string') {
    const kind = STRING_KEYS[label];
    return kind ? { [kind]: { key: label } } : { generic_key: { value: label, v2Shorthand: true } };
  }
  if (!isObject(label)) return {};
  if (!('generic_key' in label)) return headerLabelToV3alpha1(label);
  const out: Spec = { value: String(label.generic_key) };
  if (isNonEmptyString(label.v3Key)) out.key = label.v3Key;
  return { generic_key: out };
}

function genericToV2(generic: Spec): unknown {
  if (generic.v2Shorthand === true && !isNonEmptyString(generic.key)) return String(generic.value ?? '');
  const out: Spec = { generic_key: String(generic.value ?? '') };
  if (isNonEmptyString(generic.key)) out.v3Key = generic.key;
  return out;
}

function labelToV2(label: unknown): unknown {
  const spec = isObject(label) ? label : {};
  for (const kind of Object.keys(STRING_KEYS)) {
    const value = spec[kind];
    if (isObject(value)) return String(value.key ?? kind);
  }
  const headers = spec.request_headers;
  if (isObject(headers)) {
    const inner: Spec = { header: String(headers.header_name ?? '') };
    if (typeof headers.omit_if_not_present === 'boolean') inner.omit_if_not_present = headers.omit_if_not_present;
    return { [String(headers.key ?? '')]: inner };
  }
  return isObject(spec.generic_key) ? genericToV2(spec.generic_key) : null;
}

/** labels: {domain: [{group: [specifier, ...]}, ...]}; each specifier converted. */
export function labelsConvert(labels: unknown, convert: (label: unknown) => unknown): Spec | undefined {
  if (!isObject(labels)) return undefined;
  const convertGroup = (group: unknown): unknown =>
    isObject(group)
      ? Object.fromEntries(Object.entries(group).map(([name, list]) => [name, Array.isArray(list) ? list.map(convert) : list]))
      : group;
  return Object.fromEntries(
    Object.entries(labels).map(([domain, groups]) => [domain, Array.isArray(groups) ? groups.map(convertGroup) : groups]),
  );
}

// host / hostname ----------------------------------------------------------------------------

/** v2 `host`/`host_regex` → v3alpha1 `hostname`, `host` (regex hosts only), `host_regex`. */
export function hostToV3alpha1(host: unknown, hostRegex: unknown): { hostname?: string; host?: string } {
  const value = typeof host === 'string' ? host : '';
  if (hostRegex === true) return value === '' ? {} : { host: value };
  if (value === '') return { hostname: '*' };
  if (value === SKIP_EMPTY_HOST) return {};
  return { hostname: value };
}

/** v3alpha1 `hostname`/`host`/`host_regex` → v2 `host` and `host_regex`. */
export function hostToV2(hostname: unknown, host: unknown, hostRegex: unknown): { host?: string; hostRegex?: boolean } {
  const regexOut = typeof hostRegex === 'boolean' ? hostRegex : undefined;
  const withRegex = (out: { host?: string }): { host?: string; hostRegex?: boolean } =>
    regexOut === undefined ? out : { ...out, hostRegex: regexOut };
  if (isNonEmptyString(hostname)) {
    const regex = regexOut === undefined ? undefined : false;
    const out: { host?: string; hostRegex?: boolean } = hostname === '*' ? {} : { host: hostname };
    return regex === undefined ? out : { ...out, hostRegex: regex };
  }
  if (isNonEmptyString(host)) {
    return withRegex(regexOut !== true && host === '*' ? {} : { host });
  }
  return withRegex(regexOut === true ? {} : { host: SKIP_EMPTY_HOST });
}

// whole specs --------------------------------------------------------------------------------

const V2_ONLY = ['host', 'host_regex', 'tls', 'headers', 'regex_headers', 'query_parameters', 'regex_query_parameters', 'v3StatsName', 'v3health_checks', 'hostname', 'stats_name', 'health_checks'];
const V3_ONLY = ['host', 'host_regex', 'hostname', 'tls', 'v2ExplicitTLS', 'headers', 'regex_headers', 'v2BoolHeaders', 'query_parameters', 'regex_query_parameters', 'v2BoolQueryParameters', 'stats_name', 'health_checks', 'v3StatsName', 'v3health_checks'];

function applyMatchesV3(out: Spec, v2: Spec): void {
  const headers = matchesToV3alpha1(v2.headers, v2.regex_headers);
  setOrDrop(out, 'headers', headers.exact);
  setOrDrop(out, 'regex_headers', headers.regex);
  setOrDrop(out, 'v2BoolHeaders', headers.boolNames);
  const query = matchesToV3alpha1(v2.query_parameters, v2.regex_query_parameters);
  setOrDrop(out, 'query_parameters', query.exact);
  setOrDrop(out, 'regex_query_parameters', query.regex);
  setOrDrop(out, 'v2BoolQueryParameters', query.boolNames);
}

function applyRenamedV3(out: Spec, v2: Spec): void {
  setOrDrop(out, 'stats_name', v2.v3StatsName);
  if (v2.v3health_checks !== undefined) out.health_checks = v2.v3health_checks;
  const ids = ambassadorIdToV3alpha1(v2.ambassador_id);
  if (ids === undefined) delete out.ambassador_id;
  else out.ambassador_id = ids;
  if (typeof v2.remove_request_headers === 'string') out.remove_request_headers = [v2.remove_request_headers];
  if (typeof v2.remove_response_headers === 'string') out.remove_response_headers = [v2.remove_response_headers];
  for (const key of ['add_request_headers', 'add_response_headers']) {
    const converted = mapValues(v2[key], addedHeaderToV3alpha1);
    if (converted) out[key] = converted;
  }
  const labels = labelsConvert(v2.labels, labelToV3alpha1);
  if (labels) out.labels = labels;
}

/** A v2 Mapping spec as Emissary 3.10 serves it in v3alpha1. */
export function mappingSpecToV3alpha1(v2: Spec): Spec {
  const out = without(v2, ...V2_ONLY);
  const host = hostToV3alpha1(v2.host, v2.host_regex);
  setOrDrop(out, 'hostname', host.hostname);
  setOrDrop(out, 'host', host.host);
  if (typeof v2.host_regex === 'boolean') out.host_regex = v2.host_regex;
  const tls = tlsToV3alpha1(v2.tls, typeof v2.service === 'string' ? v2.service : '');
  out.service = tls.service;
  setOrDrop(out, 'tls', tls.tls);
  if (tls.v2ExplicitTLS) out.v2ExplicitTLS = tls.v2ExplicitTLS;
  applyMatchesV3(out, v2);
  applyRenamedV3(out, v2);
  return out;
}

function applyMatchesV2(out: Spec, v3: Spec): void {
  const headers = matchesToV2(v3.headers, v3.regex_headers, v3.v2BoolHeaders);
  setOrDrop(out, 'headers', headers.exact);
  setOrDrop(out, 'regex_headers', headers.regex);
  const query = matchesToV2(v3.query_parameters, v3.regex_query_parameters, v3.v2BoolQueryParameters);
  setOrDrop(out, 'query_parameters', query.exact);
  setOrDrop(out, 'regex_query_parameters', query.regex);
}

function applyRenamedV2(out: Spec, v3: Spec): void {
  setOrDrop(out, 'v3StatsName', v3.stats_name);
  if (v3.health_checks !== undefined) out.v3health_checks = v3.health_checks;
  out.ambassador_id = ambassadorIdToV2(v3.ambassador_id);
  for (const key of ['add_request_headers', 'add_response_headers']) {
    const converted = mapValues(v3[key], addedHeaderToV2);
    if (converted) out[key] = converted;
  }
  const labels = labelsConvert(v3.labels, labelToV2);
  if (labels) out.labels = labels;
}

/** A v3alpha1 Mapping spec as Emissary 3.10 stores it in v2. */
export function mappingSpecToV2(v3: Spec): Spec {
  const out = without(v3, ...V3_ONLY);
  const host = hostToV2(v3.hostname, v3.host, v3.host_regex);
  setOrDrop(out, 'host', host.host);
  if (host.hostRegex !== undefined) out.host_regex = host.hostRegex;
  const tls = tlsToV2(typeof v3.tls === 'string' ? v3.tls : '', typeof v3.service === 'string' ? v3.service : '', v3.v2ExplicitTLS);
  out.service = tls.service;
  if ('tls' in tls) out.tls = tls.tls;
  applyMatchesV2(out, v3);
  applyRenamedV2(out, v3);
  return out;
}
