/**
 * Durations of one release from its journal entries (pure): how long the canary held each weight,
 * how long from the first canary traffic to the decision, and how long each rollback took (from
 * the abort to the canary weight seen at 0, or for blue/green to the active Service seen switched back).
 */
import type { JournalEntry } from '../api/journal.js';

export interface WeightSpan {
  weight: number;
  from: string;
  /** Absent while the canary still holds this weight. */
  to?: string;
  durationMs: number;
}

export interface ReleaseDurations {
  /** From the release's start to its decision (or to now / the next release). */
  totalMs?: number;
  /** From the first canary traffic to the decision (promotion or last abort). */
  canaryToDecisionMs?: number;
  /** Time at each canary weight, in order (a weight held twice appears twice). */
  weights: WeightSpan[];
  /** Total time at each weight, by weight. */
  timeAtWeightMs: Record<string, number>;
  /** For each abort: from the abort to the canary weight at 0 (blue/green: the switch back). */
  rollbacksMs: number[];
}

function ms(time: string): number {
  return Date.parse(time);
}

function weightSpans(entries: readonly JournalEntry[], endMs: number): WeightSpan[] {
  const sets = entries.filter((e) => e.decision === 'WeightSet' && e.weight !== undefined);
  return sets.map((entry, i) => {
    const next = sets[i + 1];
    const toMs = next === undefined ? endMs : ms(next.time);
    return { weight: entry.weight ?? 0, from: entry.time, ...(next !== undefined ? { to: next.time } : {}), durationMs: Math.max(0, toMs - ms(entry.time)) };
  });
}

function rollbacks(entries: readonly JournalEntry[]): number[] {
  const result: number[] = [];
  entries.forEach((entry, i) => {
    if (entry.decision !== 'Aborted') return;
    const zero = entries.slice(i).find((e) => (e.decision === 'WeightSet' && e.weight === 0) || e.decision === 'Switched');
    if (zero !== undefined) result.push(Math.max(0, ms(zero.time) - ms(entry.time)));
  });
  return result;
}

function decisionTime(entries: readonly JournalEntry[]): number | undefined {
  const decided = [...entries].reverse().find((e) => e.decision === 'Completed' || e.decision === 'Aborted' || e.decision === 'Retried');
  return decided === undefined || decided.decision === 'Retried' ? undefined : ms(decided.time);
}

function timeAtWeight(spans: readonly WeightSpan[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const span of spans) total[String(span.weight)] = (total[String(span.weight)] ?? 0) + span.durationMs;
  return total;
}

/** When the canary's story ends: the last entry of a completed release, else the window's end. */
function storyEndMs(entries: readonly JournalEntry[], endMs: number): number {
  if (!entries.some((e) => e.decision === 'Completed')) return endMs;
  const last = entries[entries.length - 1];
  return last === undefined ? endMs : ms(last.time);
}

function canaryToDecisionMs(entries: readonly JournalEntry[], decidedMs: number | undefined): number | undefined {
  const firstTraffic = entries.find((e) => e.decision === 'WeightSet' && (e.weight ?? 0) > 0);
  return firstTraffic === undefined || decidedMs === undefined ? undefined : Math.max(0, decidedMs - ms(firstTraffic.time));
}

export function computeReleaseDurations(entries: readonly JournalEntry[], window: { startedAt?: string; endMs: number }): ReleaseDurations {
  const decidedMs = decisionTime(entries);
  const spans = weightSpans(entries, storyEndMs(entries, window.endMs)).filter((span) => span.weight > 0 || span.to !== undefined);
  const start = window.startedAt === undefined ? Number.NaN : ms(window.startedAt);
  const toDecision = canaryToDecisionMs(entries, decidedMs);
  return {
    ...(Number.isNaN(start) ? {} : { totalMs: Math.max(0, (decidedMs ?? window.endMs) - start) }),
    ...(toDecision === undefined ? {} : { canaryToDecisionMs: toDecision }),
    weights: spans,
    timeAtWeightMs: timeAtWeight(spans),
    rollbacksMs: rollbacks(entries),
  };
}
