/** `kanary report -o markdown` (pure): the release as it goes into an incident review. */
import type { ReleaseReport, ReportRun, TimelineItem } from './report-model.js';
import { byText, durationLines, measurementText, outcomeLine, peopleLine, sinceStart, valueLines, weightText } from './report-render-common.js';

/** A table cell: pipes escaped, no line breaks. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function row(cells: string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

function timelineRow(item: TimelineItem): string {
  const values = valueLines(item);
  const reason = values.length === 0 ? item.reason : `${item.reason}<br>${values.map((v) => `\`${v.replaceAll('`', "'")}\``).join('<br>')}`;
  return row([item.time, sinceStart(item), item.step === undefined ? '' : String(item.step), weightText(item), `**${item.decision}**`, byText(item), reason]);
}

/** A web provider's resolved query reads `GET https://...`; anything else is PromQL. */
function isWebRequest(query: string): boolean {
  return /^[A-Z]+ https?:\/\//.test(query);
}

function runSection(run: ReportRun): string[] {
  const where = run.step === undefined ? run.kind : `step ${run.step}`;
  const lines = [`#### ${run.name} (${where}): ${run.phase}${run.terminated ? ', terminated' : ''}`, ''];
  if (run.message) lines.push(`${run.message}`, '');
  for (const metric of run.metrics) {
    lines.push(`**${metric.name}**: ${metric.phase}${metric.condition ? `, condition \`${metric.condition}\`` : ''}`, '');
    if (metric.query) lines.push(isWebRequest(metric.query) ? '```text' : '```promql', metric.query, '```', '');
    lines.push(row(['Time', 'Phase', 'Value']), row(['---', '---', '---']));
    for (const m of metric.measurements) lines.push(row([m.time ?? '', m.phase, measurementText(m)]));
    lines.push('');
  }
  return lines;
}

export function renderReportMarkdown(report: ReleaseReport): string {
  const lines = [
    `## Release report: ${report.rollout.namespace}/${report.rollout.name}, revision ${report.revision}`,
    '',
    `- **Revision:** ${report.revision}${report.podTemplateHash ? ` (\`${report.podTemplateHash}\`)` : ''}`,
    `- **Images:** ${report.images.map((i) => `\`${i}\``).join(', ') || '-'}`,
    `- **Started:** ${report.startedAt ?? '-'}`,
    `- **Outcome:** ${outcomeLine(report)}`,
    `- **People:** ${peopleLine(report)}`,
    ...durationLines(report).map((line) => `- **${line.slice(0, line.indexOf(':'))}:**${line.slice(line.indexOf(':') + 1)}`),
    '',
    '### Timeline',
    '',
    ...(report.journalTruncated ? ['_The journal no longer holds the start of this release; older Events fill in where the API server still has them._', ''] : []),
    row(['Time', 'Since start', 'Step', 'Weight', 'Decision', 'By', 'Reason']),
    row(['---', '---', '---', '---', '---', '---', '---']),
    ...report.timeline.map(timelineRow),
    '',
    '### Analysis',
    '',
    ...(report.analysisRuns.length === 0 ? ['No AnalysisRuns of this revision in the cluster.', ''] : report.analysisRuns.flatMap(runSection)),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
