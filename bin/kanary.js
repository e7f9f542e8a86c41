#!/usr/bin/env node
// Entry point of `kanary` (and, through bin/kubectl-kanary.js, of `kubectl kanary`). Everyday verbs
// run from the CLI bundle (a few files, fast to load), the controller from its own bundle; the rest
// from dist/ as compiled.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLED_VERBS } from './bundled-verbs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
// The controller runs from a bundle of its own (dist/controller-bundle): it idles smaller.
const bundle = join(root, 'dist', argv[0] === 'controller' ? 'controller-bundle' : 'cli-bundle', 'main.js');
const compiled = join(root, 'dist', 'cli', 'main.js');
const bundled = BUNDLED_VERBS.has(argv[0] ?? '') || argv[0] === 'controller';
const useBundle = bundled && process.env.KANARY_CLI_UNBUNDLED !== '1' && existsSync(bundle);
const entry = useBundle ? bundle : compiled;
if (!existsSync(entry)) {
  process.stderr.write(`kanary: not built yet: run \`npm ci && npm run build\` in ${root}\n`);
  process.exit(1);
}
if (argv[0] === 'controller') {
  // Before the controller's code loads: a heap too small for it gets a message, not V8's abort.
  const guard = await import(join(root, 'dist', 'runtime', 'heap-guard.js'));
  const problem = guard.heapFloorProblem(guard.readHeapStats());
  if (problem !== undefined) {
    process.stderr.write(`kanary controller: ${problem}\n`);
    process.exit(guard.HEAP_TOO_SMALL_EXIT);
  }
}
const { runCli } = await import(entry);
const code = await runCli(argv, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  isTty: Boolean(process.stdout.isTTY),
});
process.exitCode = code;
