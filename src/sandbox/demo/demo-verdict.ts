/** Whether the demo's outcomes were as expected, from the Rollout's outcome and the real traffic. */
import type { ReleaseAnalysis, ReleaseResult } from './demo-releases.js';
import { describeGate, formatJudgeEvidence } from './judge-evidence.js';
import { checkCanaryShares, type Segment } from './traffic-ledger.js';

export interface Verdict {
  ok: boolean;
  lines: string[];
}

export const SHARE_TOLERANCE_POINTS = 5;
export const MIN_SEGMENT_REQUESTS = 100;

function shareLines(result: ReleaseResult, segments: Segment[]): { ok: boolean; lines: string[] } {
  const checks = checkCanaryShares(segments, result.toVersion, { minRequests: MIN_SEGMENT_REQUESTS, tolerancePoints: SHARE_TOLERANCE_POINTS });
  const lines = checks.map((c) => `    step ${c.segment.stepIndex ?? '-'} at weight ${c.segment.appliedWeight}%: ${c.observedPercent.toFixed(1)}% of ${c.segment.tally.total} answers from ${result.toVersion} ${c.ok ? 'ok' : `(off by more than ${SHARE_TOLERANCE_POINTS} points)`}`);
  return { ok: checks.every((c) => c.ok), lines };
}

function failureRule(result: ReleaseResult): { ok: boolean; text: string } {
  const { total, failed } = result.tally;
  const percent = total === 0 ? 0 : (100 * failed) / total;
  const text = `${failed} failed of ${total} requests (${percent.toFixed(2)}%)`;
  if (result.scenario === 'rollback') return { ok: total > 0 && percent < 5, text: `${text}, expected under 5%` };
  return { ok: total > 0 && failed === 0, text: `${text}, expected none` };
}

/**
 * The analysis in a few lines: each judge's evidence, and for a rolled-back release the gate that
 * aborted it. Informative only: which gate fires first depends on timing, the outcome does not.
 */
export function analysisLines(result: ReleaseResult): string[] {
  const analysis: ReleaseAnalysis | undefined = result.analysis;
  if (analysis === undefined) return ['    analysis: its AnalysisRuns could not be read'];
  const lines = analysis.judge.map((e) => `    judge "${e.metric}": ${formatJudgeEvidence(e)}`);
  if (analysis.judge.length === 0) lines.push('    judge: no judged measurement in this release');
  const gate = analysis.abortedBy;
  if (gate !== undefined) {
    const beforeJudge = !gate.judged && !analysis.judge.some((e) => e.verdict === 'fail');
    const judgeFirst = beforeJudge ? ', before the judge decided (its evidence so far is above)' : '';
    lines.push(`    aborted by ${describeGate(gate)}${judgeFirst}: ${gate.message}`);
  }
  return lines;
}

export function judgeRelease(result: ReleaseResult, segments: Segment[]): Verdict {
  const shares = shareLines(result, segments);
  const failures = failureRule(result);
  const ok = result.ok && shares.ok && failures.ok;
  return {
    ok,
    lines: [
      `${ok ? 'PASS' : 'FAIL'} ${result.scenario} ${result.release}: ${result.detail}`,
      `    traffic: ${failures.text} ${failures.ok ? 'ok' : 'NOT OK'}`,
      ...shares.lines,
      ...analysisLines(result),
    ],
  };
}
