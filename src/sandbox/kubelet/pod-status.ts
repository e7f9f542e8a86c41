import type { ContainerSnapshot, ContainerState } from './container-state.js';

/** Plain JSON shapes of the pod status fields the simulated kubelet writes. */
export interface PodConditionJson {
  type: 'PodScheduled' | 'Initialized' | 'ContainersReady' | 'Ready';
  status: 'True' | 'False';
  lastProbeTime: null;
  lastTransitionTime: string;
  reason?: string;
}

export interface PodStatusJson {
  phase: 'Pending' | 'Running' | 'Failed';
  conditions: PodConditionJson[];
  hostIP: string;
  podIP: string;
  podIPs: { ip: string }[];
  startTime: string;
  containerStatuses: Record<string, unknown>[];
  initContainerStatuses?: Record<string, unknown>[];
}

export interface PodStatusInput {
  containers: ContainerSnapshot[];
  /** Init containers are simulated as completed at once. */
  initContainers: { name: string; image: string }[];
  podIP: string;
  hostIP: string;
  startTime: Date;
  previousConditions: PodConditionJson[];
  now: Date;
}

/** RFC 3339 with second precision, as Kubernetes writes metav1.Time. */
export function formatTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function stateJson(state: ContainerState): Record<string, unknown> {
  switch (state.kind) {
    case 'waiting':
      return { waiting: { reason: state.reason, ...(state.message ? { message: state.message } : {}) } };
    case 'running':
      return { running: { startedAt: formatTime(state.startedAt) } };
    case 'terminated':
      return {
        terminated: {
          exitCode: state.exitCode,
          reason: state.reason,
          ...(state.message ? { message: state.message } : {}),
          startedAt: formatTime(state.startedAt),
          finishedAt: formatTime(state.finishedAt),
        },
      };
  }
}

export function buildContainerStatus(container: ContainerSnapshot): Record<string, unknown> {
  return {
    name: container.name,
    image: container.image,
    imageID: `sim://${container.image}`,
    ...(container.containerID ? { containerID: container.containerID } : {}),
    ready: container.ready,
    started: container.state.kind === 'running',
    restartCount: container.restartCount,
    state: stateJson(container.state),
    lastState: container.lastTerminated ? stateJson(container.lastTerminated) : {},
  };
}

function buildInitContainerStatus(init: { name: string; image: string }, startTime: Date): Record<string, unknown> {
  const at = formatTime(startTime);
  return {
    name: init.name,
    image: init.image,
    imageID: `sim://${init.image}`,
    ready: true,
    restartCount: 0,
    state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: at, finishedAt: at } },
    lastState: {},
  };
}

/** Pending until every container has started once; Failed when all have terminated for good. */
export function computePodPhase(containers: ContainerSnapshot[]): PodStatusJson['phase'] {
  if (containers.length > 0 && containers.every((c) => c.state.kind === 'terminated')) return 'Failed';
  const creating = containers.some((c) => c.state.kind === 'waiting' && c.restartCount === 0 && !c.lastTerminated);
  return creating || containers.length === 0 ? 'Pending' : 'Running';
}

function condition(
  type: PodConditionJson['type'],
  isTrue: boolean,
  input: Pick<PodStatusInput, 'previousConditions' | 'now'>,
): PodConditionJson {
  const status = isTrue ? 'True' : 'False';
  const previous = input.previousConditions.find((c) => c.type === type);
  const lastTransitionTime = previous && previous.status === status ? previous.lastTransitionTime : formatTime(input.now);
  const result: PodConditionJson = { type, status, lastProbeTime: null, lastTransitionTime };
  if (!isTrue && (type === 'Ready' || type === 'ContainersReady')) result.reason = 'ContainersNotReady';
  return result;
}

/** The complete status the kubelet reports for a pod it runs. */
export function buildPodStatus(input: PodStatusInput): PodStatusJson {
  const allReady = input.containers.length > 0 && input.containers.every((c) => c.ready);
  const status: PodStatusJson = {
    phase: computePodPhase(input.containers),
    conditions: [
      condition('Initialized', true, input),
      condition('Ready', allReady, input),
      condition('ContainersReady', allReady, input),
      condition('PodScheduled', true, input),
    ],
    hostIP: input.hostIP,
    podIP: input.podIP,
    podIPs: [{ ip: input.podIP }],
    startTime: formatTime(input.startTime),
    containerStatuses: input.containers.map(buildContainerStatus),
  };
  if (input.initContainers.length > 0) {
    status.initContainerStatuses = input.initContainers.map((init) => buildInitContainerStatus(init, input.startTime));
  }
  return status;
}
