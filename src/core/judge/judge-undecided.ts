// A judged metric whose run ends before the judge decided (the run was terminated: background
// analysis at promotion, a step analysis skipped by promote, an abort). Argo completes a terminated
// metric as Successful; for the judge that would read "no verdict" as a pass, so the metric ends
// Inconclusive and says "judge undecided". The judge's state keeps no verdict: it did not decide.
import type { MetricResult } from '../../api/analysis.js';
import type { JudgeConfig } from './judge-config.js';
import { explainJudge, formatJudgeSummary } from './judge-explain.js';
import { judgeStateOf } from './judge-metric.js';

/** `1 interval`, `7 intervals`. */
export function formatIntervals(n: number): string {
  return `${n} interval${n === 1 ? '' : 's'}`;
}

/** The metric's outcome when its run is terminated while the judge is undecided: Inconclusive. */
export function assessUndecidedJudge(result: MetricResult, config: JudgeConfig): { phase: 'Inconclusive'; message: string } {
  const state = judgeStateOf(result, config);
  const evidence = formatJudgeSummary('errors', explainJudge(state, config));
  return {
    phase: 'Inconclusive',
    message: `judge undecided after ${formatIntervals(state.intervals)}: the run was terminated before a verdict (${evidence}); not a pass`,
  };
}

/** True for a judged metric that ended Inconclusive without a verdict (its run was terminated). */
export function isUndecidedJudge(result: Pick<MetricResult, 'phase' | 'judge'>): boolean {
  return result.phase === 'Inconclusive' && result.judge !== undefined && result.judge.state.verdict === undefined;
}
