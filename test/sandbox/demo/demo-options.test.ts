import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDemoLock, DemoAlreadyRunningError } from '../../../src/sandbox/demo/demo-lock.js';
import { DemoUsageError, parseDemoArgs } from '../../../src/sandbox/demo/demo-options.js';

const base = { env: {}, homeDir: '/home/u', stdoutIsTty: true };

describe('parseDemoArgs', () => {
  test.each([
    [[], { tty: true, yes: false, scenarios: ['promote', 'rollback', 'manual'], rps: 40, metrics: 'prometheus', dir: '/home/u/.kanary/demo', namespace: 'kanary-demo' }],
    [['--no-tty'], { tty: false, yes: true }],
    [['--yes', '--scenario', 'rollback', '--scenario', 'promote'], { yes: true, scenarios: ['promote', 'rollback'] }],
    [['--scenario', 'all', '--rps', '12'], { scenarios: ['promote', 'rollback', 'manual'], rps: 12 }],
    [['--metrics', 'edge-proxy'], { metrics: 'edge-proxy' }],
    [['--metrics=prometheus'], { metrics: 'prometheus' }],
  ])('%j', (argv, expected) => {
    expect(parseDemoArgs({ ...base, argv })).toMatchObject(expected);
  });

  test('without a terminal the demo is non-interactive; KANARY_HOME moves the state', () => {
    expect(parseDemoArgs({ argv: [], env: { KANARY_HOME: '/k' }, homeDir: '/h', stdoutIsTty: false })).toMatchObject({ tty: false, yes: true, dir: '/k/demo' });
  });

  test.each([[['--scenario', 'deploy']], [['--rps', '0']], [['--rps', 'many']], [['--bogus']], [['--metrics', 'graphite']], [['--metrics']]])('%j is refused', (argv) => {
    expect(() => parseDemoArgs({ ...base, argv })).toThrow(DemoUsageError);
  });
});

describe('acquireDemoLock', () => {
  test('a live holder refuses a second demo; a stale lock is taken over; release removes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-lock-'));
    const file = join(dir, 'demo.lock');
    const release = acquireDemoLock(file, process.pid);
    expect(() => acquireDemoLock(file, process.pid + 1)).toThrow(DemoAlreadyRunningError);
    release();
    writeFileSync(file, '999999999\n');
    const again = acquireDemoLock(file, process.pid);
    again();
    expect(() => acquireDemoLock(file, process.pid)()).not.toThrow();
  });
});
