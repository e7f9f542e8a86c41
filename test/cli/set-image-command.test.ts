import { runCli } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/command.js';
import { UserError } from '../../src/cli/command.js';
import { buildImagePatch, parseSetImageArgs } from '../../src/cli/set-image-command.js';
import type { RolloutObject } from '../../src/cli/rollout-client.js';

function capture(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { KUBECONFIG: '/nonexistent/kubeconfig' }, isTty: false }, out, err };
}

const USAGE = 'kanary: usage: kanary set image NAME CONTAINER=IMAGE [CONTAINER=IMAGE...] [-n NS]\n';

function rollout(containers: { name: string; image: string }[], initContainers?: { name: string; image: string }[]): RolloutObject {
  return {
    metadata: { name: 'demo', namespace: 'shop', resourceVersion: '42' },
    spec: { template: { spec: { containers, ...(initContainers ? { initContainers } : {}) } } },
  };
}

describe('kanary set image: arguments', () => {
  test.each([
    [['set', 'image', 'demo', 'app']],
    [['set', 'image', 'demo', '=img']],
    [['set', 'image', 'demo', 'app=']],
    [['set', 'image', 'demo']],
    [['set', 'demo', 'app=img']],
    [['set']],
  ])('%j -> the usage line, exit 1', async (argv) => {
    const { io, err } = capture();
    expect(await runCli(argv, io)).toBe(1);
    expect(err.join('')).toBe(USAGE);
  });

  test('an unknown flag names the verb', async () => {
    const { io, err } = capture();
    expect(await runCli(['set', 'image', 'demo', 'a=b', '--bogus'], io)).toBe(1);
    expect(err.join('')).toMatch(/^kanary: set: Unknown option '--bogus'/);
  });

  test('parses several pairs and keeps `=` inside the image', () => {
    expect(parseSetImageArgs(['image', 'demo', 'app=reg.io/a:1', '*=x=y'])).toEqual({
      name: 'demo', changes: [{ container: 'app', image: 'reg.io/a:1' }, { container: '*', image: 'x=y' }],
    });
  });
});

describe('buildImagePatch', () => {
  test('one container: a conditional merge patch of the containers', () => {
    const patch = buildImagePatch(rollout([{ name: 'app', image: 'a:1' }, { name: 'side', image: 's:1' }]), [{ container: 'app', image: 'a:2' }]);
    expect(patch.changed).toEqual(['app=a:2']);
    expect(patch.body).toEqual({
      metadata: { resourceVersion: '42' },
      spec: { template: { spec: { containers: [{ name: 'app', image: 'a:2' }, { name: 'side', image: 's:1' }] } } },
    });
  });

  test('`*` sets every container, init containers included', () => {
    const patch = buildImagePatch(rollout([{ name: 'app', image: 'a:1' }], [{ name: 'init', image: 'i:1' }]), [{ container: '*', image: 'x:9' }]);
    expect(patch.changed).toEqual(['app=x:9', 'init=x:9']);
    expect(patch.body?.['spec']).toEqual({ template: { spec: { containers: [{ name: 'app', image: 'x:9' }], initContainers: [{ name: 'init', image: 'x:9' }] } } });
  });

  test('a named container wins over `*`', () => {
    const patch = buildImagePatch(rollout([{ name: 'app', image: 'a:1' }, { name: 'side', image: 's:1' }]), [{ container: '*', image: 'x:9' }, { container: 'side', image: 's:2' }]);
    expect(patch.changed).toEqual(['app=x:9', 'side=s:2']);
  });

  test('nothing to change: no patch', () => {
    expect(buildImagePatch(rollout([{ name: 'app', image: 'a:1' }]), [{ container: 'app', image: 'a:1' }])).toEqual({ changed: [] });
  });

  test('an unknown container lists the real ones', () => {
    expect(() => buildImagePatch(rollout([{ name: 'app', image: 'a:1' }]), [{ container: 'web', image: 'a:2' }]))
      .toThrow(new UserError('rollout "demo" has no container "web" (containers: app)'));
  });
});
