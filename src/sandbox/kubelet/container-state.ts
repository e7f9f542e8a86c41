/** What one simulated container is doing, as the kubelet reports it. */
export type ContainerState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: Date }
  | { kind: 'terminated'; exitCode: number; reason: string; message?: string; startedAt: Date; finishedAt: Date };

export type TerminatedState = Extract<ContainerState, { kind: 'terminated' }>;

export interface ContainerSnapshot {
  name: string;
  image: string;
  ready: boolean;
  restartCount: number;
  state: ContainerState;
  lastTerminated?: TerminatedState;
  /** Changes with every start, as a runtime's container id does. */
  containerID?: string;
}
