/** Pure renderers of `kanary migrate`: the report (text or JSON) and the unified diff of --dry-run. */
import { createTwoFilesPatch } from 'diff';
import type { MigrateFinding } from './migrate-check.js';
import type { FileMigration, YamlSyntaxProblem } from './migrate-documents.js';
import type { MigrationPlan } from './migrate-plan.js';
import { changedFiles, countRefused, migratedObjects } from './migrate-plan.js';

export interface ReportOptions {
  dryRun: boolean;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** `file:line:column: Kind/name field.path: message`; warnings say so before the message. */
export function formatMigrateFinding(finding: MigrateFinding): string {
  const field = finding.path === '' ? '' : ` ${finding.path}`;
  const label = finding.severity === 'warning' ? 'warning: ' : '';
  return `${finding.file}:${finding.line}:${finding.column}: ${finding.object}${field}: ${label}${finding.message}`;
}

export function formatSyntaxProblem(problem: YamlSyntaxProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: not valid YAML: ${problem.message}`;
}

function sortFindings(findings: readonly MigrateFinding[]): MigrateFinding[] {
  const order = { refused: 0, warning: 1 } as const;
  return [...findings].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || order[a.severity] - order[b.severity]);
}

function fileLine(file: FileMigration, dryRun: boolean): string {
  const objects = file.objects.map((o) => (o.name ? `${o.kind}/${o.name}` : o.kind)).join(', ');
  return `${dryRun ? 'would migrate' : 'migrated'} ${file.name}: ${objects}`;
}

function headline(plan: MigrationPlan, options: ReportOptions): string {
  const objects = migratedObjects(plan).length;
  const scope = `${plural(objects, 'object')} in ${plural(changedFiles(plan).length, 'file')} to kanary.dev/v1alpha1`;
  if (objects === 0) return `nothing to migrate: ${plural(plan.alreadyMigrated, 'object')} already kanary.dev/v1alpha1.`;
  return options.dryRun ? `dry run: would migrate ${scope}; nothing written.` : `migrated ${scope}.`;
}

function verdict(plan: MigrationPlan): string {
  const refused = countRefused(plan);
  const warnings = plan.findings.length - refused;
  const warned = warnings > 0 ? `; ${plural(warnings, 'warning')}` : '';
  if (refused === 0) return `No field Kanary would refuse${warned}.`;
  const them = refused === 1 ? 'it' : 'them';
  return `${plural(refused, 'field')} Kanary would refuse: fix ${them} before applying (docs/migrating-from-argo-rollouts.md lists what Kanary does not have)${warned}.`;
}

/** The text report: one line per migrated file, one per finding, then a summary. */
export function renderMigrateReport(plan: MigrationPlan, options: ReportOptions): string {
  return [
    ...changedFiles(plan).map((f) => fileLine(f, options.dryRun)),
    ...sortFindings(plan.findings).map(formatMigrateFinding),
    headline(plan, options),
    verdict(plan),
    '',
  ].join('\n');
}

function diffName(prefix: 'a' | 'b', name: string): string {
  return `${prefix}/${name.replace(/^(\.\/|\/)+/, '')}`;
}

/** A unified diff of every file the migration changes (`git apply` reads it). */
export function renderMigrateDiff(plan: MigrationPlan): string {
  const headerOptions = { includeIndex: false, includeUnderline: false, includeFileHeaders: true };
  return changedFiles(plan)
    .map((f) => createTwoFilesPatch(diffName('a', f.name), diffName('b', f.name), f.before, f.after, undefined, undefined, { headerOptions }))
    .join('');
}

/** `-o json`: the same facts as the text report, for scripts; with --dry-run also the diff. */
export function renderMigrateJson(plan: MigrationPlan, options: ReportOptions): string {
  const body = {
    dryRun: options.dryRun,
    files: changedFiles(plan).map((f) => ({ path: f.name, objects: f.objects.map(({ kind, name, line }) => ({ kind, name, line })) })),
    findings: sortFindings(plan.findings),
    refused: countRefused(plan),
    alreadyMigrated: plan.alreadyMigrated,
    ...(options.dryRun ? { diff: renderMigrateDiff(plan) } : {}),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
