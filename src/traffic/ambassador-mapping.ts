/**
 * Pure construction and comparison of the canary Mapping Kanary owns next to a user's base Mapping
 * (SPEC §3): `<base>-canary`, a copy of the base that stays in the base's Emissary group (every spec
 * field, every label and annotation kept), pointing at the canary Service, with `spec.weight`, its own
 * `stats_name` when the base sets one, Kanary's own label and annotations, and a controller
 * ownerReference to the Rollout. Kanary owns only those fields: labels and annotations others add to
 * the canary are kept on every write and never cause one.
 */
import type { V1OwnerReference } from '@kubernetes/client-node';
import {
  CANARY_COPIED_KEYS_ANNOTATION,
  CANARY_MAPPING_LABEL,
  CANARY_MAPPING_LABEL_VALUE,
  CANARY_ZERO_SINCE_ANNOTATION,
  MAPPING_KIND,
} from '../api/labels.js';
import { formatServiceRef, parseServiceRef } from '../api/mapping.js';
import { buildRolloutOwnerReference, isControlledBy, type OwnerMeta } from '../kube/owner-reference.js';
import { jsonEqual } from '../kube/merge-patch.js';

export const CANARY_MAPPING_SUFFIX = '-canary';
const MAX_OBJECT_NAME_LENGTH = 253;
/** Annotations of the base that describe the base itself and must not be copied. */
const UNCOPIED_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];
/** Annotations only Kanary sets on a canary Mapping (never copied from the base). */
const OWN_ANNOTATIONS = [CANARY_ZERO_SINCE_ANNOTATION, CANARY_COPIED_KEYS_ANNOTATION];
/** Spec fields naming the Envoy statistics (v3alpha1 `stats_name`; v2 carries it as `v3StatsName`). */
const STATS_NAME_FIELDS = ['stats_name', 'v3StatsName'];
export const CANARY_STATS_NAME_SUFFIX = '-canary';

/** A Mapping as read from the API or a cache (unvalidated, every field kept). */
export interface MappingObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: V1OwnerReference[];
    [key: string]: unknown;
  };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface CanaryMappingInput {
  rollout: OwnerMeta;
  /** The canary Service name: replaces only the name part of the base's `spec.service`. */
  canaryService: string;
  weightPercent: number;
  apiVersion: string;
  /** RFC 3339 time the weight went to 0 (kept on the Mapping as an annotation); only with weight 0. */
  zeroWeightSince?: string;
}

/** `<base><suffix>`, the base name truncated so the whole fits 253 characters (canary, baseline and route Mappings). */
export function mappingNameWithSuffix(baseName: string, suffix: string): string {
  const room = MAX_OBJECT_NAME_LENGTH - suffix.length;
  const trimmed = baseName.slice(0, room).replace(/[-.]+$/, '');
  return `${trimmed}${suffix}`;
}

/** `<base>-canary`, the base name truncated so the whole fits 253 characters. */
export function canaryMappingName(baseName: string): string {
  return mappingNameWithSuffix(baseName, CANARY_MAPPING_SUFFIX);
}

/** Replaces only the name in `[scheme://]name[.namespace][:port]`; unparseable refs become the bare name. */
export function rewriteServiceRef(service: unknown, canaryService: string): string {
  const ref = typeof service === 'string' ? parseServiceRef(service) : undefined;
  if (!ref) return canaryService;
  return formatServiceRef({ ...ref, name: canaryService });
}

type StringMap = Record<string, string>;

function withoutKeys(map: StringMap | undefined, keys: readonly string[]): StringMap {
  const out: StringMap = { ...(map ?? {}) };
  for (const key of keys) delete out[key];
  return out;
}

/** The label and annotation keys copied from the base, as recorded on a canary Mapping. */
export interface CopiedKeys {
  labels: string[];
  annotations: string[];
}

export function readCopiedKeys(mapping: MappingObject | undefined): CopiedKeys {
  const text = mapping?.metadata?.annotations?.[CANARY_COPIED_KEYS_ANNOTATION];
  try {
    const parsed = JSON.parse(text ?? '{}') as Partial<Record<keyof CopiedKeys, unknown>>;
    const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
    return { labels: strings(parsed.labels), annotations: strings(parsed.annotations) };
  } catch {
    return { labels: [], annotations: [] };
  }
}

function buildMetadataMaps(input: CanaryMappingInput, base: MappingObject): { labels: StringMap; annotations: StringMap } {
  const copiedLabels = withoutKeys(base.metadata?.labels, [CANARY_MAPPING_LABEL]);
  const copiedAnnotations = withoutKeys(base.metadata?.annotations, [...UNCOPIED_ANNOTATIONS, ...OWN_ANNOTATIONS]);
  const copied: CopiedKeys = { labels: Object.keys(copiedLabels).sort(), annotations: Object.keys(copiedAnnotations).sort() };
  const annotations: StringMap = { ...copiedAnnotations, [CANARY_COPIED_KEYS_ANNOTATION]: JSON.stringify(copied) };
  if (input.weightPercent === 0 && input.zeroWeightSince) {
    annotations[CANARY_ZERO_SINCE_ANNOTATION] = input.zeroWeightSince;
  }
  return { labels: { ...copiedLabels, [CANARY_MAPPING_LABEL]: CANARY_MAPPING_LABEL_VALUE }, annotations };
}

/**
 * Writes into `spec` each Envoy statistics name the base sets, plus `suffix` (`-canary`,
 * `-baseline`; `''` keeps the base's own). Fields the base does not set are left as they are.
 */
