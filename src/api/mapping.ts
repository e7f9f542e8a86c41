/**
 * The Ambassador / Emissary Mapping fields Kanary reads or writes (getambassador.io v2 and
 * v3alpha1). Everything else in a Mapping is kept unchanged (loose objects).
 */
import { z } from 'zod';
import { AMBASSADOR_V2_API_VERSION, AMBASSADOR_V3ALPHA1_API_VERSION } from './labels.js';
import { objectMetaSchema } from './rollout.js';

export const MAPPING_API_VERSIONS = [AMBASSADOR_V2_API_VERSION, AMBASSADOR_V3ALPHA1_API_VERSION] as const;
export type MappingApiVersion = (typeof MAPPING_API_VERSIONS)[number];

export const mappingSpecSchema = z.looseObject({
  prefix: z.string().min(1),
  /** `[scheme://]name[.namespace][:port]`. */
  service: z.string().min(1),
  weight: z.number().int().min(0).max(100).optional(),
  host: z.string().optional(),
  hostname: z.string().optional(),
});
export type MappingSpec = z.infer<typeof mappingSpecSchema>;

export const mappingSchema = z.looseObject({
  apiVersion: z.enum(MAPPING_API_VERSIONS),
  kind: z.literal('Mapping'),
  metadata: objectMetaSchema,
  spec: mappingSpecSchema,
});
export type Mapping = z.infer<typeof mappingSchema>;

export interface ServiceRef {
  scheme?: string;
  name: string;
  namespace?: string;
  port?: string;
}

const SERVICE_REF = /^(?:([a-z][a-z0-9+.-]*):\/\/)?([^.:/]+)(?:\.([^:/]+))?(?::(\d+))?$/i;

/** Parses `[scheme://]name[.namespace][:port]`; undefined when it does not have that shape. */
export function parseServiceRef(service: string): ServiceRef | undefined {
  const match = SERVICE_REF.exec(service.trim());
  if (!match?.[2]) return undefined;
  const ref: ServiceRef = { name: match[2] };
  if (match[1]) ref.scheme = match[1];
  if (match[3]) ref.namespace = match[3];
  if (match[4]) ref.port = match[4];
  return ref;
}

/** The inverse of parseServiceRef. */
export function formatServiceRef(ref: ServiceRef): string {
  const scheme = ref.scheme ? `${ref.scheme}://` : '';
  const namespace = ref.namespace ? `.${ref.namespace}` : '';
  const port = ref.port ? `:${ref.port}` : '';
  return `${scheme}${ref.name}${namespace}${port}`;
}
