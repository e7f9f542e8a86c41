/** Words shared by the text and Markdown reports (pure). */
import { formatDurationMs } from '../api/duration.js';
import { describeJournalValue } from '../core/journal-describe.js';
import type { ReleaseReport, ReportMeasurement, TimelineItem } from './report-model.js';

/** A duration for people: `1m2.3s`, `850ms`. */
export function formatSpan(ms: number | undefined): string {
  if (ms === undefined) return '-';
  return formatDurationMs(ms < 1000 ? Math.round(ms) : Math.round(ms / 100) * 100);
}

/** `06:20:03` out of an RFC 3339 time (the report's header carries the date). */
export function clockTime(time: string): string {
  const match = /T(\d{2}:\d{2}:\d{2})/.exec(time);
  return match?.[1] ?? time;
}

export function sinceStart(item: TimelineItem): string {
  return item.sinceStartMs === undefined ? '' : `+${formatSpan(Math.max(0, item.sinceStartMs))}`;
}

export function weightText(item: TimelineItem): string {
  if (item.weight === undefined) return '';
  return `${item.fromWeight ?? '?'}% -> ${item.weight}%`;
}

export function byText(item: TimelineItem): string {
  if (item.by === undefined) return item.source === 'event' ? '(event)' : '';
  return item.by === 'user' ? 'a person' : item.by;
}

/** The values behind a decision, one line each: `success-rate 0.917 vs result[0] >= 0.95 (Failed)`. */
export function valueLines(item: TimelineItem): string[] {
  return (item.values ?? []).map((v) => `${describeJournalValue(v)} (${v.phase})`);
}

export function measurementText(m: ReportMeasurement): string {
  return m.evidence ?? m.display ?? m.message ?? '-';
}

export function outcomeLine(report: ReleaseReport): string {
  const o = report.outcome;
  if (o.state === 'in progress' || o.state === 'superseded') return o.state;
  const by = o.by === 'user' ? 'a person' : o.by;
  return `${o.state} by ${by ?? '?'} at ${o.time ?? '?'}: ${o.reason ?? ''}`;
}

export function peopleLine(report: ReleaseReport): string {
  const c = report.counts;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const counted = `${plural(c.promotions, 'promotion')}, ${plural(c.aborts, 'abort')}, ${plural(c.retries, 'retry').replace('retrys', 'retries')}`;
  return report.journalTruncated ? `${counted} in the journal's kept entries` : counted;
}

export function durationLines(report: ReleaseReport): string[] {
  const d = report.durations;
  const order = [...new Set(d.weights.map((span) => String(span.weight)))];
  const atWeight = order.map((weight) => `${weight}%: ${formatSpan(d.timeAtWeightMs[weight])}`).join(', ');
  return [
    `total: ${formatSpan(d.totalMs)}`,
    `first canary traffic to decision: ${formatSpan(d.canaryToDecisionMs)}`,
    `time at each weight: ${atWeight === '' ? '-' : atWeight}`,
    `time to rollback: ${d.rollbacksMs.length === 0 ? '-' : d.rollbacksMs.map((ms) => formatSpan(ms)).join(', ')}`,
  ];
}
