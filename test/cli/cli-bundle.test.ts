// The CLI bundle (scripts/bundle-cli.mjs, dist/cli-bundle) that bin/kanary.js runs for everyday verbs.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandRegistry } from '../../src/cli/command-registry.js';
// @ts-expect-error: a plain JavaScript module of bin/, without types
import { BUNDLED_VERBS } from '../../bin/bundled-verbs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bundled = BUNDLED_VERBS as Set<string>;
const run = (args: string[], env: NodeJS.ProcessEnv = {}): string =>
  execFileSync(process.execPath, [join(root, 'bin', 'kanary.js'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

test('the bundled verbs are registered verbs, and never those that load files beside their modules', () => {
  const verbs = commandRegistry().map((v) => v.name);
  for (const verb of bundled) expect(verbs).toContain(verb);
  for (const verb of ['controller', 'cluster', 'dashboard', 'backtest']) expect(bundled.has(verb)).toBe(false);
});

test('npm run build wrote the bundle, and a bundled verb answers as the compiled CLI does', () => {
  expect(existsSync(join(root, 'dist', 'cli-bundle', 'main.js'))).toBe(true);
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const fromBundle = run(['version']);
  expect(fromBundle).toContain(`kanary v${version} `);
  expect(run(['version'], { KANARY_CLI_UNBUNDLED: '1' })).toBe(fromBundle);
  expect(run(['plan', '--help'])).toBe(run(['plan', '--help'], { KANARY_CLI_UNBUNDLED: '1' }));
});

test('the bundle carries no local-stack code: the compiled-only verbs resolve to dist/cli/', () => {
  const dir = join(root, 'dist', 'cli-bundle');
  const text = readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  for (const marker of ['kube-controller-manager', 'kanary-emissary-conversion', 'simulated kubelet']) expect(text.includes(marker)).toBe(false);
  expect(run(['cluster', '--help'])).toContain('Usage: kanary cluster');
});

test('the controller runs from a bundle of its own, with its worker threads beside it and no local-stack code', () => {
  const dir = join(root, 'dist', 'controller-bundle');
  const files = readdirSync(dir);
  for (const worker of ['main.js', 'probe-worker.js', 'cel-worker.js']) expect(files).toContain(worker);
  const text = files.filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  for (const marker of ['kube-controller-manager', 'kanary-emissary-conversion', 'simulated kubelet']) expect(text.includes(marker)).toBe(false);
  // The code that starts each worker names the file it expects beside it.
  expect(text).toContain('./probe-worker.js');
  expect(text).toContain('./cel-worker.js');
  expect(run(['controller', '--help'])).toBe(run(['controller', '--help'], { KANARY_CLI_UNBUNDLED: '1' }));
  expect(run(['controller', '--help'])).toContain('Usage: kanary controller');
});
