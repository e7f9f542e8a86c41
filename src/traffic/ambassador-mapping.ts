/**
 * Pure construction and comparison of the canary Mapping Kanary owns next to a user's base Mapping
 * (SPEC §3): `<base>-canary`, a copy of the base (every spec field, labels and annotations kept),
 * pointing at the canary Service, with `spec.weight` and a controller ownerReference to the Rollout.
 */
import type { V1OwnerReference } from '@kubernetes/client-node';
import {
  CANARY_ZERO_SINCE_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  MAPPING_KIND,
} from '../api/labels.js';
import { formatServiceRef, parseServiceRef } from '../api/mapping.js';
import { buildRolloutOwnerReference, isControlledBy, type OwnerMeta } from '../kube/owner-reference.js';
import { jsonEqual } from '../kube/merge-patch.js';

export const CANARY_MAPPING_SUFFIX = '-canary';
const MAX_OBJECT_NAME_LENGTH = 253;
/** Annotations of the base that describe the base itself and must not be copied. */
const UNCOPIED_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

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

/** `<base>-canary`, the base name truncated so the whole fits 253 characters. */
export function canaryMappingName(baseName: string): string {
  const room = MAX_OBJECT_NAME_LENGTH - CANARY_MAPPING_SUFFIX.length;
  const trimmed = baseName.slice(0, room).replace(/[-.]+$/, '');
  return `${trimmed}${CANARY_MAPPING_SUFFIX}`;
}

/** Replaces only the name in `[scheme://]name[.namespace][:port]`; unparseable refs become the bare name. */
export function rewriteServiceRef(service: unknown, canaryService: string): string {
  const ref = typeof service === 'string' ? parseServiceRef(service) : undefined;
  if (!ref) return canaryService;
  return formatServiceRef({ ...ref, name: canaryService });
}

function copyAnnotations(input: CanaryMappingInput, base: MappingObject): Record<string, string> {
  const annotations: Record<string, string> = { ...(base.metadata?.annotations ?? {}) };
  for (const key of [...UNCOPIED_ANNOTATIONS, CANARY_ZERO_SINCE_ANNOTATION]) delete annotations[key];
  if (input.weightPercent === 0 && input.zeroWeightSince) {
    annotations[CANARY_ZERO_SINCE_ANNOTATION] = input.zeroWeightSince;
  }
  return annotations;
}

/** The canary Mapping for a base Mapping (pure; the base is not modified). */
export function buildCanaryMapping(base: MappingObject, input: CanaryMappingInput): MappingObject {
  const baseName = base.metadata?.name ?? '';
  const spec = structuredClone(base.spec ?? {});
  spec['service'] = rewriteServiceRef(spec['service'], input.canaryService);
  spec['weight'] = input.weightPercent;
  return {
    apiVersion: input.apiVersion,
    kind: MAPPING_KIND,
    metadata: {
      name: canaryMappingName(baseName),
      namespace: base.metadata?.namespace,
      labels: { ...(base.metadata?.labels ?? {}), [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      annotations: copyAnnotations(input, base),
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

/**
 * True when the live Mapping already is what `desired` describes: same spec, labels and annotations,
 * and controlled by the same Rollout. apiVersion is not compared: the same stored object is served
 * in every version.
 */
export function isSameMapping(desired: MappingObject, live: MappingObject): boolean {
  return (
    jsonEqual(comparable(desired), comparable(live)) &&
    isControlledBy(live.metadata?.ownerReferences, controllerUid(desired))
  );
}

function comparable(mapping: MappingObject): Record<string, unknown> {
  const meta = mapping.metadata ?? {};
  return { spec: mapping.spec ?? {}, labels: meta.labels ?? {}, annotations: meta.annotations ?? {} };
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
