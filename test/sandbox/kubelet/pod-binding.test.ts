import type * as k8s from '@kubernetes/client-node';
import { fitsNode, needsBinding } from '../../../src/sandbox/kubelet/pod-binding.js';
import { buildNodeLabels } from '../../../src/sandbox/kubelet/node-registration.js';

const container = [{ name: 'app', image: 'x' }];

describe('needsBinding', () => {
  test.each([
    ['unbound pending pod', { spec: { containers: container }, status: { phase: 'Pending' } }, true],
    ['unbound pod without status', { spec: { containers: container } }, true],
    ['already bound', { spec: { containers: container, nodeName: 'n1' } }, false],
    ['being deleted', { metadata: { deletionTimestamp: new Date() }, spec: { containers: container } }, false],
    ['finished', { spec: { containers: container }, status: { phase: 'Succeeded' } }, false],
    ['failed', { spec: { containers: container }, status: { phase: 'Failed' } }, false],
  ] as [string, k8s.V1Pod, boolean][])('%s -> %s', (_name, pod, expected) => {
    expect(needsBinding(pod)).toBe(expected);
  });
});

describe('fitsNode', () => {
  const labels = buildNodeLabels('kanary-sim-node');
  test.each([
    ['no selector', undefined, true],
    ['matching hostname', { 'kubernetes.io/hostname': 'kanary-sim-node' }, true],
    ['matching os and arch', { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' }, true],
    ['another node', { 'kubernetes.io/hostname': 'other' }, false],
    ['a label the node lacks', { disktype: 'ssd' }, false],
  ])('%s -> %s', (_name, nodeSelector, expected) => {
    const pod: k8s.V1Pod = { spec: { containers: container, ...(nodeSelector ? { nodeSelector } : {}) } };
    expect(fitsNode(pod, labels)).toBe(expected);
  });
});
