/**
 * `kanary report`: the story of one release, assembled (pure) from what the cluster holds: the
 * Rollout's journal (status.journal), its AnalysisRuns and their measurements, its ReplicaSets and
 * its Events. Events fill in the part of the release older than the journal's oldest entry.
 */
import type * as k8s from '@kubernetes/client-node';
import { analysisRunStatusSchema, type MetricResult } from '../api/analysis.js';
import { rolloutJournalSchema, type JournalEntry, type JournalValue } from '../api/journal.js';
import { ANALYSIS_KIND_LABEL, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, STEP_INDEX_LABEL } from '../api/labels.js';
import { formatJudgeMeasurement } from '../core/judge/judge-metric.js';
import { formatMeasuredValue, inferValueUnit } from '../core/measured-value.js';
import { buildMetricConditions } from '../controller/run-values.js';
import { computeReleaseDurations, type ReleaseDurations } from './report-durations.js';
import type { AnalysisRunObject } from './rollout-tree.js';
import type { RolloutObject } from './rollout-client.js';

export interface ReportEvent {
  time: string;
  type: string;
  reason: string;
  message: string;
}

export interface ReportSources {
  rollout: RolloutObject;
  replicaSets: readonly k8s.V1ReplicaSet[];
  analysisRuns: readonly AnalysisRunObject[];
  events: readonly ReportEvent[];
}

export interface TimelineItem {
  time: string;
  /** Milliseconds since the release started. */
  sinceStartMs?: number;
  source: 'journal' | 'event';
  decision: string;
  by?: string;
  step?: number;
  fromWeight?: number;
  weight?: number;
  reason: string;
  analysisRun?: string;
  verdict?: string;
  values?: (JournalValue & { display?: string })[];
}

export interface ReportMeasurement {
  time?: string;
  phase: string;
  value?: string;
  display?: string;
  message?: string;
  evidence?: string;
}

export interface ReportMetric {
  name: string;
  phase: string;
  condition?: string;
  query?: string;
  measurements: ReportMeasurement[];
}

export interface ReportRun {
  name: string;
  kind: string;
  step?: number;
  phase: string;
  message?: string;
  startedAt?: string;
  terminated: boolean;
  metrics: ReportMetric[];
}

export interface ReportOutcome {
  state: 'promoted' | 'aborted' | 'rolled back' | 'deployed' | 'in progress' | 'superseded';
  decision?: string;
  by?: string;
  time?: string;
  reason?: string;
}

export interface ReleaseReport {
  rollout: { name: string; namespace: string };
  revision: number;
  podTemplateHash?: string;
  images: string[];
  startedAt?: string;
  outcome: ReportOutcome;
  timeline: TimelineItem[];
  durations: ReleaseDurations;
  analysisRuns: ReportRun[];
  /** How many promotes, aborts and retries people made. */
  counts: { promotions: number; aborts: number; retries: number };
  /** True when the journal had dropped the start of this release (Events filled in, if any). */
  journalTruncated: boolean;
}

/** The object without its undefined members (so that JSON and deep equality stay clean). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function revisionOfRs(rs: k8s.V1ReplicaSet): number {
  const value = Number(rs.metadata?.annotations?.[REVISION_ANNOTATION]);
  return Number.isInteger(value) ? value : 0;
}

function journalEntries(rollout: RolloutObject): JournalEntry[] {
  const parsed = rolloutJournalSchema.safeParse((rollout.status as { journal?: unknown } | undefined)?.journal ?? {});
  return parsed.success ? (parsed.data.entries ?? []) : [];
}

/** The release asked for, else the newest one the cluster knows of. */
export function chooseRevision(sources: ReportSources, asked: number | undefined): number | undefined {
  if (asked !== undefined) return asked;
  const known = [...sources.replicaSets.map(revisionOfRs), ...journalEntries(sources.rollout).map((e) => e.revision)];
  return known.length === 0 ? undefined : Math.max(...known);
}

function imagesOf(rs: k8s.V1ReplicaSet | undefined): string[] {
  return (rs?.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? '?');
}

function runRevision(run: AnalysisRunObject): number | undefined {
  const value = Number(run.metadata?.annotations?.[REVISION_ANNOTATION]);
  return Number.isInteger(value) ? value : undefined;
}

