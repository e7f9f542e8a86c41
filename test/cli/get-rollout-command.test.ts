import type { CliIo } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/main.js';
import { parseGetArgs } from '../../src/cli/get-rollout-command.js';

function capture(env: NodeJS.ProcessEnv = { KUBECONFIG: '/nonexistent/kubeconfig' }): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, isTty: false }, out, err };
}

const USAGE = 'kanary: usage: kanary get rollout NAME [-w] [--timeout D] [-o json|yaml] [-n NS]\n';

describe('kanary get: arguments', () => {
  test.each([
    [['get']],
    [['get', 'rollout']],
    [['get', 'deployment', 'demo']],
    [['get', 'rollout', 'a', 'b']],
  ])('%j -> usage line', async (argv) => {
    const { io, err } = capture();
    expect(await runCli(argv, io)).toBe(1);
    expect(err.join('')).toBe(USAGE);
  });

  test.each([
    [['get', 'rollout', 'demo', '-o', 'xml'], 'kanary: get: -o takes json or yaml, not "xml"\n'],
    [['get', 'rollout', 'demo', '--timeout', '10m'], 'kanary: get: --timeout goes with -w\n'],
    [['get', 'rollout', 'demo', '-w', '--timeout', 'soon'], 'kanary: get: --timeout "soon" is not a duration: use whole seconds (30) or a Go-style duration such as 30s, 1m, 1h30m or 500ms.\n'],
  ])('%j -> %s', async (argv, message) => {
    const { io, err } = capture();
    expect(await runCli(argv, io)).toBe(1);
    expect(err.join('')).toBe(message);
  });

  test('accepts the kind as rollout, rollouts or ro, and the flags', () => {
    expect(parseGetArgs(['ro', 'demo', '-w', '--timeout', '90s', '-n', 'shop', '-o', 'yaml'])).toMatchObject({
      name: 'demo', watch: true, timeoutMs: 90_000, output: 'yaml', namespace: 'shop',
    });
    expect(parseGetArgs(['rollouts', 'demo'])).toMatchObject({ name: 'demo', watch: false, output: 'text' });
  });

  test('without a kubeconfig: says how to point at one', async () => {
    const { io, err } = capture({ HOME: '/nonexistent-home' });
    expect(await runCli(['get', 'rollout', 'demo'], io)).toBe(1);
    expect(err.join('')).toMatch(/^kanary: no kubeconfig found: pass --kubeconfig PATH or set KUBECONFIG/);
  });

  test('--help prints the usage with an example', async () => {
    const { io, out } = capture();
    expect(await runCli(['get', '--help'], io)).toBe(0);
    expect(out.join('')).toContain('kanary get rollout demo -n shop -w');
  });
});

describe('kanary get: unreachable cluster', () => {
  test('one line naming the server from the kubeconfig', async () => {
    const { createServer } = await import('node:net');
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const dir = mkdtempSync(join(tmpdir(), 'kanary-unreachable-'));
    try {
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: 'https://127.0.0.1:${port}', insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`);
      const { io, err } = capture({ KUBECONFIG: kubeconfig });
      expect(await runCli(['get', 'rollout', 'demo'], io)).toBe(1);
      expect(err.join('')).toBe(`kanary: cannot reach the Kubernetes API server at https://127.0.0.1:${port} (ECONNREFUSED)\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
