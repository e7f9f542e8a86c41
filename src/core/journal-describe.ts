/**
 * Words for journal entries (pure): a step as people name it, a run's values in one line, and an
 * entry in one line (`status.journal.lastDecision`, `get rollout`, Events).
 */
import type { JournalEntry, JournalValue } from '../api/journal.js';
import type { CanaryStep } from '../api/rollout.js';
import { formatMeasuredValue } from './measured-value.js';

function describePause(step: CanaryStep): string {
  const duration = step.pause?.duration;
  return duration === undefined ? 'pause until promoted' : `pause ${typeof duration === 'number' ? `${duration}s` : duration}`;
}

/** `setHeaderRoute beta`, `setMirrorRoute copy 30%`, `setHeaderRoute beta removed`; undefined for other steps. */
export function describeRouteStep(step: CanaryStep): string | undefined {
  const header = step.setHeaderRoute;
  if (header !== undefined) return `setHeaderRoute ${header.name}${header.match === undefined ? ' removed' : ''}`;
  const mirror = step.setMirrorRoute;
  if (mirror === undefined) return undefined;
  return mirror.match === undefined ? `setMirrorRoute ${mirror.name} removed` : `setMirrorRoute ${mirror.name} ${mirror.percentage ?? 100}%`;
}

/** `setWeight 20`, `pause 30s`, `pause until promoted`, `analysis success-rate`, `setCanaryScale`, a route step. */
export function describeJournalStep(step: CanaryStep | undefined): string {
  if (step === undefined) return 'no step';
  if (step.setWeight !== undefined) return `setWeight ${step.setWeight}`;
  if (step.pause !== undefined) return describePause(step);
  if (step.analysis !== undefined) return `analysis ${step.analysis.templates.map((t) => t.templateName).join(', ')}`;
  if (step.setCanaryScale !== undefined) return 'setCanaryScale';
  return describeRouteStep(step) ?? 'empty step';
}

/** `success-rate 0.917 vs result[0] >= 0.95` (or the judge's evidence, or why there is no value). */
export function describeJournalValue(value: JournalValue): string {
  if (value.evidence !== undefined) return `${value.metric}: ${value.evidence}`;
  const shown = value.value === undefined ? (value.message ?? 'no value') : formatMeasuredValue(value.value);
  return value.condition === undefined ? `${value.metric} ${shown}` : `${value.metric} ${shown} vs ${value.condition}`;
}

/** Who, in words: `by kanary promote`, `by analysis`, `by the controller`. */
function describeActor(entry: JournalEntry): string {
  if (entry.by === 'user') return 'by a user';
  return entry.by === 'analysis' ? 'by analysis' : 'by the controller';
}

/** One line: `Aborted by analysis at step 2 (revision 3): AnalysisRun "x" failed; success-rate 0.917 vs result[0] >= 0.95`. */
export function formatJournalLine(entry: JournalEntry): string {
  const where = entry.step === undefined ? `revision ${entry.revision}` : `step ${entry.step}, revision ${entry.revision}`;
  const values = (entry.values ?? []).filter((v) => v.phase !== 'Successful' || entry.verdict === 'Successful');
  const detail = values.length > 0 ? `; ${values.map(describeJournalValue).join('; ')}` : '';
  return `${entry.decision} ${describeActor(entry)} (${where}): ${entry.reason}${detail}`;
}
