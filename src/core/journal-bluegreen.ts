/**
 * The journal entries only a blue/green release has (pure): a promotion analysis that passed, the
 * promotion pause ended by auto-promotion, and the switch of the active Service. Like the canary
 * weight, the switch is recorded when it is seen (the Service's selector in the snapshot), on the
 * reconcile after the write, so a failed write records nothing.
 */
import type { JournalCursor } from '../api/journal.js';
import { findSlotRuns, type PromotionKind } from './canary-analysis.js';
import { addEntry, type JournalScan } from './journal-entries.js';
import type { PlanContext, PlanDraft } from './plan-context.js';
import type { AnalysisRunView } from './snapshot.js';

const PROMOTIONS: readonly PromotionKind[] = ['pre', 'post'];

function promotionRuns(ctx: PlanContext): { kind: PromotionKind; run: AnalysisRunView }[] {
  return PROMOTIONS.flatMap((promotion) => {
    const slot = { rolloutName: ctx.name, podTemplateHash: ctx.hash, revision: ctx.revision, promotion };
    const latest = findSlotRuns(ctx.snapshot.analysisRuns, slot).latest;
    return latest === undefined ? [] : [{ kind: promotion, run: latest }];
  });
}

/** The blue/green part of the cursor: what the active Service selects, this revision's passed runs. */
export function blueGreenCursor(ctx: PlanContext): Pick<JournalCursor, 'activeHash' | 'runsPassed'> {
  if (ctx.rollout.spec.strategy.blueGreen === undefined) return {};
  const passed = promotionRuns(ctx).filter(({ run }) => run.phase === 'Successful').map(({ run }) => run.name);
  const active = ctx.snapshot.services.active?.selectorHash;
  return { ...(active !== undefined ? { activeHash: active } : {}), ...(passed.length > 0 ? { runsPassed: passed } : {}) };
}

function nextAfter(kind: PromotionKind, ctx: PlanContext): string {
  if (kind === 'post') return `revision ${ctx.revision} becomes stable`;
  const strategy = ctx.rollout.spec.strategy.blueGreen;
  if (strategy?.autoPromotionEnabled === false) return 'waiting for kanary promote before the switch';
  const seconds = strategy?.autoPromotionSeconds ?? 0;
  return seconds > 0 ? `auto-promotion in ${seconds}s` : 'the active Service switches once the new revision is fully available';
}

/** Promotion runs of this revision that passed since the journal last looked. */
export function scanPromotionRuns(scan: JournalScan): void {
  const known = new Set(scan.base.runsPassed ?? []);
  for (const { kind, run } of promotionRuns(scan.ctx)) {
    if (run.phase !== 'Successful' || known.has(run.name)) continue;
    addEntry(scan, { decision: 'AnalysisPassed', by: 'analysis', reason: `${kind}-promotion AnalysisRun "${run.name}" Successful; ${nextAfter(kind, scan.ctx)}`, run });
  }
  scan.base = { ...scan.base, runsPassed: scan.next.runsPassed ?? [] };
}

/** The promotion pause the controller ended itself (autoPromotionSeconds elapsed). */
export function scanAutoPromotion(scan: JournalScan, draft: PlanDraft): void {
  const { ctx } = scan;
  const wasPaused = (scan.base.pauses ?? []).includes('BlueGreenPause');
  const stillPaused = draft.pauseConditions.some((c) => c.reason === 'BlueGreenPause');
  if (!wasPaused || stillPaused || draft.abort || scan.base.podTemplateHash !== ctx.hash) return;
  const seconds = ctx.rollout.spec.strategy.blueGreen?.autoPromotionSeconds ?? 0;
  addEntry(scan, { decision: 'PauseEnded', by: 'controller', reason: `auto-promotion after ${seconds}s: the active Service switches once the new revision is fully available` });
  scan.base = { ...scan.base, pauses: (scan.base.pauses ?? []).filter((p) => p !== 'BlueGreenPause') };
}

function describeRevision(ctx: PlanContext, hash: string, stableHash: string): string {
  if (hash === ctx.hash) return `revision ${ctx.revision} (${hash})`;
  return hash === stableHash ? `the stable revision (${hash})` : hash;
}

/** The active Service was seen selecting another revision. */
export function scanSwitch(scan: JournalScan): void {
  const from = scan.base.activeHash;
  const to = scan.next.activeHash;
  if (from === to || to === undefined) return;
  scan.base = { ...scan.base, activeHash: to };
  if (from === undefined) return;
  const service = scan.ctx.rollout.spec.strategy.blueGreen?.activeService ?? 'active';
  const back = to !== scan.ctx.hash && scan.base.abort === true;
  const what = describeRevision(scan.ctx, to, scan.base.stableHash);
  addEntry(scan, { decision: 'Switched', by: 'controller', reason: back ? `active Service ${service} back on ${what}, was ${from}` : `active Service ${service} now selects ${what}, was ${from}` });
}
