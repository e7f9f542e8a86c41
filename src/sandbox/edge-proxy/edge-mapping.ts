/**
 * The routing-relevant part of a getambassador.io Mapping (v2 or v3alpha1), read leniently from
 * the raw object: unknown fields are ignored, a Mapping without prefix or service is invalid.
 */
import { z } from 'zod';

export interface HeaderMatch {
  name: string;
  /** undefined: the header only has to be present. */
  value?: string;
  regex: boolean;
}

export interface EdgeMapping {
  /** `namespace/name`. */
  key: string;
  name: string;
  namespace: string;
  prefix: string;
  prefixRegex: boolean;
  caseSensitive: boolean;
  service: string;
  weight?: number;
  /** '' disables rewriting; Emissary's default is '/'. */
  rewrite: string;
  regexRewrite?: { pattern: string; substitution: string };
  method?: string;
  methodRegex: boolean;
  host?: string;
  hostRegex: boolean;
  hostname?: string;
  headers: HeaderMatch[];
  queryParameters: HeaderMatch[];
  precedence: number;
  statsName?: string;
  /** Upstream response timeout; 0 disables it. Emissary's default is 3000. */
  timeoutMs: number;
  ambassadorIds: string[];
  /** metadata.labels: what a Host's mappingSelector matches. */
  labels: Record<string, string>;
  /** A shadow Mapping: requests its group routes are copied to it (`weight`%, default all), its answers discarded. */
  shadow: boolean;
}

/** The v2 `host` Emissary 3's conversion writes for a v3alpha1 Mapping with neither hostname nor host. */
const SKIP_EMPTY_HOST = '_skip_mapping_with_empty_host_';

const stringOrTrue = z.union([z.string(), z.literal(true)]);

const specSchema = z.looseObject({
  prefix: z.string().min(1),
  prefix_regex: z.boolean().optional(),
  shadow: z.boolean().optional(),
  case_sensitive: z.boolean().optional(),
  service: z.string().min(1),
  weight: z.number().min(0).optional(),
  rewrite: z.string().optional(),
  regex_rewrite: z.object({ pattern: z.string(), substitution: z.string() }).optional(),
  method: z.string().optional(),
  method_regex: z.boolean().optional(),
  host: z.string().optional(),
  host_regex: z.boolean().optional(),
  hostname: z.string().optional(),
  headers: z.record(z.string(), stringOrTrue).optional(),
  regex_headers: z.record(z.string(), z.string()).optional(),
  query_parameters: z.record(z.string(), stringOrTrue).optional(),
  regex_query_parameters: z.record(z.string(), z.string()).optional(),
  precedence: z.number().int().optional(),
  stats_name: z.string().optional(),
  /** The v2 view (Emissary 3 storage) of v3alpha1's stats_name. */
  v3StatsName: z.string().optional(),
  timeout_ms: z.number().int().min(0).optional(),
  ambassador_id: z.union([z.string(), z.array(z.string())]).optional(),
});

const mappingObjectSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().optional(), labels: z.record(z.string(), z.string()).optional() }),
  spec: specSchema,
});

type MappingSpecInput = z.infer<typeof specSchema>;

export type EdgeMappingResult =
  | { ok: true; mapping: EdgeMapping }
  | { ok: false; key: string; error: string };

function toMatches(exact?: Record<string, string | true>, regex?: Record<string, string>): HeaderMatch[] {
  const matches: HeaderMatch[] = Object.entries(exact ?? {}).map(([name, value]) =>
    value === true ? { name, regex: false } : { name, value, regex: false });
  for (const [name, value] of Object.entries(regex ?? {})) matches.push({ name, value, regex: true });
  return matches;
}

function ambassadorIds(spec: MappingSpecInput): string[] {
  const id = spec.ambassador_id;
  if (id === undefined) return ['default'];
  return typeof id === 'string' ? [id] : id;
}

function optionalFields(spec: MappingSpecInput): Partial<EdgeMapping> {
  const fields: Partial<EdgeMapping> = {};
  if (spec.weight !== undefined) fields.weight = spec.weight;
  if (spec.regex_rewrite !== undefined) fields.regexRewrite = spec.regex_rewrite;
  if (spec.method !== undefined) fields.method = spec.method;
  if (spec.host !== undefined && spec.host !== SKIP_EMPTY_HOST) fields.host = spec.host;
  if (spec.hostname !== undefined) fields.hostname = spec.hostname;
  const statsName = spec.stats_name ?? spec.v3StatsName;
  if (statsName !== undefined) fields.statsName = statsName;
  return fields;
}

function describeKey(raw: unknown): string {
  const meta = (raw as { metadata?: { name?: unknown; namespace?: unknown } } | null)?.metadata;
  return `${String(meta?.namespace ?? '')}/${String(meta?.name ?? '?')}`;
}

/** Reads a raw Mapping object (any served apiVersion). */
export function readEdgeMapping(raw: unknown): EdgeMappingResult {
  const parsed = mappingObjectSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, key: describeKey(raw), error: z.prettifyError(parsed.error).replace(/\n/g, '; ') };
  }
  const { metadata, spec } = parsed.data;
  const namespace = metadata.namespace ?? 'default';
  return {
    ok: true,
    mapping: {
      key: `${namespace}/${metadata.name}`,
      name: metadata.name,
      namespace,
      prefix: spec.prefix,
      prefixRegex: spec.prefix_regex ?? false,
      caseSensitive: spec.case_sensitive ?? true,
      service: spec.service,
      rewrite: spec.rewrite ?? '/',
      methodRegex: spec.method_regex ?? false,
      hostRegex: spec.host_regex ?? false,
      headers: toMatches(spec.headers, spec.regex_headers),
      queryParameters: toMatches(spec.query_parameters, spec.regex_query_parameters),
      precedence: spec.precedence ?? 0,
      timeoutMs: spec.timeout_ms ?? 3000,
      ambassadorIds: ambassadorIds(spec),
      labels: { ...metadata.labels },
      shadow: spec.shadow === true,
      ...optionalFields(spec),
    },
  };
}
