/**
 * AnalysisRuns seen from the Rollout: deterministic names `<rollout>-<hash>-<revision>[-<step>]`
 * (blue/green: `<rollout>-<hash>-<revision>-pre` and `-post`),
 * with `.<attempt>` appended for fresh runs after a retry or an accepted Inconclusive run.
 * A run whose spec.terminate is set is "consumed": it never decides again, and the next run for
 * the same slot gets the next attempt number.
 */
import type { AnalysisRunView } from './snapshot.js';

export interface RunSlot {
  rolloutName: string;
  podTemplateHash: string;
  revision: number;
  /** Undefined for background analysis. */
  stepIndex?: number;
  /** Blue/green promotion analysis: `pre` or `post` (then stepIndex is undefined). */
  promotion?: PromotionKind;
}

export type PromotionKind = 'pre' | 'post';

export function analysisRunBaseName(slot: RunSlot): string {
  const base = `${slot.rolloutName}-${slot.podTemplateHash}-${slot.revision}`;
  if (slot.promotion !== undefined) return `${base}-${slot.promotion}`;
  return slot.stepIndex === undefined ? base : `${base}-${slot.stepIndex}`;
}

function attemptOf(name: string, base: string): number | undefined {
  if (name === base) return 0;
  if (!name.startsWith(`${base}.`)) return undefined;
  const rest = name.slice(base.length + 1);
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}

export interface SlotRuns {
  /** The latest run of the slot that is not terminated (the one that decides). */
  active?: AnalysisRunView;
  /** The latest run of the slot, terminated or not (for status). */
  latest?: AnalysisRunView;
  /** Name for a fresh run of the slot. */
  nextName: string;
}

export function findSlotRuns(runs: readonly AnalysisRunView[], slot: RunSlot): SlotRuns {
  const base = analysisRunBaseName(slot);
  let latest: AnalysisRunView | undefined;
  let latestAttempt = -1;
  for (const run of runs) {
    const attempt = attemptOf(run.name, base);
    if (attempt !== undefined && attempt > latestAttempt) {
      latest = run;
      latestAttempt = attempt;
    }
  }
  const nextAttempt = latestAttempt + 1;
  const nextName = nextAttempt === 0 ? base : `${base}.${nextAttempt}`;
  const active = latest !== undefined && latest.terminated !== true ? latest : undefined;
  return { active, latest, nextName };
}

export function isRunFailure(run: AnalysisRunView): boolean {
  return run.phase === 'Failed' || run.phase === 'Error';
}

export function describeRunFailure(run: AnalysisRunView): string {
  const detail = run.message !== undefined && run.message !== '' ? `: ${run.message}` : '';
  return `AnalysisRun "${run.name}" ${run.phase === 'Error' ? 'errored' : 'failed'}${detail}`;
}
