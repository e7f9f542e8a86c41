/**
 * Pure core of `kanary migrate`: from the text of every file to the rewritten texts, the findings
 * and the exit code. The command only reads, writes and prints.
 */
import type { SourceFile } from './lint-documents.js';
import type { MigrateFinding } from './migrate-check.js';
import { checkMigration } from './migrate-check.js';
import type { FileMigration, MigratedObject, YamlSyntaxProblem } from './migrate-documents.js';
import { migrateManifestFile, parseManifestFile } from './migrate-documents.js';

export interface MigrationPlan {
  /** Every file read, changed or not, in the order given. */
  files: FileMigration[];
  /** Files that are not YAML: when any, nothing else was looked at. */
  syntaxProblems: YamlSyntaxProblem[];
  findings: MigrateFinding[];
  /** Kanary objects already at kanary.dev/v1alpha1 (a second run over the same files). */
  alreadyMigrated: number;
}

/** Exit codes of `kanary migrate`. */
export const MIGRATE_EXIT = { ok: 0, refused: 1, badInput: 2 } as const;

function unrewritableFinding(object: MigratedObject): MigrateFinding {
  return {
    file: object.file,
    line: object.line,
    column: object.column,
    object: object.name ? `${object.kind}/${object.name}` : object.kind,
    path: 'apiVersion',
    message: 'is written in a form kanary migrate cannot rewrite in place (an alias or an escaped string): change it to kanary.dev/v1alpha1 by hand.',
    severity: 'refused',
  };
}

/** Parses, rewrites and checks every source. Never throws on bad input: it reports it. */
export function planMigration(sources: readonly SourceFile[]): MigrationPlan {
  const parsed = sources.map(parseManifestFile);
  const syntaxProblems = parsed.flatMap((p) => (p.problem ? [p.problem] : []));
  if (syntaxProblems.length > 0) return { files: [], syntaxProblems, findings: [], alreadyMigrated: 0 };
  const files = parsed.flatMap((p) => (p.file ? [p.file] : []));
  const migrations = files.map(migrateManifestFile);
  const findings = [...migrations.flatMap((m) => m.unrewritable.map(unrewritableFinding)), ...checkMigration(files)];
  const alreadyMigrated = files.flatMap((f) => f.documents).filter((d) => d.role === 'kanary').length;
  return { files: migrations, syntaxProblems: [], findings, alreadyMigrated };
}

export function changedFiles(plan: MigrationPlan): FileMigration[] {
  return plan.files.filter((f) => f.after !== f.before);
}

export function migratedObjects(plan: MigrationPlan): MigratedObject[] {
  return plan.files.flatMap((f) => [...f.objects, ...f.unrewritable]);
}

export function countRefused(plan: MigrationPlan): number {
  return plan.findings.filter((f) => f.severity === 'refused').length;
}

/** True when the paths hold no Argo Rollouts object and no Kanary one either. */
export function hasNothingToMigrate(plan: MigrationPlan): boolean {
  return plan.syntaxProblems.length === 0 && migratedObjects(plan).length === 0 && plan.alreadyMigrated === 0;
}

/** 2 on bad input (not YAML, no Argo Rollouts objects), 1 when Kanary would refuse a field, else 0. */
export function migrationExitCode(plan: MigrationPlan): number {
  if (plan.syntaxProblems.length > 0 || hasNothingToMigrate(plan)) return MIGRATE_EXIT.badInput;
  return countRefused(plan) > 0 ? MIGRATE_EXIT.refused : MIGRATE_EXIT.ok;
}
