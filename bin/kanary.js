#!/usr/bin/env node
// Entry point of `kanary` (and, through bin/kubectl-kanary.js, of `kubectl kanary`).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(`kanary: not built yet: run \`npm ci && npm run build\` in ${root}\n`);
  process.exit(1);
}
const { runCli } = await import(entry);
const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  isTty: Boolean(process.stdout.isTTY),
});
process.exitCode = code;
