import type { CliIo } from './command.js';
import { UserError } from './command.js';
import { commandRegistry, type VerbEntry } from './command-registry.js';

function renderHelp(commands: readonly VerbEntry[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'kanary: progressive delivery for Kubernetes (also usable as `kubectl kanary`)',
    '',
    'Usage: kanary VERB [flags]',
    '',
    'Verbs:',
    ...lines,
    '',
    'Run `kanary VERB --help` for the flags and an example of each verb.',
    '',
  ].join('\n');
}

function isHelpFlag(arg: string | undefined): boolean {
  return arg === '--help' || arg === '-h' || arg === 'help';
}

/** Runs the CLI and resolves to an exit code; user mistakes become one line on stderr. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const commands = commandRegistry();
  const [verb, ...rest] = argv;
  if (verb === undefined || isHelpFlag(verb)) {
    io.stdout(renderHelp(commands));
    return verb === undefined ? 1 : 0;
  }
  const entry = commands.find((c) => c.name === verb);
  if (!entry) {
    io.stderr(`kanary: unknown verb "${verb}". Run \`kanary --help\` for the list.\n`);
    return 1;
  }
  const command = await entry.load();
  if (isHelpFlag(rest[0]) && rest.length === 1) {
    io.stdout(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    return reportFailure(error, io);
  }
}

function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof UserError) {
    io.stderr(`kanary: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`kanary: internal error: ${message}\n`);
  if (io.env.KANARY_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return 3;
}
