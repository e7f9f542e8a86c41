// The anti-affinity term Kanary injects (src/kube/anti-affinity.ts): the user's own terms are kept,
// Kanary's (the one selecting on rollouts-pod-template-hash) is put in, replaced or removed.
import type * as k8s from '@kubernetes/client-node';
import { withInjectedAntiAffinity } from '../../src/kube/anti-affinity.js';
import { buildReplicaSet } from '../../src/kube/replica-sets.js';

const own: k8s.V1PodAffinityTerm = { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'topology.kubernetes.io/zone' };
const userAffinity: k8s.V1Affinity = {
  nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }] } },
  podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [own] },
};
const kanaryTerm = (hash: string): k8s.V1PodAffinityTerm => ({
  labelSelector: { matchExpressions: [{ key: 'rollouts-pod-template-hash', operator: 'In', values: [hash] }] },
  namespaces: ['shop'],
  topologyKey: 'kubernetes.io/hostname',
});

test('a required rule is added beside the user\'s own terms', () => {
  expect(withInjectedAntiAffinity(userAffinity, { stableHash: 'aaa' }, 'shop')).toEqual({
    nodeAffinity: userAffinity.nodeAffinity,
    podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [own, kanaryTerm('aaa')] },
  });
});

test('a preferred rule carries its weight; a new stable hash replaces the old term', () => {
  const first = withInjectedAntiAffinity(undefined, { stableHash: 'aaa', weight: 40 }, 'shop');
  expect(first).toEqual({ podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 40, podAffinityTerm: kanaryTerm('aaa') }] } });
  const moved = withInjectedAntiAffinity(first, { stableHash: 'bbb', weight: 40 }, 'shop');
  expect(moved?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution).toEqual([{ weight: 40, podAffinityTerm: kanaryTerm('bbb') }]);
});

test('removing the rule leaves exactly what the user wrote (or nothing)', () => {
  const injected = withInjectedAntiAffinity(userAffinity, { stableHash: 'aaa' }, 'shop');
  expect(withInjectedAntiAffinity(injected, undefined, 'shop')).toEqual(userAffinity);
  expect(withInjectedAntiAffinity(withInjectedAntiAffinity(undefined, { stableHash: 'aaa' }, 'shop'), undefined, 'shop')).toBeUndefined();
});

test('the ReplicaSet is created with the term and the annotation naming the avoided hash', () => {
  const rollout = {
    metadata: { name: 'web', namespace: 'shop', uid: 'u' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'x' }] } } },
  } as unknown as Parameters<typeof buildReplicaSet>[0]['rollout'];
  const rs = buildReplicaSet({ rollout, podTemplateHash: 'bbb', revision: 2, replicas: 0, antiAffinity: { stableHash: 'aaa' } });
  expect(rs.metadata?.annotations?.['kanary.dev/anti-affinity']).toBe('aaa');
  expect(rs.spec?.template?.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual([kanaryTerm('aaa')]);
  const plain = buildReplicaSet({ rollout, podTemplateHash: 'aaa', revision: 1, replicas: 2 });
  expect(plain.spec?.template?.spec?.affinity).toBeUndefined();
  expect(plain.metadata?.annotations).toEqual({ 'kanary.dev/revision': '1' });
});
