import { buildNodeLabels, buildNodeStatus, simulatedHostIP } from '../../../src/sandbox/kubelet/node-registration.js';

const now = new Date('2026-11-27T10:00:00.000Z');
const readySince = new Date('2026-11-27T09:00:00.000Z');

describe('buildNodeStatus', () => {
  const status = buildNodeStatus(now, readySince);

  test('advertises room for 500 Rollouts mid-canary next to other sessions (4096 pods, kept as written by the API server)', () => {
    expect(status.capacity?.pods).toBe('4096');
    expect(status.allocatable).toEqual(status.capacity);
  });

  test('is Ready with a fresh heartbeat and no pressure', () => {
    const byType = new Map((status.conditions ?? []).map((c) => [c.type, c]));
    expect(byType.get('Ready')).toMatchObject({ status: 'True', lastHeartbeatTime: now, lastTransitionTime: readySince });
    for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) expect(byType.get(type)?.status).toBe('False');
  });

  test('reports the loopback host address', () => {
    expect(status.addresses).toContainEqual({ type: 'InternalIP', address: simulatedHostIP });
  });
});

test('buildNodeLabels names the node and marks it simulated', () => {
  expect(buildNodeLabels('n1')).toMatchObject({ 'kubernetes.io/hostname': 'n1', 'kanary.dev/simulated': 'true' });
});
