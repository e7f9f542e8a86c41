import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/main.js';
import { commandRegistry } from '../../src/cli/command-registry.js';

function capture(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, isTty: false }, out, err };
}

async function script(shell: string): Promise<string> {
  const { io, out } = capture();
  expect(await runCli(['completion', shell], io)).toBe(0);
  return out.join('');
}

describe('kanary completion', () => {
  test.each(['bash', 'zsh', 'fish'])('%s: names every verb', async (shell) => {
    const text = await script(shell);
    for (const command of commandRegistry()) expect(text).toContain(command.name);
  });

  test('bash: the script loads and completes verbs and the kind after get', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanary-completion-'));
    try {
      writeFileSync(join(dir, 'kanary.bash'), await script('bash'));
      const probe = `source ${join(dir, 'kanary.bash')}
COMP_WORDS=(kanary st); COMP_CWORD=1; _kanary; echo "\${COMPREPLY[*]}"
COMP_WORDS=(kanary get r); COMP_CWORD=2; _kanary; echo "\${COMPREPLY[*]}"
COMP_WORDS=(kanary get rollout demo -o ""); COMP_CWORD=5; _kanary; echo "\${COMPREPLY[*]}"`;
      const result = spawnSync('bash', ['--norc', '--noprofile', '-c', probe], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
      expect(result.stderr).not.toMatch(/kanary|syntax error/);
      expect(result.stdout.split('\n').slice(0, 3)).toEqual(['status', 'rollout rollouts', 'json yaml']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([[['completion']], [['completion', 'powershell']], [['completion', 'bash', 'extra']]])('%j -> usage line', async (argv) => {
    const { io, err } = capture();
    expect(await runCli(argv, io)).toBe(1);
    expect(err.join('')).toBe('kanary: usage: kanary completion bash|zsh|fish\n');
  });
});
