/**
 * Turns cache changes into Rollout keys: owned objects map to their controller owner, Services,
 * base Mappings, AnalysisTemplates and workloadRef Deployments to every Rollout in the namespace that names them.
 */
import type * as k8s from '@kubernetes/client-node';
import { SERVICE_NAME_LABEL } from '../api/labels.js';
import { canaryStrategyOf, rolloutSchema, type BlueGreenStrategy, type CanaryStrategy } from '../api/rollout.js';
import type { ObjectCache } from './object-cache.js';
import type { KubeObject } from './rollout-world.js';

export type Enqueue = (key: string) => void;

export function keyOf(object: k8s.KubernetesObject): string {
  const namespace = object.metadata?.namespace ?? '';
  return `${namespace}/${object.metadata?.name ?? ''}`;
}

/** The key of the Rollout controlling this object, if any. */
export function ownerRolloutKey(object: k8s.KubernetesObject): string | undefined {
  const owner = (object.metadata?.ownerReferences ?? []).find((ref) => ref.controller === true && ref.kind === 'Rollout');
  return owner ? `${object.metadata?.namespace ?? ''}/${owner.name}` : undefined;
}

type Reference = 'service' | 'mapping' | 'template' | 'workload';

/**
 * The names each cached Rollout object references, worked out once per object: every Service,
 * EndpointSlice, Mapping or template event asks all Rollouts of its namespace, and parsing each
 * spec again made that cost grow with the square of the Rollouts (bench/notes.md). The cache holds
 * immutable objects, a new one per resourceVersion, so a WeakMap on the object is never stale.
 */
const referencesOf = new WeakMap<KubeObject, Map<Reference, string[]>>();

function referencedNames(raw: KubeObject, reference: Reference): string[] {
  let known = referencesOf.get(raw);
  if (known === undefined) referencesOf.set(raw, (known = new Map()));
  let names = known.get(reference);
  if (names === undefined) known.set(reference, (names = parseReferencedNames(raw, reference)));
  return names;
}

function parseReferencedNames(raw: KubeObject, reference: Reference): string[] {
  const spec = rolloutSchema.shape.spec.safeParse(raw.spec);
  if (!spec.success) return [];
  if (reference === 'workload') return spec.data.workloadRef === undefined ? [] : [spec.data.workloadRef.name];
  const { blueGreen } = spec.data.strategy;
  return blueGreen !== undefined ? blueGreenReferences(blueGreen, reference) : canaryReferences(canaryStrategyOf({ spec: spec.data }), reference);
}

function canaryReferences(canary: CanaryStrategy, reference: Reference): string[] {
  if (reference === 'service') return [canary.stableService, canary.canaryService].filter((n): n is string => n !== undefined);
  if (reference === 'mapping') return canary.trafficRouting?.ambassador.mappings ?? [];
  const steps = (canary.steps ?? []).flatMap((s) => s.analysis?.templates ?? []);
  return [...steps, ...(canary.analysis?.templates ?? [])].map((t) => t.templateName);
}

function blueGreenReferences(blueGreen: BlueGreenStrategy, reference: Reference): string[] {
  if (reference === 'service') return [blueGreen.activeService, blueGreen.previewService].filter((n): n is string => n !== undefined);
  if (reference === 'mapping') return [];
  return [blueGreen.prePromotionAnalysis, blueGreen.postPromotionAnalysis].flatMap((a) => a?.templates ?? []).map((t) => t.templateName);
}

/** Enqueues every Rollout in the object's namespace that references it by name. */
export function enqueueReferencing(
  rollouts: ObjectCache<KubeObject>,
  reference: Reference,
  enqueue: Enqueue,
  nameOf: (object: k8s.KubernetesObject) => string = (object) => object.metadata?.name ?? '',
) {
  return (object: k8s.KubernetesObject): void => {
    const namespace = object.metadata?.namespace ?? '';
    const name = nameOf(object);
    for (const rollout of rollouts.list(namespace)) {
      if (referencedNames(rollout, reference).includes(name)) enqueue(keyOf(rollout));
    }
  };
}

/** Enqueues the owning Rollout of an owned object (ReplicaSet, canary Mapping, AnalysisRun). */
export function enqueueOwner(enqueue: Enqueue) {
  return (object: k8s.KubernetesObject): void => {
    const key = ownerRolloutKey(object);
    if (key) enqueue(key);
  };
}

/** The Service an EndpointSlice belongs to. */
export function serviceOfSlice(slice: k8s.KubernetesObject): string {
  return slice.metadata?.labels?.[SERVICE_NAME_LABEL] ?? '';
}