function measurementOf(m: { phase: string; value?: string; message?: string; judge?: Parameters<typeof formatJudgeMeasurement>[0]; finishedAt?: string; startedAt?: string }, query: string | undefined, metric: string): ReportMeasurement {
  const time = m.finishedAt ?? m.startedAt;
  return {
    phase: m.phase,
    ...(time !== undefined ? { time } : {}),
    ...(m.value !== undefined ? { value: m.value, display: formatMeasuredValue(m.value, inferValueUnit(query, metric)) } : {}),
    ...(m.message !== undefined ? { message: m.message } : {}),
    ...(m.judge !== undefined ? { evidence: formatJudgeMeasurement(m.judge) } : {}),
  };
}

function reportMetrics(run: AnalysisRunObject, results: readonly MetricResult[]): ReportMetric[] {
  const conditions = buildMetricConditions(run);
  return results.map((result) => defined({
    name: result.name,
    phase: result.phase,
    condition: conditions.get(result.name),
    query: result.resolvedQuery,
    measurements: result.measurements.map((m) => measurementOf(m, result.resolvedQuery, result.name)),
  }));
}

function reportRun(run: AnalysisRunObject): ReportRun {
  const parsed = analysisRunStatusSchema.safeParse(run.status ?? { phase: 'Pending' });
  const status = parsed.success ? parsed.data : { phase: 'Pending' as const, metricResults: [] };
  const labels = run.metadata?.labels ?? {};
  const step = labels[STEP_INDEX_LABEL];
  return defined({
    name: run.metadata?.name ?? '?',
    kind: labels[ANALYSIS_KIND_LABEL] ?? 'step',
    step: step === undefined ? undefined : Number(step),
    phase: status.phase,
    message: status.message,
    startedAt: status.startedAt,
    terminated: (run.spec as { terminate?: unknown } | undefined)?.terminate === true,
    metrics: reportMetrics(run, status.metricResults),
  });
}

function runsOf(sources: ReportSources, revision: number, hash: string | undefined): ReportRun[] {
  return sources.analysisRuns
    .filter((run) => runRevision(run) === revision || (hash !== undefined && run.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] === hash && runRevision(run) === undefined))
    .map(reportRun)
    .sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.name.localeCompare(b.name));
}

function withDisplay(values: readonly JournalValue[] | undefined): TimelineItem['values'] {
  if (values === undefined) return undefined;
  return values.map((v) => (v.value === undefined ? v : { ...v, display: formatMeasuredValue(v.value) }));
}

function fromEntry(entry: JournalEntry): TimelineItem {
  const values = withDisplay(entry.values);
  const { time, decision, by, step, fromWeight, weight, reason, analysisRun, verdict } = entry;
  const item: TimelineItem = { time, source: 'journal', decision, by, reason };
  Object.assign(item, Object.fromEntries(Object.entries({ step, fromWeight, weight, analysisRun, verdict, values }).filter(([, v]) => v !== undefined)));
  return item;
}

/** The release's part of the journal: from its start (RevisionStarted) to the next revision's. */
function releaseEntries(entries: readonly JournalEntry[], revision: number): JournalEntry[] {
  return entries.filter((e) => e.revision === revision);
}

function isReleaseStart(entry: JournalEntry | undefined): boolean {
  return entry?.decision === 'RevisionStarted' || entry?.decision === 'Deployed' || entry?.decision === 'FastRollback';
}

/** Events of the release older than its oldest journal entry (what the journal dropped). */
function fillInEvents(sources: ReportSources, window: { from?: string; before?: string }): TimelineItem[] {
  if (window.from === undefined) return [];
  return sources.events
    .filter((e) => e.time >= (window.from ?? '') && (window.before === undefined || e.time < window.before))
    .map((e) => ({ time: e.time, source: 'event' as const, decision: e.reason, reason: e.message }));
}

const OUTCOME_OF: Partial<Record<string, ReportOutcome['state']>> = {
  Completed: 'promoted', Aborted: 'aborted', FastRollback: 'rolled back', Deployed: 'deployed',
};

