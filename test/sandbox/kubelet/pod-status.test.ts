import type { ContainerSnapshot } from '../../../src/sandbox/kubelet/container-state.js';
import { buildPodStatus, computePodPhase, formatTime } from '../../../src/sandbox/kubelet/pod-status.js';

const t0 = new Date('2024-05-01T10:00:00.123Z');
const t1 = new Date('2024-05-01T10:00:05.000Z');

const creating: ContainerSnapshot = { name: 'app', image: 'img', ready: false, restartCount: 0, state: { kind: 'waiting', reason: 'ContainerCreating' } };
const running: ContainerSnapshot = { name: 'app', image: 'img', ready: false, restartCount: 0, state: { kind: 'running', startedAt: t0 }, containerID: 'sim://u/app/0' };
const ready: ContainerSnapshot = { ...running, ready: true };
const crashed: ContainerSnapshot = {
  name: 'app', image: 'img', ready: false, restartCount: 0,
  state: { kind: 'waiting', reason: 'CrashLoopBackOff' },
  lastTerminated: { kind: 'terminated', exitCode: 1, reason: 'Error', startedAt: t0, finishedAt: t1 },
};
const exited: ContainerSnapshot = { ...creating, state: { kind: 'terminated', exitCode: 1, reason: 'Error', startedAt: t0, finishedAt: t1 } };

describe('computePodPhase', () => {
  test.each([
    ['no container started yet', [creating], 'Pending'],
    ['one running, one creating', [ready, { ...creating, name: 'side' }], 'Pending'],
    ['all running', [running, { ...ready, name: 'side' }], 'Running'],
    ['crash-looping', [crashed], 'Running'],
    ['all exited for good', [exited], 'Failed'],
    ['one exited, one running', [exited, { ...running, name: 'side' }], 'Running'],
    ['no containers', [], 'Pending'],
  ] as [string, ContainerSnapshot[], string][])('%s -> %s', (_name, containers, phase) => {
    expect(computePodPhase(containers)).toBe(phase);
  });
});

function conditionStatus(status: ReturnType<typeof buildPodStatus>, type: string): string | undefined {
  return status.conditions.find((c) => c.type === type)?.status;
}

describe('buildPodStatus', () => {
  const base = { initContainers: [], podIP: '127.40.0.7', hostIP: '127.0.0.1', startTime: t0, previousConditions: [], now: t0 };

  test.each([
    ['creating', [creating], 'False'],
    ['running, not yet ready', [running], 'False'],
    ['ready', [ready], 'True'],
    ['crash-looping', [crashed], 'False'],
    ['one of two ready', [ready, { ...running, name: 'side' }], 'False'],
  ] as [string, ContainerSnapshot[], string][])('%s: Ready and ContainersReady = %s', (_name, containers, readyStatus) => {
    const status = buildPodStatus({ ...base, containers });
    expect(conditionStatus(status, 'Ready')).toBe(readyStatus);
    expect(conditionStatus(status, 'ContainersReady')).toBe(readyStatus);
    expect(conditionStatus(status, 'PodScheduled')).toBe('True');
    expect(conditionStatus(status, 'Initialized')).toBe('True');
  });

  test('reports the IPs, the start time and each container', () => {
    const status = buildPodStatus({ ...base, containers: [ready] });
    expect(status).toMatchObject({
      phase: 'Running',
      podIP: '127.40.0.7',
      podIPs: [{ ip: '127.40.0.7' }],
      hostIP: '127.0.0.1',
      startTime: '2024-05-01T10:00:00Z',
    });
    expect(status.containerStatuses).toEqual([{
      name: 'app', image: 'img', imageID: 'sim://img', containerID: 'sim://u/app/0', ready: true, started: true,
      restartCount: 0, state: { running: { startedAt: '2024-05-01T10:00:00Z' } }, lastState: {},
    }]);
  });

  test('a crashed container shows its last termination', () => {
    const [status] = buildPodStatus({ ...base, containers: [crashed] }).containerStatuses;
    expect(status).toMatchObject({
      ready: false,
      started: false,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2024-05-01T10:00:05Z' } },
    });
  });

  test('a condition keeps its transition time until its status changes', () => {
    const first = buildPodStatus({ ...base, containers: [running] });
    const same = buildPodStatus({ ...base, containers: [running], previousConditions: first.conditions, now: t1 });
    const flipped = buildPodStatus({ ...base, containers: [ready], previousConditions: same.conditions, now: t1 });
    const readyOf = (s: typeof first) => s.conditions.find((c) => c.type === 'Ready');
    expect(readyOf(same)?.lastTransitionTime).toBe(formatTime(t0));
    expect(readyOf(flipped)).toMatchObject({ status: 'True', lastTransitionTime: formatTime(t1) });
    expect(flipped.conditions.find((c) => c.type === 'PodScheduled')?.lastTransitionTime).toBe(formatTime(t0));
  });

  test('init containers are reported as completed', () => {
    const status = buildPodStatus({ ...base, containers: [ready], initContainers: [{ name: 'migrate', image: 'tool' }] });
    expect(status.initContainerStatuses).toEqual([expect.objectContaining({
      name: 'migrate', ready: true, state: { terminated: expect.objectContaining({ exitCode: 0, reason: 'Completed' }) },
    })]);
  });
});
