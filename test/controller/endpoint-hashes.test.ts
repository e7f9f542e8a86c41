// Which of the Rollout's revisions a Service's ready EndpointSlice endpoints really are.
import type * as k8s from '@kubernetes/client-node';
import { findEndpointHashes } from '../../src/controller/endpoint-hashes.js';

const replicaSets = [
  { name: 'web-aaa', podTemplateHash: 'aaa', ownedByRollout: true },
  { name: 'web-aaab', podTemplateHash: 'aaab', ownedByRollout: true },
  { name: 'web-ccc', podTemplateHash: 'ccc', ownedByRollout: false },
];

// Pods named so that a name-prefix match would give the wrong answer: the long Rollout name is
// truncated in pod names, and `web-aaa` is a prefix of `web-aaab-...`.
const pods: Record<string, k8s.V1Pod> = {
  p1: { metadata: { name: 'p1', uid: 'u1', labels: { 'rollouts-pod-template-hash': 'aaab' } } },
  p2: { metadata: { name: 'p2', uid: 'u2', labels: { 'rollouts-pod-template-hash': 'aaab' } } },
  s1: { metadata: { name: 's1', uid: 'u3', labels: { 'rollouts-pod-template-hash': 'aaa' } } },
  z1: { metadata: { name: 'z1', uid: 'u4', labels: { 'rollouts-pod-template-hash': 'ccc' } } },
  // No label: mapped through its controlling ownerReference.
  o1: { metadata: { name: 'o1', uid: 'u5', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-aaa', uid: 'rs', controller: true }] } },
  'web-aaab-x1': { metadata: { name: 'web-aaab-x1', uid: 'u6' } },
};
const lookup = (_ns: string, name: string) => pods[name];

function endpoint(pod: string, ready?: boolean, uid?: string): k8s.V1Endpoint {
  return {
    addresses: ['127.0.10.1'],
    ...(ready === undefined ? {} : { conditions: { ready } }),
    targetRef: { kind: 'Pod', name: pod, namespace: 'shop', uid: uid ?? pods[pod]?.metadata?.uid },
  };
}

function slice(...endpoints: k8s.V1Endpoint[]): k8s.V1EndpointSlice {
  return { addressType: 'IPv4', metadata: { name: 'web-canary-x7', labels: { 'kubernetes.io/service-name': 'web-canary' } }, endpoints };
}

test.each<[string, k8s.V1EndpointSlice[] | undefined, string[] | undefined]>([
  ['no EndpointSlice known', undefined, undefined],
  ['an empty slice list', [], undefined],
  ['a slice without endpoints yet', [slice()], []],
  ['only the canary pods', [slice(endpoint('p1', true), endpoint('p2'))], ['aaab']],
  ['stable and canary pods while the controller catches up', [slice(endpoint('s1', true)), slice(endpoint('p1', true))], ['aaa', 'aaab']],
  ['not-ready endpoints do not count', [slice(endpoint('p1', true), endpoint('s1', false))], ['aaab']],
  ['pods of ReplicaSets we do not own are ignored', [slice(endpoint('z1'), endpoint('s1'))], ['aaa']],
  ['a pod without the label counts by its controlling owner', [slice(endpoint('o1'))], ['aaa']],
  ['a pod name alone maps to nothing', [slice(endpoint('web-aaab-x1'))], []],
  ['a pod unknown to the cache is ignored', [slice(endpoint('gone'))], []],
  ['an endpoint naming another pod of the same name (uid) is ignored', [slice(endpoint('p1', true, 'old-uid'))], []],
  ['endpoints without a pod reference are ignored', [slice({ addresses: ['127.0.0.9'] })], []],
])('%s', (_title, slices, expected) => {
  expect(findEndpointHashes({ namespace: 'shop', slices, pods: lookup, replicaSets })).toEqual(expected);
});
