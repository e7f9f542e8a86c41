/** `kanary report -o text` (pure): the release as a terminal reads it. */
import type { ReleaseReport, ReportRun, TimelineItem } from './report-model.js';
import { byText, clockTime, durationLines, measurementText, outcomeLine, peopleLine, sinceStart, valueLines, weightText } from './report-render-common.js';

const LABEL_WIDTH = 12;

function field(label: string, value: string): string {
  return `${label.padEnd(LABEL_WIDTH)}${value}`;
}

function timelineRows(items: readonly TimelineItem[]): string[][] {
  return items.map((item) => [clockTime(item.time), sinceStart(item), item.step === undefined ? '' : String(item.step), weightText(item), item.decision, byText(item), item.reason]);
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

function renderTimeline(report: ReleaseReport): string[] {
  const lines = ['Timeline:'];
  if (report.journalTruncated) lines.push('  (the journal no longer holds the start of this release; older Events fill in where the API server still has them)');
  const rows = table(['TIME', 'SINCE', 'STEP', 'WEIGHT', 'DECISION', 'BY', 'REASON'], timelineRows(report.timeline));
  lines.push(`  ${rows[0] ?? ''}`);
  report.timeline.forEach((item, i) => {
    lines.push(`  ${rows[i + 1] ?? ''}`);
    for (const value of valueLines(item)) lines.push(`      ${value}`);
  });
  return lines;
}

function renderRun(run: ReportRun): string[] {
  const where = run.step === undefined ? run.kind : `step ${run.step}`;
  const lines = [`  ${run.name} (${where}): ${run.phase}${run.terminated ? ', terminated' : ''}${run.message ? ` - ${run.message}` : ''}`];
  for (const metric of run.metrics) {
    lines.push(`    ${metric.name}: ${metric.phase}${metric.condition ? `, condition ${metric.condition}` : ''}`);
    if (metric.query) lines.push(`      query: ${metric.query}`);
    for (const m of metric.measurements) lines.push(`      ${m.time === undefined ? '' : clockTime(m.time)}  ${m.phase.padEnd(12)}  ${measurementText(m)}`);
  }
  return lines;
}

export function renderReportText(report: ReleaseReport): string {
  const lines = [
    field('Rollout:', `${report.rollout.namespace}/${report.rollout.name}`),
    field('Revision:', `${report.revision}${report.podTemplateHash ? ` (${report.podTemplateHash})` : ''}`),
    field('Images:', report.images.join(', ') || '-'),
    field('Started:', report.startedAt ?? '-'),
    field('Outcome:', outcomeLine(report)),
    field('People:', peopleLine(report)),
    'Durations:',
    ...durationLines(report).map((line) => `  ${line}`),
    '',
    ...renderTimeline(report),
    '',
    'Analysis:',
    ...(report.analysisRuns.length === 0 ? ['  (no AnalysisRuns of this revision in the cluster)'] : report.analysisRuns.flatMap(renderRun)),
  ];
  return `${lines.join('\n')}\n`;
}
