// Which of the Rollout's revisions a Service's ready endpoints really are.
import type * as k8s from '@kubernetes/client-node';
import { findEndpointHashes } from '../../src/controller/endpoint-hashes.js';

const replicaSets = [
  { name: 'web-aaa', podTemplateHash: 'aaa', ownedByRollout: true },
  { name: 'web-aaab', podTemplateHash: 'aaab', ownedByRollout: true },
  { name: 'web-ccc', podTemplateHash: 'ccc', ownedByRollout: false },
];

function endpoints(ready: string[], notReady: string[] = []): k8s.V1Endpoints {
  const ref = (name: string) => ({ ip: '10.0.0.1', targetRef: { kind: 'Pod', name } });
  return { metadata: { name: 'web-canary' }, subsets: [{ addresses: ready.map(ref), notReadyAddresses: notReady.map(ref) }] };
}

test.each<[string, k8s.V1Endpoints | undefined, string[] | undefined]>([
  ['no Endpoints object known', undefined, undefined],
  ['no addresses yet', { metadata: { name: 'web-canary' } }, []],
  ['only the canary pods', endpoints(['web-aaab-x1', 'web-aaab-x2']), ['aaab']],
  ['stable and canary pods while the controller catches up', endpoints(['web-aaa-s1', 'web-aaab-x1']), ['aaa', 'aaab']],
  ['not-ready addresses do not count', endpoints(['web-aaab-x1'], ['web-aaa-s1']), ['aaab']],
  ['pods of ReplicaSets we do not own are ignored', endpoints(['web-ccc-z1', 'web-aaa-s1']), ['aaa']],
  ['addresses without a pod reference are ignored', { subsets: [{ addresses: [{ ip: '10.0.0.9' }] }] }, []],
])('%s', (_title, object, expected) => {
  expect(findEndpointHashes(object, replicaSets)).toEqual(expected);
});
