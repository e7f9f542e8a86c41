// What a judged measurement means to a person: counts per arm, observed ratio, evidence against
// its threshold, and what further evidence would abort or promote. Pure; formatters return text.
import type { JudgeConfig } from './judge-config.js';
import type { JudgeState } from './judge-process.js';
import { computeAbortLogEvidence, computePromoteLogEvidence } from './judge-process.js';
import { buildAbortAlternatives, buildPromoteAlternatives, computeCanaryEventProbability, computeMixtureLogEvidence } from './rate-ratio.js';

export interface JudgeExplanation {
  canaryRequests: number;
  canaryErrors: number;
  baselineRequests: number;
  baselineErrors: number;
  /** Canary error rate / stable error rate over the judged intervals; Infinity when only the canary had bad events; undefined without traffic in an arm or without bad events. */
  observedRatio?: number;
  /** E of the abort test and the E that aborts (1/alpha). */
  abortEvidence: number;
  abortThreshold: number;
  /** E of the early-promotion test and the E that promotes (1/beta); unset when promotion is off. */
  promoteEvidence?: number;
  promoteThreshold?: number;
  /** Bad events still needed before any decision (minEvents). */
  eventsBeforeDecision: number;
  /** How many more canary bad events, with none in stable, at the run's canary share would abort. */
  canaryErrorsToAbort?: number;
  /** How many more stable bad events, with none in the canary, would promote early. */
  baselineErrorsToPromote?: number;
}

const MAX_EVENTS_SEARCHED = 1_000_000;

/** Smallest k ≥ 0 with mixture(L_i + k·slope_i) ≥ threshold (monotone in k: binary search). */
function eventsToReach(sums: readonly number[], slopes: readonly number[], threshold: number): number | undefined {
  const reaches = (k: number): boolean => computeMixtureLogEvidence(sums.map((sum, i) => sum + k * (slopes[i] ?? 0))) >= threshold;
  if (!reaches(MAX_EVENTS_SEARCHED)) return undefined;
  let low = 0;
  let high = MAX_EVENTS_SEARCHED;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (reaches(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}

function runShare(state: JudgeState): number | undefined {
  if (state.canaryRequests <= 0 || state.baselineRequests <= 0) return undefined;
  return state.canaryRequests / (state.canaryRequests + state.baselineRequests);
}

function observedRatio(state: JudgeState): number | undefined {
  if (state.canaryRequests <= 0 || state.baselineRequests <= 0 || state.canaryErrors + state.baselineErrors === 0) return undefined;
  if (state.baselineErrors === 0) return Number.POSITIVE_INFINITY;
  return state.canaryErrors / state.canaryRequests / (state.baselineErrors / state.baselineRequests);
}

function canaryErrorsToAbort(state: JudgeState, config: JudgeConfig, share: number): number | undefined {
  const theta0 = computeCanaryEventProbability(share, config.tolerance);
  const slopes = buildAbortAlternatives(config.tolerance).map((r) => Math.log(computeCanaryEventProbability(share, r) / theta0));
  return eventsToReach(state.abortLogLikelihoods, slopes, Math.log(1 / config.alpha));
}

function baselineErrorsToPromote(state: JudgeState, config: JudgeConfig, share: number): number | undefined {
  if (config.badRatio === undefined) return undefined;
  const theta0 = computeCanaryEventProbability(share, config.badRatio);
  const slopes = buildPromoteAlternatives(config.badRatio).map((r) => Math.log((1 - computeCanaryEventProbability(share, r)) / (1 - theta0)));
  return eventsToReach(state.promoteLogLikelihoods, slopes, Math.log(1 / config.beta));
}

function withMinEvents(events: number | undefined, needed: number): number | undefined {
  return events === undefined ? undefined : Math.max(events, needed);
}

export function explainJudge(state: JudgeState, config: JudgeConfig): JudgeExplanation {
  const share = runShare(state);
  const needed = Math.max(0, config.minEvents - state.informativeEvents);
  const promoting = config.badRatio !== undefined;
  const explanation: JudgeExplanation = {
    canaryRequests: state.canaryRequests,
    canaryErrors: state.canaryErrors,
    baselineRequests: state.baselineRequests,
    baselineErrors: state.baselineErrors,
    abortEvidence: Math.exp(computeAbortLogEvidence(state)),
    abortThreshold: 1 / config.alpha,
    eventsBeforeDecision: needed,
    ...(promoting ? { promoteEvidence: Math.exp(computePromoteLogEvidence(state)), promoteThreshold: 1 / config.beta } : {}),
  };
  const ratio = observedRatio(state);
  if (ratio !== undefined) explanation.observedRatio = ratio;
  if (share === undefined) return explanation;
  const toAbort = withMinEvents(canaryErrorsToAbort(state, config, share), needed);
  if (toAbort !== undefined) explanation.canaryErrorsToAbort = toAbort;
  const toPromote = withMinEvents(baselineErrorsToPromote(state, config, share), needed);
  if (toPromote !== undefined) explanation.baselineErrorsToPromote = toPromote;
  return explanation;
}

/** An e-value for people: 0.4, 3.7, 37, 1250, 2.1e+6. */
export function formatEvidence(value: number): string {
  if (value < 10) return value.toFixed(1);
  if (value < 1e6) return String(Math.round(value));
  return value.toExponential(1);
}

/** A ratio for people: 0.53, 2.4, 12. */
export function formatRatio(value: number): string {
  if (value === 0) return '0';
  if (value < 1) return value.toPrecision(2);
  return value < 10 ? value.toFixed(1) : String(Math.round(value));
}

function describeRatio(metric: string, e: JudgeExplanation): string {
  if (e.canaryRequests <= 0) return `${metric}: no canary requests yet`;
  if (e.baselineRequests <= 0) return `${metric}: no stable requests yet`;
  if (e.observedRatio === undefined) return `${metric}: none in either arm yet`;
  if (e.observedRatio === Number.POSITIVE_INFINITY) return `${metric} ${e.canaryErrors} in canary, none in stable`;
  return `${metric} ${formatRatio(e.observedRatio)}× stable`;
}

/** One line, e.g. "errors 2.4× stable, evidence 37 of 100 to abort, 0.3 of 20 to promote". */
export function formatJudgeSummary(metric: string, e: JudgeExplanation): string {
  const abort = `evidence ${formatEvidence(e.abortEvidence)} of ${formatEvidence(e.abortThreshold)} to abort`;
  const promote =
    e.promoteEvidence === undefined || e.promoteThreshold === undefined
      ? ''
      : `, ${formatEvidence(e.promoteEvidence)} of ${formatEvidence(e.promoteThreshold)} to promote`;
  return `${describeRatio(metric, e)}, ${abort}${promote}`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What would decide, e.g. "4 more canary errors with none in stable would abort; ...". */
export function formatJudgeOutlook(metric: string, e: JudgeExplanation): string {
  const singular = metric.replace(/s$/, '');
  const parts: string[] = [];
  if (e.canaryErrorsToAbort !== undefined) parts.push(`${plural(e.canaryErrorsToAbort, `more canary ${singular}`)} with none in stable would abort`);
  if (e.baselineErrorsToPromote !== undefined) parts.push(`${plural(e.baselineErrorsToPromote, `more stable ${singular}`)} with none in the canary would promote`);
  if (e.promoteThreshold === undefined) parts.push('early promotion is off (no bad ratio)');
  if (parts.length === 0) return 'both arms need requests before any evidence counts';
  return parts.join('; ');
}
