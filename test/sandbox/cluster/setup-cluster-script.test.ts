// scripts/setup-cluster.sh on bad input: one clear message and a non-zero exit, before any build.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'scripts', 'setup-cluster.sh');
const TOOLS = ['bash', 'dpkg-query', 'grep', 'sed', 'cut', 'date', 'mkdir', 'rm', 'mv', 'tail', 'cat', 'sleep', 'kill', 'env', 'tr', 'id', 'dirname'];
let tmp = '';

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'kanary-setup-'));
});

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** A PATH with the shell tools the script uses and, optionally, a `go` of our making. */
function pathWith(fakeGo?: string): string {
  const bin = join(tmp, 'bin');
  spawnSync('mkdir', ['-p', bin]);
  for (const tool of TOOLS) {
    const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found) symlinkSync(found, join(bin, tool));
  }
  if (fakeGo !== undefined) {
    writeFileSync(join(bin, 'go'), `#!/bin/bash\n${fakeGo}\n`);
    chmodSync(join(bin, 'go'), 0o755);
  }
  return bin;
}

function run(args: string[], env: Record<string, string>) {
  const result = spawnSync('bash', [script, ...args], { encoding: 'utf8', env: { HOME: tmp, KANARY_CACHE: join(tmp, 'cache'), ...env } });
  return { status: result.status, stderr: result.stderr };
}

test('a version that is not offered is refused naming the offered ones', () => {
  const result = run(['--kubernetes-version', '1.20'], { PATH: process.env.PATH ?? '' });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain("Kubernetes version '1.20' is not offered; offered versions: 1.37 1.35");
});

test('no Go on PATH: says Go >= 1.26 is needed and where to get it', () => {
  const result = run([], { PATH: pathWith() });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('Go is not installed');
  expect(result.stderr).toContain('needs Go >= 1.26');
});

test('a Go older than the build needs is named', () => {
  const result = run([], { PATH: pathWith('[ "$1 $2" = "env GOVERSION" ] && echo go1.19.8') });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('Go go1.19.8');
  expect(result.stderr).toContain('too old');
});

test('an unreachable module proxy is named in one message', () => {
  const go = spawnSync('bash', ['-c', 'command -v go'], { encoding: 'utf8' }).stdout.trim();
  expect(go).not.toBe('');
  const result = run([], {
    PATH: `${dirname(go)}:${process.env.PATH ?? ''}`,
    GOPROXY: 'off',
    GOMODCACHE: join(tmp, 'modcache'),
    GOCACHE: join(tmp, 'gocache'),
    GOFLAGS: '',
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('downloading Go modules failed: is the Go module proxy (off) reachable?');
});
