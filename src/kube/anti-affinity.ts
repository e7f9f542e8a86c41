/**
 * The pod anti-affinity term Kanary injects into a new revision's ReplicaSet (antiAffinity): pods
 * avoid nodes (kubernetes.io/hostname) that run pods of the stable revision, found by their
 * rollouts-pod-template-hash label in the Rollout's namespace. Terms the user wrote are kept; only
 * a term selecting on rollouts-pod-template-hash is Kanary's, so it is replaced or removed.
 */
import type * as k8s from '@kubernetes/client-node';
import { ANTI_AFFINITY_ANNOTATION, POD_TEMPLATE_HASH_LABEL } from '../api/labels.js';
import type { AntiAffinityRule } from '../core/actions.js';
import type { KubeClients } from './clients.js';
import { callKube } from './errors.js';
import { mergePatchOptions } from './patch-options.js';

function injectedTerm(rule: AntiAffinityRule, namespace: string): k8s.V1PodAffinityTerm {
  return {
    labelSelector: { matchExpressions: [{ key: POD_TEMPLATE_HASH_LABEL, operator: 'In', values: [rule.stableHash] }] },
    namespaces: [namespace],
    topologyKey: 'kubernetes.io/hostname',
  };
}

function isInjected(term: k8s.V1PodAffinityTerm | undefined): boolean {
  return (term?.labelSelector?.matchExpressions ?? []).some((e) => e.key === POD_TEMPLATE_HASH_LABEL);
}

/** The user's own anti-affinity terms (Kanary's removed), then `rule`'s term when there is one. */
function podAntiAffinityWith(anti: k8s.V1PodAntiAffinity | undefined, rule: AntiAffinityRule | undefined, namespace: string): k8s.V1PodAntiAffinity {
  const { requiredDuringSchedulingIgnoredDuringExecution: ownRequired = [], preferredDuringSchedulingIgnoredDuringExecution: ownPreferred = [] } = anti ?? {};
  const required = ownRequired.filter((t) => !isInjected(t));
  const preferred = ownPreferred.filter((t) => !isInjected(t.podAffinityTerm));
  if (rule !== undefined) {
    const term = injectedTerm(rule, namespace);
    if (rule.weight === undefined) required.push(term);
    else preferred.push({ weight: rule.weight, podAffinityTerm: term });
  }
  const result: k8s.V1PodAntiAffinity = {};
  if (required.length > 0) result.requiredDuringSchedulingIgnoredDuringExecution = required;
  if (preferred.length > 0) result.preferredDuringSchedulingIgnoredDuringExecution = preferred;
  return result;
}

/** The pod affinity with Kanary's term replaced by `rule`'s (or removed when there is none). */
export function withInjectedAntiAffinity(affinity: k8s.V1Affinity | undefined, rule: AntiAffinityRule | undefined, namespace: string): k8s.V1Affinity | undefined {
  const podAntiAffinity = podAntiAffinityWith(affinity?.podAntiAffinity, rule, namespace);
  const { podAntiAffinity: _old, ...rest } = affinity ?? {};
  const next: k8s.V1Affinity = Object.keys(podAntiAffinity).length > 0 ? { ...rest, podAntiAffinity } : rest;
  return Object.keys(next).length > 0 ? next : undefined;
}

/**
 * Replaces the injected term of a ReplicaSet's pod template and records the hash it avoids. The
 * ReplicaSet's affinity is the Rollout template's (same pod-template hash, same template) plus
 * Kanary's term, so it is computed from `templateAffinity` without reading the ReplicaSet.
 */
export async function setReplicaSetAntiAffinity(
  clients: KubeClients,
  options: { namespace: string; name: string; templateAffinity: k8s.V1Affinity | undefined; rule?: AntiAffinityRule },
): Promise<void> {
  const { namespace, name, rule } = options;
  const affinity = withInjectedAntiAffinity(options.templateAffinity, rule, namespace);
  const body = {
    metadata: { annotations: { [ANTI_AFFINITY_ANNOTATION]: rule?.stableHash ?? null } },
    spec: { template: { spec: { affinity: affinity === undefined ? null : { ...affinity, podAntiAffinity: affinity.podAntiAffinity ?? null } } } },
  };
  await callKube({ verb: 'patch', resource: 'replicasets', namespace, name }, () =>
    clients.apps.patchNamespacedReplicaSet({ namespace, name, body }, mergePatchOptions()),
  );
}
