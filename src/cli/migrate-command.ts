/**
 * `kanary migrate PATH...`: rewrites Argo Rollouts manifests into Kanary ones in place and reports
 * every field Kanary would refuse. File I/O only; the work is in migrate-plan.ts and its helpers.
 */
import type { Dirent } from 'node:fs';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIo, Command } from './command.js';
import { UserError } from './command.js';
import type { SourceFile } from './lint-documents.js';
import { formatSyntaxProblem, renderMigrateDiff, renderMigrateJson, renderMigrateReport } from './migrate-report.js';
import type { MigrationPlan } from './migrate-plan.js';
import { MIGRATE_EXIT, changedFiles, hasNothingToMigrate, migrationExitCode, planMigration } from './migrate-plan.js';

const USAGE_LINE = 'kanary migrate [--dry-run] [-o text|json] PATH...';

const USAGE = `Usage: ${USAGE_LINE}

Rewrites Argo Rollouts manifests as Kanary ones, in place: the apiVersion of every
argoproj.io/v1alpha1 Rollout, AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun becomes
kanary.dev/v1alpha1. Nothing else changes: comments, key order, quoting and every other document
(Services, Mappings, Deployments, Kustomizations, Argo CD Applications) stay byte for byte.
A PATH is a file or a directory, read recursively for *.yaml and *.yml (hidden directories and
node_modules are skipped); files may hold several documents.

Then it checks every Kanary object in the paths as Kanary will (the rules of \`kanary lint\`) and
prints each field Kanary would refuse as \`file:line:column: Kind/name field: message\`, plus
warnings: places that still refer to a Rollout as argoproj.io (Kustomize patch targets, Argo CD
ignoreDifferences), Argo Rollouts kinds Kanary does not have, cross-document checks. A second run
over migrated files changes nothing and reports what is left to fix.

Flags:
      --dry-run        write nothing: print a unified diff on stdout and the report on stderr
  -o, --output FMT     text (default) or json

Exit code: 0 migrated and nothing refused; 1 some field would be refused (the files are still
written: fix those fields in the migrated files); 2 bad input (a path that does not exist, a
file that is not YAML, no Argo Rollouts objects): then nothing is written.

Example:
  kanary migrate --dry-run apps/web
  kanary migrate apps/ platform/analysis-templates.yaml
`;

interface MigrateOptions {
  dryRun: boolean;
  json: boolean;
  paths: string[];
}

function parseMigrateArgs(argv: string[]): MigrateOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { 'dry-run': { type: 'boolean' }, output: { type: 'string', short: 'o' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UserError(`migrate: ${(error as Error).message}. Run \`kanary migrate --help\`.`, MIGRATE_EXIT.badInput);
  }
  const output = parsed.values.output ?? 'text';
  if (output !== 'text' && output !== 'json') throw new UserError(`migrate: -o must be text or json, not "${output}".`, MIGRATE_EXIT.badInput);
  if (parsed.positionals.length === 0) throw new UserError(`migrate needs at least one file or directory. Usage: ${USAGE_LINE}`, MIGRATE_EXIT.badInput);
  return { dryRun: parsed.values['dry-run'] ?? false, json: output === 'json', paths: parsed.positionals };
}

const YAML_FILE = /\.ya?ml$/i;

function isSkippedDirectory(entry: Dirent): boolean {
  return entry.name.startsWith('.') || entry.name === 'node_modules';
}

/** The *.yaml and *.yml files under a directory, sorted; symbolic links are not followed. */
async function walkDirectory(directory: string): Promise<string[]> {
  const entries = (await readdir(directory, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory() && !isSkippedDirectory(entry)) files.push(...(await walkDirectory(path)));
    else if (entry.isFile() && YAML_FILE.test(entry.name)) files.push(path);
  }
  return files;
}

function ioFailure(path: string, error: unknown): UserError {
  const code = (error as { code?: string } | undefined)?.code;
  const reason = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : `cannot be read (${code ?? String(error)})`;
  return new UserError(`migrate: ${path}: ${reason}.`, MIGRATE_EXIT.badInput);
}

/** Every file the paths name: a file as given (any extension), a directory walked. */
async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    try {
      const info = await stat(path);
      files.push(...(info.isDirectory() ? await walkDirectory(path) : [path]));
    } catch (error) {
      throw ioFailure(path, error);
    }
  }
  return [...new Set(files)];
}

async function readSources(files: readonly string[]): Promise<SourceFile[]> {
  const sources: SourceFile[] = [];
  for (const file of files) {
    try {
      sources.push({ name: file, text: await readFile(file, 'utf8') });
    } catch (error) {
      throw ioFailure(file, error);
    }
  }
  return sources;
}

function nothingToMigrate(paths: readonly string[], fileCount: number): UserError {
  const where = paths.join(', ');
  const read = fileCount === 0 ? 'no *.yaml or *.yml file there' : `read ${fileCount} YAML file${fileCount === 1 ? '' : 's'}`;
  return new UserError(
    `migrate: no Argo Rollouts object (argoproj.io/v1alpha1 Rollout, AnalysisTemplate, ClusterAnalysisTemplate or AnalysisRun) in ${where} (${read}): nothing to migrate.`,
    MIGRATE_EXIT.badInput,
  );
}

async function writeMigrated(plan: MigrationPlan): Promise<void> {
  for (const file of changedFiles(plan)) {
    try {
      await writeFile(file.name, file.after, 'utf8');
    } catch (error) {
      const code = (error as { code?: string } | undefined)?.code ?? String(error);
      throw new UserError(`migrate: could not write ${file.name} (${code}); files before it in the report were written.`, MIGRATE_EXIT.badInput);
    }
  }
}

function printOutcome(plan: MigrationPlan, options: MigrateOptions, io: CliIo): void {
  const report = { dryRun: options.dryRun };
  if (options.json) {
    io.stdout(renderMigrateJson(plan, report));
  } else if (options.dryRun) {
    io.stdout(renderMigrateDiff(plan));
    io.stderr(renderMigrateReport(plan, report));
  } else {
    io.stdout(renderMigrateReport(plan, report));
  }
}

/** Runs a migration over the given paths; exposed for tests. */
export async function migratePaths(options: MigrateOptions, io: CliIo): Promise<number> {
  const files = await expandPaths(options.paths);
  const plan = planMigration(await readSources(files));
  if (plan.syntaxProblems.length > 0) {
    io.stderr([...plan.syntaxProblems.map(formatSyntaxProblem), 'kanary: migrate: nothing was written.', ''].join('\n'));
    return MIGRATE_EXIT.badInput;
  }
  if (hasNothingToMigrate(plan)) throw nothingToMigrate(options.paths, files.length);
  if (!options.dryRun) await writeMigrated(plan);
  printOutcome(plan, options, io);
  return migrationExitCode(plan);
}

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Rewrite Argo Rollouts manifests as Kanary ones, in place, and report what Kanary would refuse',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    return migratePaths(parseMigrateArgs(argv), io);
  },
};
