/** Pure part of `kanary lint`: runs every check over the given sources and renders the report. */
import { crossCheck } from './lint-cross-checks.js';
import type { Finding, SourceFile } from './lint-documents.js';
import type { YamlDocument } from './lint-documents.js';
import { checkDocument, emptyInventory, parseYamlFile } from './lint-documents.js';
import { orderFindings, uniqueFindings } from './lint-order.js';

export interface LintResult {
  findings: Finding[];
  documents: number;
  files: number;
}

/**
 * Lints every document of every source, then the cross-document rules: every problem of every
 * document at once, each once, by file, document and field position in the document.
 */
export function lintSources(sources: readonly SourceFile[]): LintResult {
  const inventory = emptyInventory();
  const findings: Finding[] = [];
  const docs: YamlDocument[] = [];
  for (const source of sources) {
    const parsed = parseYamlFile(source);
    findings.push(...parsed.findings);
    docs.push(...parsed.docs);
    for (const doc of parsed.docs) findings.push(...checkDocument(doc, inventory));
  }
  findings.push(...crossCheck(inventory));
  const ordered = orderFindings(uniqueFindings(findings), sources.map((s) => s.name), docs);
  return { findings: ordered, documents: docs.length, files: sources.length };
}

/** `file:docN path: message`; warnings and notes say so after the path. */
export function formatFinding(finding: Finding): string {
  const where = finding.doc === undefined ? finding.file : `${finding.file}:doc${finding.doc}`;
  const path = finding.path === '' ? '' : ` ${finding.path}`;
  const label = finding.severity === 'error' ? '' : `${finding.severity}: `;
  return `${where}${path}: ${label}${finding.message}`;
}

export function countErrors(findings: readonly Finding[]): number {
  return findings.filter((f) => f.severity === 'error').length;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The whole report, one line per finding and a closing summary line. */
export function renderLintReport(result: LintResult): string {
  const order: Record<Finding['severity'], number> = { error: 0, warning: 1, note: 2 };
  const sorted = [...result.findings].sort((a, b) => a.file.localeCompare(b.file) || (a.doc ?? 0) - (b.doc ?? 0) || order[a.severity] - order[b.severity]);
  const errors = countErrors(result.findings);
  const warnings = result.findings.filter((f) => f.severity === 'warning').length;
  const scope = `${plural(result.documents, 'document')} in ${plural(result.files, 'file')}`;
  const summary = errors === 0 ? `ok: ${scope}, no problems${warnings > 0 ? ` (${plural(warnings, 'warning')})` : ''}.` : `${plural(errors, 'problem')} in ${scope}.`;
  return [...sorted.map(formatFinding), summary, ''].join('\n');
}
