// The judge as a sequential test: one step per interval, state in plain numbers (it can live in a
// status field and a restart resumes it). Abort when the abort e-process reaches 1/alpha; promote
// early when the mirror e-process reaches 1/beta; otherwise go on until maxIntervals or the end of
// the data, which is inconclusive (pause for a human by default, never promote).
import type { InconclusiveAction, JudgeConfig } from './judge-config.js';
import type { IntervalAssessment, IntervalCounts } from './interval-counts.js';
import { assessIntervalCounts } from './interval-counts.js';
import type { ArmCounts } from './rate-ratio.js';
import { addIntervalEvidence, buildAbortAlternatives, buildPromoteAlternatives, computeCanaryShare, computeMixtureLogEvidence } from './rate-ratio.js';

export type InconclusiveReason = 'warmup' | 'noTraffic' | 'noCanaryTraffic' | 'noBaselineTraffic' | 'missingData' | 'noBadEvents' | 'notEnoughEvidence';

export type JudgeVerdict =
  | { outcome: 'fail'; interval: number }
  | { outcome: 'pass'; interval: number }
  | { outcome: 'inconclusive'; interval: number; reason: InconclusiveReason; action: InconclusiveAction };

export interface JudgeState {
  /** Intervals seen, whatever their status. */
  intervals: number;
  /** Intervals whose counts entered the evidence (complete and after warm-up). */
  judgedIntervals: number;
  missingIntervals: number;
  invalidIntervals: number;
  /** Sums over the judged intervals. */
  canaryRequests: number;
  canaryErrors: number;
  baselineRequests: number;
  baselineErrors: number;
  /** Bad events of judged intervals where both arms had requests (the only ones that carry evidence). */
  informativeEvents: number;
  /** Σ_j ℓ_j(r_k; tolerance), one per abort alternative. */
  abortLogLikelihoods: number[];
  /** Σ_j ℓ_j(r_k; badRatio), one per promotion alternative; empty without badRatio. */
  promoteLogLikelihoods: number[];
  /** Judged intervals kept out of the promotion evidence as shared spikes (see isSharedSpike). */
  spikeIntervals: number;
  /** Requests and bad events (both arms) of the judged intervals that were not spikes: the calm rate. */
  calmRequests: number;
  calmEvents: number;
  verdict?: JudgeVerdict;
}

export type IntervalStatus = 'warmup' | 'judged' | 'missing' | 'invalid' | 'afterVerdict';

export interface JudgeStep {
  interval: number;
  status: IntervalStatus;
  assessment: IntervalAssessment;
  /** The state after this interval. */
  state: JudgeState;
  /** Set on the interval that decided. */
  verdict?: JudgeVerdict;
}

export function buildInitialJudgeState(config: JudgeConfig): JudgeState {
  return {
    intervals: 0,
    judgedIntervals: 0,
    missingIntervals: 0,
    invalidIntervals: 0,
    canaryRequests: 0,
    canaryErrors: 0,
    baselineRequests: 0,
    baselineErrors: 0,
    informativeEvents: 0,
    abortLogLikelihoods: buildAbortAlternatives(config.tolerance).map(() => 0),
    promoteLogLikelihoods: config.badRatio === undefined ? [] : buildPromoteAlternatives(config.badRatio).map(() => 0),
    spikeIntervals: 0,
    calmRequests: 0,
    calmEvents: 0,
  };
}

/** A spike has SPIKE_FACTOR × the bad events that the calm rate predicts, and SPIKE_MIN_EXCESS more. */
export const SPIKE_FACTOR = 3;
export const SPIKE_MIN_EXCESS = 10;

/**
 * True when the interval's bad events, both arms together, are far above what the calm rate (the
 * combined rate of the earlier judged intervals that were not spikes) predicts for its requests: a
 * shared incident. The first judged interval sets the calm rate and is never a spike. Such an interval still counts for the
 * abort test (a canary that crashes outright also makes a spike) but not for early promotion: an
 * incident that adds the same errors to both arms would otherwise be read as "canary no worse" and
 * swamp a real regression. The choice looks only at the total count, never at which arm the events
 * came from, so the promotion e-process stays valid (each interval's test is conditional on it).
 */
export function isSharedSpike(state: JudgeState, counts: ArmCounts): boolean {
  if (state.calmRequests <= 0) return false;
  const events = counts.canaryErrors + counts.baselineErrors;
  const expected = (state.calmEvents / state.calmRequests) * (counts.canaryRequests + counts.baselineRequests);
  return events - expected >= SPIKE_MIN_EXCESS && events > SPIKE_FACTOR * expected;
}

/** log E of the abort test (H0: ratio ≤ tolerance). */
export function computeAbortLogEvidence(state: JudgeState): number {
  return computeMixtureLogEvidence(state.abortLogLikelihoods);
}

/** log E of the early-promotion test (H0': ratio ≥ badRatio); 0 when promotion is off. */
export function computePromoteLogEvidence(state: JudgeState): number {
  return computeMixtureLogEvidence(state.promoteLogLikelihoods);
}

