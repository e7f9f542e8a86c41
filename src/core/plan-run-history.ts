/**
 * AnalysisRun history: complete runs of earlier revisions are kept up to
 * spec.analysis.successfulRunHistoryLimit Successful ones and unsuccessfulRunHistoryLimit
 * Failed / Error / Inconclusive ones (5 each by default), newest first; older ones are deleted.
 * A terminated Inconclusive run counts as successful history.
 * Runs of the current pod template are never pruned: their names number retry attempts, and a
 * run still deciding or just decided must stay visible until a newer revision replaces it.
 */
import type { PlanContext, PlanDraft } from './plan-context.js';
import type { AnalysisRunView } from './snapshot.js';

type HistoryKind = 'successful' | 'unsuccessful';

function historyKind(run: AnalysisRunView): HistoryKind | undefined {
  // A run terminated before it decided (an undecided background judge at promotion) ends
  // Inconclusive; it is kept with the successful ones, as Argo Rollouts counts terminated runs, so
  // it never pushes a genuine failure out of the unsuccessful history.
  if (run.phase === 'Successful' || (run.phase === 'Inconclusive' && run.terminated === true)) return 'successful';
  if (run.phase === 'Failed' || run.phase === 'Error' || run.phase === 'Inconclusive') return 'unsuccessful';
  return undefined;
}

function newestFirst(a: AnalysisRunView, b: AnalysisRunView): number {
  const byTime = (b.createdAtMs ?? 0) - (a.createdAtMs ?? 0);
  return byTime !== 0 ? byTime : b.name.localeCompare(a.name);
}

/** Names of the runs beyond the history limits, oldest last. */
export function findPrunableRuns(runs: readonly AnalysisRunView[], currentHash: string, limits: Record<HistoryKind, number>): string[] {
  const kept: Record<HistoryKind, number> = { successful: 0, unsuccessful: 0 };
  const prunable: string[] = [];
  for (const run of [...runs].sort(newestFirst)) {
    const kind = historyKind(run);
    if (kind === undefined || run.podTemplateHash === currentHash) continue;
    if (kept[kind] < limits[kind]) kept[kind] += 1;
    else prunable.push(run.name);
  }
  return prunable;
}

export function planRunHistory(ctx: PlanContext, draft: PlanDraft): void {
  const history = ctx.rollout.spec.analysis;
  const limits = { successful: history.successfulRunHistoryLimit, unsuccessful: history.unsuccessfulRunHistoryLimit };
  for (const name of findPrunableRuns(ctx.snapshot.analysisRuns, ctx.hash, limits)) {
    draft.actions.push({ type: 'deleteAnalysisRun', name });
  }
}
