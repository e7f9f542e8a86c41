/** Condition types, condition reasons, pause reasons and Event reasons: PascalCase literal unions. */

export const ROLLOUT_PHASES = ['Healthy', 'Progressing', 'Paused', 'Degraded'] as const;
export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];

export const ROLLOUT_CONDITION_TYPES = [
  'Progressing',
  'Available',
  'Paused',
  'Healthy',
  'Completed',
  'InvalidSpec',
] as const;
export type RolloutConditionType = (typeof ROLLOUT_CONDITION_TYPES)[number];

export const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;
export type ConditionStatus = (typeof CONDITION_STATUSES)[number];

export const PAUSE_REASONS = ['CanaryPauseStep', 'InconclusiveAnalysisRun', 'BlueGreenPause'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

/** Phases shared by AnalysisRuns, their metrics and measurements (Pending/Running only for runs). */
export const ANALYSIS_PHASES = [
  'Pending',
  'Running',
  'Successful',
  'Failed',
  'Error',
  'Inconclusive',
] as const;
export type AnalysisPhase = (typeof ANALYSIS_PHASES)[number];

/** Reasons written into Rollout status conditions. */
export type ConditionReason =
  | 'NewReplicaSetCreated'
  | 'FoundNewReplicaSet'
  | 'ReplicaSetUpdated'
  | 'NewReplicaSetAvailable'
  | 'ProgressDeadlineExceeded'
  | 'RolloutPaused'
  | 'RolloutResumed'
  | 'RolloutAborted'
  | 'RolloutRetried'
  | 'RolloutCompleted'
  | 'RolloutNotCompleted'
  | 'RolloutHealthy'
  | 'RolloutUnhealthy'
  | 'MinimumReplicasAvailable'
  | 'MinimumReplicasUnavailable'
  | 'InvalidSpec'
  | 'CanaryPauseStep'
  | 'InconclusiveAnalysisRun'
  | 'TrafficRoutingFailed';

/** Reasons of Kubernetes Events the controller records (SPEC §6). */
export type EventReason =
  | 'RolloutUpdated'
  | 'ScalingReplicaSet'
  | 'ScalingWorkload'
  | 'RolloutStepCompleted'
  | 'RolloutPaused'
  | 'RolloutResumed'
  | 'RolloutPromoted'
  | 'TrafficWeightUpdated'
  | 'TrafficRoutesUpdated'
  | 'RolloutAborted'
  | 'RolloutRetried'
  | 'RolloutCompleted'
  | 'RolloutFastRollback'
  | 'RolloutRestarting'
  | 'RolloutRestarted'
  | 'ServiceSelectorUpdated'
  | 'CanaryMappingCreated'
  | 'CanaryMappingDeleted'
  | 'TrafficRoutingFailed'
  | 'InvalidSpec'
  | 'AnalysisRunCreated'
  | 'AnalysisRunRunning'
  | 'AnalysisRunSuccessful'
  | 'AnalysisRunFailed'
  | 'AnalysisRunError'
  | 'AnalysisRunInconclusive'
  | 'AnalysisRunTerminated';

/** The Event reason for an AnalysisRun that entered `phase`. */
export function analysisRunEventReason(phase: AnalysisPhase): EventReason {
  return phase === 'Pending' ? 'AnalysisRunCreated' : `AnalysisRun${phase}`;
}