function addJudged(state: JudgeState, counts: ArmCounts, config: JudgeConfig): JudgeState {
  const spike = isSharedSpike(state, counts);
  const promoting = config.badRatio !== undefined && !spike;
  const informative = computeCanaryShare(counts) === undefined ? 0 : counts.canaryErrors + counts.baselineErrors;
  return {
    ...state,
    judgedIntervals: state.judgedIntervals + 1,
    canaryRequests: state.canaryRequests + counts.canaryRequests,
    canaryErrors: state.canaryErrors + counts.canaryErrors,
    baselineRequests: state.baselineRequests + counts.baselineRequests,
    baselineErrors: state.baselineErrors + counts.baselineErrors,
    informativeEvents: state.informativeEvents + informative,
    abortLogLikelihoods: addIntervalEvidence(state.abortLogLikelihoods, counts, buildAbortAlternatives(config.tolerance), config.tolerance),
    promoteLogLikelihoods: promoting
      ? addIntervalEvidence(state.promoteLogLikelihoods, counts, buildPromoteAlternatives(config.badRatio ?? 0), config.badRatio ?? 0)
      : state.promoteLogLikelihoods,
    spikeIntervals: state.spikeIntervals + (spike ? 1 : 0),
    calmRequests: state.calmRequests + (spike ? 0 : counts.canaryRequests + counts.baselineRequests),
    calmEvents: state.calmEvents + (spike ? 0 : counts.canaryErrors + counts.baselineErrors),
  };
}

function classify(assessment: IntervalAssessment, interval: number, config: JudgeConfig): IntervalStatus {
  if (assessment.kind === 'invalid') return 'invalid';
  if (assessment.kind === 'missing') return 'missing';
  return interval <= config.warmupIntervals ? 'warmup' : 'judged';
}

function countStatus(state: JudgeState, status: IntervalStatus): JudgeState {
  if (status === 'missing') return { ...state, missingIntervals: state.missingIntervals + 1 };
  if (status === 'invalid') return { ...state, invalidIntervals: state.invalidIntervals + 1 };
  return state;
}

/** Why an undecided run ends inconclusive, from the state alone. */
export function assessInconclusiveReason(state: JudgeState): InconclusiveReason {
  if (state.judgedIntervals === 0) return state.missingIntervals + state.invalidIntervals > 0 ? 'missingData' : 'warmup';
  if (state.canaryRequests === 0 && state.baselineRequests === 0) return 'noTraffic';
  if (state.canaryRequests === 0) return 'noCanaryTraffic';
  if (state.baselineRequests === 0) return 'noBaselineTraffic';
  if (state.informativeEvents === 0) return 'noBadEvents';
  return 'notEnoughEvidence';
}

function decide(state: JudgeState, status: IntervalStatus, config: JudgeConfig, spike: boolean): JudgeVerdict | undefined {
  const interval = state.intervals;
  const enoughEvents = state.informativeEvents >= config.minEvents;
  if (status === 'judged' && enoughEvents) {
    if (computeAbortLogEvidence(state) >= Math.log(1 / config.alpha)) return { outcome: 'fail', interval };
    const promotable =
      !spike &&
      config.badRatio !== undefined &&
      state.judgedIntervals >= config.minPromoteIntervals &&
      computePromoteLogEvidence(state) >= Math.log(1 / config.beta);
    if (promotable) return { outcome: 'pass', interval };
  }
  if (config.maxIntervals !== undefined && interval >= config.maxIntervals) {
    return { outcome: 'inconclusive', interval, reason: assessInconclusiveReason(state), action: config.onInconclusive };
  }
  return undefined;
}

/**
 * Judges one more interval. Missing or invalid counts add no evidence and cannot promote (a
 * canary whose error series vanished is not promoted on old evidence); warm-up intervals are seen
 * but not judged; a shared spike counts for the abort test only and cannot promote. After a
 * verdict the state no longer changes.
 */
export function stepJudge(state: JudgeState, counts: IntervalCounts, config: JudgeConfig): JudgeStep {
  const assessment = assessIntervalCounts(counts);
  if (state.verdict) return { interval: state.intervals, status: 'afterVerdict', assessment, state };
  const interval = state.intervals + 1;
  const status = classify(assessment, interval, config);
  let next = countStatus({ ...state, intervals: interval }, status);
  const spike = status === 'judged' && assessment.kind === 'complete' && isSharedSpike(state, assessment.counts);
  if (status === 'judged' && assessment.kind === 'complete') next = addJudged(next, assessment.counts, config);
  const verdict = decide(next, status, config, spike);
  if (verdict) next = { ...next, verdict };
  return { interval, status, assessment, state: next, ...(verdict ? { verdict } : {}) };
}

/** The verdict of a run whose data ended: its own if it decided, else inconclusive. */
export function finishJudge(state: JudgeState, config: JudgeConfig): JudgeVerdict {
  return state.verdict ?? { outcome: 'inconclusive', interval: state.intervals, reason: assessInconclusiveReason(state), action: config.onInconclusive };
}

/** Judges a whole series of intervals: the steps up to the deciding one, and the verdict. */
export function assessJudgeRun(intervals: readonly IntervalCounts[], config: JudgeConfig): { steps: JudgeStep[]; verdict: JudgeVerdict } {
  const steps: JudgeStep[] = [];
  let state = buildInitialJudgeState(config);
  for (const counts of intervals) {
    const step = stepJudge(state, counts, config);
    steps.push(step);
    state = step.state;
    if (step.verdict) break;
  }
  return { steps, verdict: finishJudge(state, config) };
}
