/**
 * The journal entries of one reconcile (pure), derived by comparing what the journal last recorded
 * (`from`, the cursor) with where the plan leaves the rollout. First what happened to the rollout
 * from outside since the last record (a new template, and the intents the CLI patched into status:
 * abort, retry, promote, promote --full, pause), then the controller's own decisions (steps
 * completed, pauses started, an analysis verdict, an abort, a weight written, the promotion).
 */
import type { JournalActor, JournalCursor, JournalDecision, JournalEntry } from '../api/journal.js';
import { analysisRunBaseName, describeRunFailure, findSlotRuns } from './canary-analysis.js';
import { describeJournalStep } from './journal-describe.js';
import { journalWordsFor, stepLabel } from './journal-words.js';
import { computePauseDurationMs, toIsoTime } from './pause.js';
import type { PlanContext, PlanDraft } from './plan-context.js';
import type { AnalysisRunView } from './snapshot.js';

export interface JournalScan {
  ctx: PlanContext;
  draft: PlanDraft;
  /** The journal's view, moved forward as entries are derived. */
  base: JournalCursor;
  /** Where this plan leaves the rollout. */
  next: JournalCursor;
  entries: JournalEntry[];
}

interface EntryFields {
  decision: JournalDecision;
  by: JournalActor;
  reason: string;
  step?: number;
  run?: AnalysisRunView;
  weights?: { from: number; to: number };
}

export function addEntry(scan: JournalScan, fields: EntryFields): void {
  const { ctx } = scan;
  const entry: JournalEntry = { time: toIsoTime(ctx.now), revision: ctx.revision, decision: fields.decision, by: fields.by, reason: fields.reason };
  const step = fields.step ?? (ctx.steps.length > 0 ? scan.base.stepIndex : undefined);
  if (step !== undefined) entry.step = step;
  if (fields.weights !== undefined) Object.assign(entry, { fromWeight: fields.weights.from, weight: fields.weights.to });
  if (fields.run !== undefined) Object.assign(entry, runFields(fields.run));
  scan.entries.push(entry);
}

function runFields(run: AnalysisRunView): Pick<JournalEntry, 'analysisRun' | 'verdict' | 'values'> {
  const values = run.values ?? [];
  return { analysisRun: run.name, verdict: run.phase, ...(values.length > 0 ? { values } : {}) };
}

// ---------------------------------------------------------------- from outside: template, intents

/** A new template (or the stable one again): the steps start over from the journal's view. */
export function scanRevision(scan: JournalScan): void {
  const { ctx, draft, base } = scan;
  if (base.podTemplateHash === ctx.hash) return;
  const fastRollback = draft.stableHash === ctx.hash && base.stableHash === ctx.hash;
  scan.base = { ...base, podTemplateHash: ctx.hash, revision: ctx.revision, stepIndex: fastRollback ? ctx.steps.length : 0, pauses: [], abort: false, promoteFull: false, runsPassed: [] };
  if (fastRollback) {
    addEntry(scan, { decision: 'FastRollback', by: 'controller', reason: journalWordsFor(ctx).fastRollback(ctx.hash) });
  } else {
    addEntry(scan, { decision: 'RevisionStarted', by: 'controller', reason: `template changed: revision ${ctx.revision} (${ctx.hash}) replaces ${base.stableHash}; ${journalWordsFor(ctx).revisionStart(ctx)}`, step: 0 });
  }
}

/** Intents in status refer to the template status was written for; a new template resets them. */
function isSameTemplate(ctx: PlanContext): boolean {
  return ctx.prev.currentPodHash === ctx.hash;
}

/** `kanary abort` and `kanary retry` (status.abort set or cleared by the CLI). */
export function scanAbortIntents(scan: JournalScan): void {
  const { ctx, base } = scan;
  const prev = ctx.prev;
  if (!isSameTemplate(ctx)) return;
  if (base.abort === true && prev.abort !== true) {
    addEntry(scan, { decision: 'Retried', by: 'user', reason: journalWordsFor(ctx).retry(ctx) });
    scan.base = { ...scan.base, abort: false, stepIndex: 0, pauses: [], promoteFull: false };
  } else if (base.abort !== true && prev.abort === true && prev.abortedAt === undefined) {
    addEntry(scan, { decision: 'Aborted', by: 'user', reason: journalWordsFor(ctx).userAbort(ctx) });
    scan.base = { ...scan.base, abort: true, pauses: [] };
  }
}

