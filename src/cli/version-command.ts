/** `kanary version`: the CLI's version (from package.json) and the Node.js it runs on. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from './command.js';
import { UserError } from './command.js';
import { formatStructured, parseOutputFormat } from './get-flags.js';
import { parseArgs } from 'node:util';

/** package.json sits two levels above both src/cli and dist/cli. */
export function readPackageVersion(): string {
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json');
  try {
    const version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export const versionCommand: Command = {
  name: 'version',
  summary: 'print the kanary version',
  usage: `Usage: kanary version [-o json|yaml]

Prints the kanary CLI version and the Node.js version it runs on.

Example:
  kanary version
`,
  async run(argv, io) {
    let output;
    try {
      const { values } = parseArgs({ args: argv, options: { output: { type: 'string', short: 'o' } }, strict: true });
      output = parseOutputFormat('version', values.output);
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError(`version: ${(error as Error).message}`);
    }
    const info = { kanary: readPackageVersion(), node: process.version, api: 'kanary.dev/v1alpha1' };
    io.stdout(output === 'text' ? `kanary v${info.kanary} (${info.api}, node ${info.node})\n` : formatStructured(info, output));
    return 0;
  },
};
