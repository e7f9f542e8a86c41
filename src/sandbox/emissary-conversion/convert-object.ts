/**
 * kanary-emissary-conversion, following Emissary 3.10's documented v2⇄v3alpha1 field mapping (not
 * Emissary's own apiext): whole getambassador.io objects between v1, v2 and v3alpha1, and the
 * apiextensions.k8s.io/v1 ConversionReview answer. Pure.
 *
 * - Mapping: every rule of mapping-conversion.ts.
 * - Every other kind: `ambassador_id` (v3alpha1-only prefix) and, for Host, v2's `ambassadorId`
 *   folded into `ambassador_id`; all other fields are passed through (v2 and v1 schemas preserve
 *   unknown fields, v3alpha1's prunes them). Emissary converts a few more (TLS of AuthService,
 *   RateLimitService and TCPMapping, CORS origins, TracingService tag headers): not done here.
 * - v1 ⇄ v2: the spec is passed through unchanged (the two have the same shape).
 */
import { type Spec, ambassadorIdToV2, ambassadorIdToV3alpha1, mappingSpecToV2, mappingSpecToV3alpha1 } from './mapping-conversion.js';

const HUB = 'v3alpha1';

export class ConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConversionError';
  }
}

function isObject(value: unknown): value is Spec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** [group, version] of a getambassador.io apiVersion (v1, v2 or v3alpha1). */
function splitApiVersion(apiVersion: unknown): [string, string] {
  const text = String(apiVersion ?? '');
  const [group = '', version = ''] = text.split('/');
  if (version !== 'v1' && version !== 'v2' && version !== 'v3alpha1') {
    throw new ConversionError(`kanary-emissary-conversion: cannot convert apiVersion "${text}"`);
  }
  return [group, version];
}

function otherSpecToHub(kind: string, spec: Spec): Spec {
  const source = { ...spec };
  if (kind === 'Host' && Array.isArray(source.ambassadorId)) {
    const extra = source.ambassadorId as unknown[];
    const ids = ambassadorIdToV3alpha1(source.ambassador_id) ?? [];
    source.ambassador_id = [...ids, ...extra.map(String)];
    delete source.ambassadorId;
  }
  const ids = ambassadorIdToV3alpha1(source.ambassador_id);
  if (ids === undefined) delete source.ambassador_id;
  else source.ambassador_id = ids;
  return source;
}

function specToHub(kind: string, spec: Spec): Spec {
  return kind === 'Mapping' ? mappingSpecToV3alpha1(spec) : otherSpecToHub(kind, spec);
}

function specFromHub(kind: string, spec: Spec): Spec {
  if (kind === 'Mapping') return mappingSpecToV2(spec);
  return { ...spec, ambassador_id: ambassadorIdToV2(spec.ambassador_id) };
}

/** The spec of `kind` converted from one version to another (v1 and v2 are spokes of v3alpha1). */
export function convertSpec(kind: string, spec: Spec, from: string, to: string): Spec {
  if (from === to) return spec;
  const spoke = (version: string): boolean => version !== HUB;
  if (spoke(from) && spoke(to)) return spec;
  return from === HUB ? specFromHub(kind, spec) : specToHub(kind, spec);
}

/** One object in the desired apiVersion; metadata and status are kept as they are. */
export function convertObject(object: unknown, desiredApiVersion: string): Spec {
  if (!isObject(object)) throw new ConversionError('kanary-emissary-conversion: an object to convert is not an object');
  const [toGroup, to] = splitApiVersion(desiredApiVersion);
  const [fromGroup, from] = splitApiVersion(object.apiVersion);
  // Any group converts as getambassador.io does (a copy of the CRD under another group is how the
  // tests take a webhook down without disturbing the cluster's own); never between groups.
  if (toGroup !== fromGroup) {
    throw new ConversionError(`kanary-emissary-conversion: cannot convert apiVersion "${String(object.apiVersion)}" to "${desiredApiVersion}"`);
  }
  const kind = String(object.kind ?? '');
  const converted: Spec = { ...object, apiVersion: desiredApiVersion };
  if (isObject(object.spec)) converted.spec = convertSpec(kind, object.spec, from, to);
  return converted;
}

export interface ConversionReview {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'ConversionReview';
  response: {
    uid: string;
    result: { status: 'Success' | 'Failure'; message?: string };
    convertedObjects?: Spec[];
  };
}

/** The answer to an apiextensions.k8s.io/v1 ConversionReview request (a Failure result on error). */
export function reviewConversion(review: unknown): ConversionReview {
  const request = isObject(review) && isObject(review.request) ? review.request : {};
  const uid = String(request.uid ?? '');
  const answer = (response: Omit<ConversionReview['response'], 'uid'>): ConversionReview => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'ConversionReview',
    response: { uid, ...response },
  });
  try {
    const desired = String(request.desiredAPIVersion ?? '');
    const objects = Array.isArray(request.objects) ? request.objects : [];
    const convertedObjects = objects.map((object) => convertObject(object, desired));
    return answer({ result: { status: 'Success' }, convertedObjects });
  } catch (error) {
    return answer({ result: { status: 'Failure', message: (error as Error).message } });
  }
}
