/**
 * The pod-template hash (SPEC §2): a short hash of the canonical JSON of `spec.template`, used in
 * the ReplicaSet name `<rollout>-<hash>` and the `rollouts-pod-template-hash` label. The label itself
 * is excluded so that a template copied from a ReplicaSet hashes the same.
 */
import { POD_TEMPLATE_HASH_LABEL } from '../api/labels.js';
import { canonicalJson, computeShortHash } from './short-hash.js';

function withoutHashLabel(template: unknown): unknown {
  if (template === null || typeof template !== 'object') return template;
  const t = template as { metadata?: { labels?: Record<string, string> } };
  const labels = t.metadata?.labels;
  if (labels === undefined || !(POD_TEMPLATE_HASH_LABEL in labels)) return template;
  const rest = { ...labels };
  delete rest[POD_TEMPLATE_HASH_LABEL];
  return { ...t, metadata: { ...t.metadata, labels: rest } };
}

export function computePodTemplateHash(template: unknown): string {
  return computeShortHash(canonicalJson(withoutHashLabel(template)));
}

/** A hash of the canary steps: when it changes, the steps restart (status.currentStepHash). */
export function computeStepsHash(steps: unknown): string {
  return computeShortHash(canonicalJson(steps ?? []));
}
