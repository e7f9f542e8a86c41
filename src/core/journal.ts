/**
 * The release journal of one reconcile (pure): the next `status.journal` and the Events for
 * decisions no other Event reports (a person's promote, promote --full, pause and resume).
 * Level-triggered: entries come from comparing the journal's cursor (what it last recorded) with
 * what the plan decides now, and the cursor is written in the same status write, so a controller
 * restart between a decision and its status write records the decision once, on the next
 * reconcile, and a reconcile that changes nothing adds nothing.
 */
import { JOURNAL_ENTRY_LIMIT, type JournalCursor, type JournalEntry, type RolloutJournal } from '../api/journal.js';
import type { RecordEventAction } from './actions.js';
import { blueGreenCursor, scanAutoPromotion, scanPromotionRuns, scanSwitch } from './journal-bluegreen.js';
import { formatJournalLine } from './journal-describe.js';
import { journalWordsFor } from './journal-words.js';
import {
  addEntry,
  scanAbortIntents,
  scanCompletion,
  scanControllerAbort,
  scanPauses,
  scanPromoteIntents,
  scanRevision,
  scanSpecPause,
  scanSteps,
  scanWeight,
  type JournalScan,
} from './journal-entries.js';
import type { PlanContext, PlanDraft } from './plan-context.js';

export interface JournalResult {
  journal: RolloutJournal;
  events: RecordEventAction[];
}

/**
 * The weight the router reports. A weight is journaled when it is seen applied, on the reconcile
 * after the write (the Mapping's watch event wakes it), so a failed write records nothing and a
 * lost status write cannot lose it: the weight is still on the router to be seen.
 */
function observedWeight(ctx: PlanContext): number {
  return ctx.trafficRouted ? ctx.routeWeight : 0;
}

function compactCursor(cursor: JournalCursor): JournalCursor {
  const { pauses, abort, promoteFull, paused, runsPassed, ...rest } = cursor;
  return {
    ...rest,
    ...(runsPassed !== undefined && runsPassed.length > 0 ? { runsPassed } : {}),
    ...(pauses !== undefined && pauses.length > 0 ? { pauses } : {}),
    ...(abort === true ? { abort } : {}),
    ...(promoteFull === true ? { promoteFull } : {}),
    ...(paused === true ? { paused } : {}),
  };
}

export function buildJournalCursor(ctx: PlanContext, draft: PlanDraft): JournalCursor {
  return compactCursor({
    podTemplateHash: ctx.hash,
    revision: ctx.revision,
    stableHash: draft.stableHash,
    stepIndex: draft.stepIndex,
    weight: observedWeight(ctx),
    pauses: draft.pauseConditions.map((c) => c.reason),
    abort: draft.abort,
    promoteFull: draft.promoteFull,
    paused: ctx.rollout.spec.paused,
    ...blueGreenCursor(ctx),
  });
}

/**
 * Where the journal starts when status has none: a brand-new Rollout starts from nothing (its
 * first revision is recorded as Deployed); a Rollout already under way (a controller upgrade)
 * starts from its status as it stands, recording nothing retroactively.
 */
function startingCursor(ctx: PlanContext): JournalCursor | undefined {
  const saved = ctx.prev.journal?.cursor;
  if (saved !== undefined) return saved;
  const prev = ctx.prev;
  if (prev.stableRS === undefined || prev.currentPodHash === undefined) return undefined;
  return compactCursor({
    podTemplateHash: prev.currentPodHash,
    revision: ctx.revision,
    stableHash: prev.stableRS,
    stepIndex: prev.currentStepIndex ?? ctx.steps.length,
    weight: ctx.routeWeight,
    pauses: (prev.pauseConditions ?? []).map((c) => c.reason),
    abort: prev.abort,
    promoteFull: prev.promoteFull,
    paused: ctx.rollout.spec.paused,
    ...blueGreenCursor(ctx),
  });
}

function deriveEntries(scan: JournalScan): void {
  const blueGreen = scan.ctx.rollout.spec.strategy.blueGreen !== undefined;
  scanWeight(scan);
  scanRevision(scan);
  scanAbortIntents(scan);
  scanPromoteIntents(scan);
  scanSpecPause(scan);
  scanSteps(scan);
  if (blueGreen) scanPromotionRuns(scan);
  if (blueGreen) scanAutoPromotion(scan, scan.draft);
  scanPauses(scan);
  scanControllerAbort(scan);
  if (blueGreen) scanSwitch(scan);
  scanCompletion(scan);
}

function firstEntries(ctx: PlanContext, next: JournalCursor): JournalEntry[] {
  const scan: JournalScan = { ctx, draft: {} as PlanDraft, base: next, next, entries: [] };
  addEntry(scan, { decision: 'Deployed', by: 'controller', reason: `first revision ${ctx.revision} (${ctx.hash}) deployed at full scale${journalWordsFor(ctx).deployed}` });
  return scan.entries;
}

const EVENT_REASONS = { Promoted: 'RolloutPromoted', PromotedFull: 'RolloutPromoted', Paused: 'RolloutPaused', Resumed: 'RolloutResumed' } as const;

function eventsFor(entries: readonly JournalEntry[]): RecordEventAction[] {
  const events: RecordEventAction[] = [];
  for (const entry of entries) {
    const reason = (EVENT_REASONS as Partial<Record<string, RecordEventAction['reason']>>)[entry.decision];
    if (reason !== undefined) events.push({ type: 'recordEvent', eventType: 'Normal', reason, message: formatJournalLine(entry) });
  }
  return events;
}

export function computeJournal(ctx: PlanContext, draft: PlanDraft): JournalResult {
  let next = buildJournalCursor(ctx, draft);
  const from = startingCursor(ctx);
  let added: JournalEntry[];
  if (from === undefined) {
    added = firstEntries(ctx, next);
  } else {
    const scan: JournalScan = { ctx, draft, base: from, next, entries: [] };
    deriveEntries(scan);
    added = scan.entries;
    // A blue/green completion waits for the switch to be seen: the cursor keeps the old stable until then.
    if (next.activeHash !== undefined) next = { ...next, stableHash: scan.base.stableHash };
  }
  const previous = ctx.prev.journal;
  const entries = [...(previous?.entries ?? []), ...added].slice(-JOURNAL_ENTRY_LIMIT);
  const last = entries[entries.length - 1];
  const journal: RolloutJournal = {
    ...(last !== undefined ? { lastDecision: formatJournalLine(last) } : {}),
    recorded: (previous?.recorded ?? 0) + added.length,
    entries,
    cursor: next,
  };
  return { journal, events: eventsFor(added) };
}
