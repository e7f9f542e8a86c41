/** `kanary lint FILE...`: validates manifests without a cluster. Exit 0 when clean, 1 when not. */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliIo, Command } from './command.js';
import { UserError } from './command.js';
import type { Finding, SourceFile } from './lint-documents.js';
import { countErrors, lintSources, renderLintReport } from './lint-report.js';

const USAGE = `Usage: kanary lint FILE|DIR...

Validates Rollout, AnalysisTemplate, ClusterAnalysisTemplate, Service and Ambassador Mapping
manifests (multi-document YAML; a directory means its *.yaml and *.yml files) without a cluster,
including cross-document checks: the Rollout's Services, Mappings and AnalysisTemplates must be
among the given files. Each problem is printed as \`file:docN path: message\`: every problem of
every document in one run, schema and semantic alike, in the order of the fields in the file.
Exit code: 0 when there is no error (warnings allowed), 1 otherwise.

Example:
  kanary lint examples/canary-ambassador
  kanary lint rollout.yaml services.yaml mapping.yaml
`;

interface ReadOutcome {
  sources: SourceFile[];
  findings: Finding[];
}

function errorCode(error: unknown): string | undefined {
  return (error as { code?: string } | undefined)?.code;
}

function readFailure(path: string, error: unknown): Finding {
  const code = errorCode(error);
  const message = code === 'ENOENT' ? 'file not found.' : code === 'EACCES' ? 'permission denied.' : `cannot be read (${code ?? 'unknown error'}).`;
  return { file: path, path: '', message, severity: 'error' };
}

async function expand(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => /\.ya?ml$/.test(n)).sort();
  return names.map((n) => join(path, n));
}

async function readSources(paths: readonly string[]): Promise<ReadOutcome> {
  const outcome: ReadOutcome = { sources: [], findings: [] };
  for (const path of paths) {
    try {
      for (const file of await expand(path)) {
        outcome.sources.push({ name: file, text: await readFile(file, 'utf8') });
      }
    } catch (error) {
      outcome.findings.push(readFailure(path, error));
    }
  }
  return outcome;
}

/** Lints the given paths; exposed for tests and for `kanary plan`'s sibling commands. */
export async function lintPaths(paths: readonly string[]): Promise<{ report: string; exitCode: number }> {
  const read = await readSources(paths);
  const result = lintSources(read.sources);
  result.findings.unshift(...read.findings);
  return { report: renderLintReport(result), exitCode: countErrors(result.findings) > 0 ? 1 : 0 };
}

export const lintCommand: Command = {
  name: 'lint',
  summary: 'Validate Rollout, AnalysisTemplate, Service and Mapping manifests offline',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const flags = argv.filter((a) => a.startsWith('-') && a !== '-');
    if (flags.length > 0) throw new UserError(`lint: unknown flag ${flags[0]}. Run \`kanary lint --help\`.`);
    if (argv.length === 0) throw new UserError('lint needs at least one FILE or directory, e.g. `kanary lint examples/canary-ambassador`.');
    const { report, exitCode } = await lintPaths(argv);
    io.stdout(report);
    return exitCode;
  },
};