/** The last decision that settled the release (a retry unsettles an abort). */
function outcomeOf(entries: readonly JournalEntry[], superseded: boolean): ReportOutcome {
  const decisive = [...entries].reverse().find((e) => OUTCOME_OF[e.decision] !== undefined || e.decision === 'Retried');
  const state = decisive === undefined ? undefined : OUTCOME_OF[decisive.decision];
  if (decisive === undefined || state === undefined) return superseded ? { state: 'superseded' } : { state: 'in progress' };
  return { state, decision: decisive.decision, by: decisive.by, time: decisive.time, reason: decisive.reason };
}

function countOf(entries: readonly JournalEntry[], decision: string): number {
  return entries.filter((e) => e.decision === decision && e.by === 'user').length;
}

function withOffsets(items: TimelineItem[], startedAt: string | undefined): TimelineItem[] {
  const start = startedAt === undefined ? Number.NaN : Date.parse(startedAt);
  return items.map((item) => (Number.isNaN(start) ? item : { ...item, sinceStartMs: Date.parse(item.time) - start }));
}

interface ReleaseWindow {
  entries: JournalEntry[];
  startedAt?: string;
  truncated: boolean;
  events: TimelineItem[];
}

/**
 * When the next release began: the earliest of the first journal entry of another revision after
 * this release's first entry (a newer template, or a fast rollback to an older one) and the
 * creation of a newer ReplicaSet.
 */
function nextReleaseStart(sources: ReportSources, all: readonly JournalEntry[], revision: number): string | undefined {
  const first = all.findIndex((e) => e.revision === revision);
  const journaled = first < 0 ? all.find((e) => e.revision > revision)?.time : all.slice(first).find((e) => e.revision !== revision)?.time;
  const later = sources.replicaSets.filter((r) => revisionOfRs(r) > revision).map(createdAt);
  return [journaled, ...later].filter((t): t is string => t !== undefined).sort()[0];
}

function createdAt(rs: k8s.V1ReplicaSet | undefined): string | undefined {
  const created = rs?.metadata?.creationTimestamp;
  return created === undefined ? undefined : new Date(created).toISOString();
}

/** Where the release starts: its first journal entry, or (when the journal dropped it) its ReplicaSet's creation. */
function releaseWindow(sources: ReportSources, entries: JournalEntry[], bounds: { rs?: k8s.V1ReplicaSet; nextStart?: string }): ReleaseWindow {
  const rsStart = createdAt(bounds.rs);
  const first = entries[0];
  if (isReleaseStart(first)) return { entries, startedAt: first?.time, truncated: false, events: [] };
  const before = first?.time ?? bounds.nextStart;
  return { entries, startedAt: rsStart ?? first?.time, truncated: true, events: fillInEvents(sources, { from: rsStart, before }) };
}

function peopleCounts(entries: readonly JournalEntry[]): ReleaseReport['counts'] {
  return { promotions: countOf(entries, 'Promoted') + countOf(entries, 'PromotedFull'), aborts: countOf(entries, 'Aborted'), retries: countOf(entries, 'Retried') };
}

/** The report of `revision` (see chooseRevision) at `now` (epoch ms; the end of a release in progress). */
export function assembleReleaseReport(sources: ReportSources, revision: number, now: number): ReleaseReport {
  const rs = sources.replicaSets.find((r) => revisionOfRs(r) === revision);
  const hash = rs?.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL];
  const all = journalEntries(sources.rollout);
  const nextStart = nextReleaseStart(sources, all, revision);
  const window = releaseWindow(sources, releaseEntries(all, revision), { rs, nextStart });
  const superseded = nextStart !== undefined || sources.replicaSets.some((r) => revisionOfRs(r) > revision);
  const meta = sources.rollout.metadata ?? {};
  return defined({
    rollout: { name: meta.name ?? '?', namespace: meta.namespace ?? '?' },
    revision,
    podTemplateHash: hash,
    images: imagesOf(rs),
    startedAt: window.startedAt,
    outcome: outcomeOf(window.entries, superseded),
    timeline: withOffsets([...window.events, ...window.entries.map(fromEntry)], window.startedAt),
    durations: computeReleaseDurations(window.entries, { startedAt: window.startedAt, endMs: nextStart === undefined ? now : Date.parse(nextStart) }),
    analysisRuns: runsOf(sources, revision, hash),
    counts: peopleCounts(window.entries),
    journalTruncated: window.truncated,
  });
}
