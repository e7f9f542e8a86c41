/**
 * `status.journal` of a Rollout: the release journal. Every decision the controller takes (a weight
 * written, a step completed, a pause started, a promote or abort and by whom, an analysis verdict)
 * as one entry with its cause and the values behind it. Bounded: the last JOURNAL_ENTRY_LIMIT
 * entries; the full measurement record stays on the AnalysisRuns the entries name.
 *
 * `cursor` is what the journal last recorded (step, weight, pauses, abort...). The controller
 * compares it with what it observes, so an intent the CLI patched into status (promote, abort,
 * retry) is told apart from the controller's own decisions, and a restart neither loses nor
 * repeats an entry: entries and cursor are written in the same status write as the decision.
 */
import { z } from 'zod';
import { ANALYSIS_PHASES } from './reasons.js';

export const JOURNAL_ENTRY_LIMIT = 30;
/** Longest measured value (JSON text) kept in an entry; the AnalysisRun keeps the whole value. */
export const JOURNAL_VALUE_MAX_CHARS = 200;

export const JOURNAL_DECISIONS = [
  'Deployed',
  'RevisionStarted',
  'FastRollback',
  'WeightSet',
  'StepCompleted',
  'PauseStarted',
  'PauseEnded',
  'AnalysisInconclusive',
  'Promoted',
  'PromotedFull',
  'Paused',
  'Resumed',
  'Aborted',
  'Retried',
  'Completed',
  /** Blue/green: a promotion analysis (pre or post) passed. */
  'AnalysisPassed',
  /** Blue/green: the active Service was seen selecting another revision. */
  'Switched',
] as const;
export type JournalDecision = (typeof JOURNAL_DECISIONS)[number];

/** Who took the decision: the controller by its rules, a person through an intent, an analysis. */
export const JOURNAL_ACTORS = ['controller', 'user', 'analysis'] as const;
export type JournalActor = (typeof JOURNAL_ACTORS)[number];

/** One metric's deciding measurement, as the AnalysisRun recorded it. */
export const journalValueSchema = z.object({
  metric: z.string(),
  phase: z.enum(ANALYSIS_PHASES),
  /** The measured value as JSON text (raw), absent when the measurement had none. */
  value: z.string().optional(),
  /** The condition the value was held against (`result[0] >= 0.95`). */
  condition: z.string().optional(),
  /** The statistical judge's evidence line, for judged metrics. */
  evidence: z.string().optional(),
  /** Why there was no value (no data, an error). */
  message: z.string().optional(),
});
export type JournalValue = z.infer<typeof journalValueSchema>;

export const journalEntrySchema = z.object({
  time: z.string(),
  revision: z.number().int().min(0),
  /** The step index the decision was taken at. */
  step: z.number().int().min(0).optional(),
  decision: z.enum(JOURNAL_DECISIONS),
  by: z.enum(JOURNAL_ACTORS),
  reason: z.string(),
  /** WeightSet: the canary weight before and after. */
  fromWeight: z.number().int().min(0).optional(),
  weight: z.number().int().min(0).optional(),
  /** The AnalysisRun that decided (its full record). */
  analysisRun: z.string().optional(),
  /** The run's verdict (Successful, Failed, Error, Inconclusive). */
  verdict: z.enum(ANALYSIS_PHASES).optional(),
  values: z.array(journalValueSchema).optional(),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;

export const journalCursorSchema = z.object({
  podTemplateHash: z.string(),
  revision: z.number().int().min(0),
  stableHash: z.string(),
  stepIndex: z.number().int().min(0),
  weight: z.number().int().min(0),
  pauses: z.array(z.string()).optional(),
  abort: z.boolean().optional(),
  promoteFull: z.boolean().optional(),
  paused: z.boolean().optional(),
  /** Blue/green: the revision hash the active Service was seen selecting. */
  activeHash: z.string().optional(),
  /** Blue/green: this revision's promotion runs whose success was recorded. */
  runsPassed: z.array(z.string()).optional(),
});
export type JournalCursor = z.infer<typeof journalCursorSchema>;

export const rolloutJournalSchema = z.object({
  /** The last decision in one line: `Aborted by analysis at step 2: AnalysisRun "x" failed...`. */
  lastDecision: z.string().optional(),
  /** How many entries were ever recorded (older ones beyond the limit are dropped). */
  recorded: z.number().int().min(0).optional(),
  entries: z.array(journalEntrySchema).optional(),
  cursor: journalCursorSchema.optional(),
});
export type RolloutJournal = z.infer<typeof rolloutJournalSchema>;