export function setStatsNames(spec: Record<string, unknown>, base: MappingObject, suffix: string): void {
  for (const field of STATS_NAME_FIELDS) {
    const value = base.spec?.[field];
    if (typeof value === 'string' && value !== '') spec[field] = `${value}${suffix}`;
  }
}

/** The canary Mapping for a base Mapping (pure; the base is not modified). */
export function buildCanaryMapping(base: MappingObject, input: CanaryMappingInput): MappingObject {
  const baseName = base.metadata?.name ?? '';
  const spec = structuredClone(base.spec ?? {});
  spec['service'] = rewriteServiceRef(spec['service'], input.canaryService);
  spec['weight'] = input.weightPercent;
  setStatsNames(spec, base, CANARY_STATS_NAME_SUFFIX);
  return {
    apiVersion: input.apiVersion,
    kind: MAPPING_KIND,
    metadata: {
      name: canaryMappingName(baseName),
      namespace: base.metadata?.namespace,
      ...buildMetadataMaps(input, base),
      ownerReferences: [buildRolloutOwnerReference(input.rollout)],
    },
    spec,
  };
}

/** The weight a Mapping sends (Ambassador treats a missing weight as "the rest"). */
export function mappingWeight(mapping: MappingObject): number | undefined {
  const weight = mapping.spec?.['weight'];
  return typeof weight === 'number' ? weight : undefined;
}

function containsAll(live: StringMap | undefined, wanted: StringMap | undefined): boolean {
  return Object.entries(wanted ?? {}).every(([key, value]) => live?.[key] === value);
}

/**
 * True when the live Mapping already has every field Kanary owns as `desired` says: the spec, the
 * labels and annotations Kanary sets or copies from the base (others' extra keys do not count), none
 * of Kanary's own annotations that `desired` leaves out, and control by the same Rollout. apiVersion
 * is not compared: the live object was read in the version Kanary writes.
 */
export function isSameMapping(desired: MappingObject, live: MappingObject): boolean {
  const wanted = desired.metadata ?? {};
  const seen = live.metadata ?? {};
  return (
    jsonEqual(desired.spec ?? {}, live.spec ?? {}) &&
    containsAll(seen.labels, wanted.labels) &&
    hasOwnedAnnotations(wanted.annotations, seen.annotations) &&
    isControlledBy(seen.ownerReferences, controllerUid(desired))
  );
}

/** Every annotation `desired` sets is on `live`, and none of Kanary's own that `desired` leaves out. */
function hasOwnedAnnotations(desired: StringMap = {}, live: StringMap = {}): boolean {
  const strayOwn = OWN_ANNOTATIONS.some((key) => !(key in desired) && key in live);
  return !strayOwn && containsAll(live, desired);
}

/**
 * The object to write over `live` (an update): `desired`'s spec and owned metadata, with every label,
 * annotation and ownerReference someone else put on the live object kept, and the keys Kanary copied
 * from the base earlier but the base no longer has dropped. Server-set metadata (uid,
 * resourceVersion, finalizers) comes from `live`, so a stale cache gives a 409.
 */
export function buildCanaryUpdate(desired: MappingObject, live: MappingObject): MappingObject {
  const previous = readCopiedKeys(live);
  const liveMeta = live.metadata ?? {};
  const wantedMeta = desired.metadata ?? {};
  const labels = { ...withoutKeys(liveMeta.labels, [...previous.labels, CANARY_MAPPING_LABEL]), ...wantedMeta.labels };
  const annotations = { ...withoutKeys(liveMeta.annotations, [...previous.annotations, ...OWN_ANNOTATIONS]), ...wantedMeta.annotations };
  const ownUids = new Set((wantedMeta.ownerReferences ?? []).map((ref) => ref.uid));
  const ownerReferences = [...(liveMeta.ownerReferences ?? []).filter((ref) => !ownUids.has(ref.uid)), ...(wantedMeta.ownerReferences ?? [])];
  return {
    ...live,
    apiVersion: desired.apiVersion,
    kind: desired.kind,
    metadata: { ...liveMeta, labels, annotations, ownerReferences },
    spec: desired.spec,
  };
}

function controllerUid(mapping: MappingObject): string | undefined {
  return mapping.metadata?.ownerReferences?.find((ref) => ref.controller === true)?.uid;
}

export interface MappingPairCheck {
  namespace: string;
  baseName: string;
  base: MappingObject | undefined;
  canary: MappingObject | undefined;
  rolloutUid: string | undefined;
}

/** Problems with one base/canary Mapping pair (pure); empty when Kanary may manage the canary. */
export function checkMappingPair(check: MappingPairCheck): string[] {
  const problems: string[] = [];
  const where = `${check.namespace}/${check.baseName}`;
  if (!check.base) {
    problems.push(`Mapping ${where} not found`);
  } else {
    const weight = mappingWeight(check.base);
    if (weight !== undefined && weight !== 0) {
      problems.push(`Mapping ${where} has weight ${weight}: a base Mapping must not set a weight`);
    }
  }
  if (check.canary && !isControlledBy(check.canary.metadata?.ownerReferences, check.rolloutUid)) {
    const canaryName = check.canary.metadata?.name ?? canaryMappingName(check.baseName);
    problems.push(`Mapping ${check.namespace}/${canaryName} exists and is not owned by this Rollout; Kanary will not adopt or modify it`);
  }
  return problems;
}