function promotedWhat(scan: JournalScan): string {
  const pauses = scan.base.pauses ?? [];
  if (pauses.includes('InconclusiveAnalysisRun')) return 'inconclusive analysis accepted';
  if (pauses.includes('BlueGreenPause')) return 'promotion pause ended';
  return pauses.includes('CanaryPauseStep') ? 'pause ended' : 'step skipped';
}

function scanPromoteFull(scan: JournalScan): void {
  if (!isSameTemplate(scan.ctx) || scan.base.promoteFull === true || scan.ctx.prev.promoteFull !== true || scan.base.abort === true) return;
  addEntry(scan, { decision: 'PromotedFull', by: 'user', reason: journalWordsFor(scan.ctx).promoteFull });
  scan.base = { ...scan.base, promoteFull: true, pauses: [] };
}

/** True when the CLI moved the step index, or cleared a pause (an accepted inconclusive background run). */
function isPromoted(scan: JournalScan): boolean {
  const { base, ctx } = scan;
  if (!isSameTemplate(ctx) || base.abort === true || ctx.prev.abortedAt !== undefined) return false;
  const cleared = (base.pauses ?? []).length > 0 && (ctx.prev.pauseConditions ?? []).length === 0;
  return (ctx.prev.currentStepIndex ?? 0) > base.stepIndex || cleared;
}

/** `kanary promote` (the step index moved, or an inconclusive background run accepted) and `--full`. */
export function scanPromoteIntents(scan: JournalScan): void {
  scanPromoteFull(scan);
  if (!isPromoted(scan)) return;
  const to = Math.max(scan.ctx.prev.currentStepIndex ?? 0, scan.base.stepIndex);
  addEntry(scan, { decision: 'Promoted', by: 'user', reason: `kanary promote: ${promotedWhat(scan)}; ${journalWordsFor(scan.ctx).promotedTo(scan.ctx, to)}` });
  scan.base = { ...scan.base, stepIndex: to, pauses: [] };
}

/** `kanary pause` (spec.paused) and its undoing. */
export function scanSpecPause(scan: JournalScan): void {
  const paused = scan.ctx.rollout.spec.paused;
  if ((scan.base.paused === true) === paused) return;
  const reason = paused ? 'spec.paused set (kanary pause): steps do not advance' : 'spec.paused cleared: steps advance again';
  addEntry(scan, { decision: paused ? 'Paused' : 'Resumed', by: 'user', reason });
  scan.base = { ...scan.base, paused };
}

// ---------------------------------------------------------------- the controller's decisions

function slotRun(ctx: PlanContext, stepIndex: number | undefined): AnalysisRunView | undefined {
  const slot = { rolloutName: ctx.name, podTemplateHash: ctx.hash, revision: ctx.revision, stepIndex };
  return findSlotRuns(ctx.snapshot.analysisRuns, slot).latest;
}

function completedStepFields(ctx: PlanContext, index: number): EntryFields {
  const step = ctx.steps[index];
  const next = `; ${stepLabel(ctx, index + 1)}`;
  if (step?.analysis !== undefined) {
    const run = slotRun(ctx, index);
    return { decision: 'StepCompleted', by: 'analysis', reason: `AnalysisRun "${run?.name ?? analysisRunBaseName({ rolloutName: ctx.name, podTemplateHash: ctx.hash, revision: ctx.revision, stepIndex: index })}" Successful${next}`, step: index, run };
  }
  if (step?.pause !== undefined) {
    const ms = computePauseDurationMs(step.pause);
    return { decision: 'PauseEnded', by: 'controller', reason: `${describeJournalStep(step)} elapsed${ms === undefined ? '' : ` (${ms / 1000}s)`}${next}`, step: index };
  }
  const what = step?.setWeight !== undefined ? `canary weight ${step.setWeight} in place with its pods available` : `${describeJournalStep(step)} done`;
  return { decision: 'StepCompleted', by: 'controller', reason: `${what}${next}`, step: index };
}

/** Steps the controller completed in this plan (not the ones a promote or promote --full skipped). */
export function scanSteps(scan: JournalScan): void {
  const { ctx, draft } = scan;
  if (draft.promoteFull || scan.base.promoteFull === true) return;
  for (let index = scan.base.stepIndex; index < Math.min(draft.stepIndex, ctx.steps.length); index += 1) {
    addEntry(scan, completedStepFields(ctx, index));
  }
  scan.base = { ...scan.base, stepIndex: draft.stepIndex };
}

