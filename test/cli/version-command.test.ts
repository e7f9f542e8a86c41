import { readFileSync } from 'node:fs';
import type { CliIo } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/main.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function capture(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, isTty: false }, out, err };
}

describe('kanary version', () => {
  test('prints the package version', async () => {
    const { io, out } = capture();
    expect(await runCli(['version'], io)).toBe(0);
    expect(out.join('')).toBe(`kanary v${pkg.version} (kanary.dev/v1alpha1, node ${process.version})\n`);
  });

  test('-o json', async () => {
    const { io, out } = capture();
    expect(await runCli(['version', '-o', 'json'], io)).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual({ kanary: pkg.version, node: process.version, api: 'kanary.dev/v1alpha1' });
  });

  test('an unknown flag is one line', async () => {
    const { io, err } = capture();
    expect(await runCli(['version', '--short'], io)).toBe(1);
    expect(err.join('')).toMatch(/^kanary: version: Unknown option '--short'/);
  });
});