function inconclusiveRun(ctx: PlanContext, draft: PlanDraft): AnalysisRunView | undefined {
  const promotionRun = (['pre', 'post'] as const)
    .map((promotion) => findSlotRuns(ctx.snapshot.analysisRuns, { rolloutName: ctx.name, podTemplateHash: ctx.hash, revision: ctx.revision, promotion }).active)
    .find((run) => run?.phase === 'Inconclusive');
  if (promotionRun !== undefined) return promotionRun;
  const stepRun = ctx.steps[draft.stepIndex]?.analysis !== undefined ? slotRun(ctx, draft.stepIndex) : undefined;
  if (stepRun?.phase === 'Inconclusive') return stepRun;
  const background = slotRun(ctx, undefined);
  return background?.phase === 'Inconclusive' ? background : undefined;
}

/** Pauses this plan started: a pause step, or an inconclusive analysis waiting for a person. */
export function scanPauses(scan: JournalScan): void {
  const { ctx, draft } = scan;
  const known = new Set(scan.base.pauses ?? []);
  for (const condition of draft.pauseConditions) {
    if (known.has(condition.reason)) continue;
    if (condition.reason === 'InconclusiveAnalysisRun') {
      const run = inconclusiveRun(ctx, draft);
      addEntry(scan, { decision: 'AnalysisInconclusive', by: 'analysis', reason: `AnalysisRun "${run?.name ?? '?'}" Inconclusive: paused for a person to promote or abort`, run });
    } else {
      addEntry(scan, { decision: 'PauseStarted', by: 'controller', reason: journalWordsFor(ctx).pauseStarted(ctx, draft.stepIndex) });
    }
  }
  scan.base = { ...scan.base, pauses: draft.pauseConditions.map((c) => c.reason) };
}

/** An abort the controller decided: a failed or errored analysis, or the progress deadline. */
export function scanControllerAbort(scan: JournalScan): void {
  const { ctx, draft } = scan;
  if (scan.base.abort === true || !draft.abort) return;
  const run = ctx.snapshot.analysisRuns.find((r) => describeRunFailure(r) === draft.abortMessage);
  const reason = `${draft.abortMessage ?? 'Rollout aborted'}: ${journalWordsFor(ctx).controllerAbort}`;
  addEntry(scan, run === undefined ? { decision: 'Aborted', by: 'controller', reason } : { decision: 'Aborted', by: 'analysis', reason, run });
  scan.base = { ...scan.base, abort: true, pauses: [] };
}

/** Why the weight moved, from where the journal stood when it was written. */
function weightReason(scan: JournalScan, to: number): string {
  const { ctx, base } = scan;
  if (base.abort === true) return 'rollback: all traffic to stable';
  if (base.stableHash === ctx.hash && base.podTemplateHash === ctx.hash) return `promotion: stable Service serves revision ${ctx.revision}, canary route emptied`;
  if (to === 100) return `promotion: all traffic to revision ${ctx.revision} before it becomes stable`;
  if (to === 0) return 'canary has no traffic: a new revision, or no available canary pods';
  return `${stepLabel(ctx, base.stepIndex)}: canary pods available`;
}

/** The canary weight the router reports, when it moved since the journal last recorded it. */
export function scanWeight(scan: JournalScan): void {
  const from = scan.base.weight;
  const to = scan.next.weight;
  if (from === to) return;
  addEntry(scan, { decision: 'WeightSet', by: 'controller', reason: weightReason(scan, to), weights: { from, to } });
  scan.base = { ...scan.base, weight: to };
}

/** The revision became stable. */
export function scanCompletion(scan: JournalScan): void {
  const { ctx, draft } = scan;
  if (scan.base.stableHash === ctx.hash || draft.stableHash !== ctx.hash) return;
  // Blue/green: complete once the active Service is seen on the revision (after its Switched entry).
  const active = scan.next.activeHash;
  if (active !== undefined && active !== ctx.hash) return;
  addEntry(scan, { decision: 'Completed', by: 'controller', reason: `revision ${ctx.revision} (${ctx.hash}) is stable` });
  scan.base = { ...scan.base, stableHash: ctx.hash };
}
