import type { CliIo } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/main.js';
import { assessStatus, parseStatusArgs, STATUS_EXIT } from '../../src/cli/status-command.js';
import type { RolloutObject } from '../../src/cli/rollout-client.js';

function rollout(generation: number, status: Record<string, unknown>): RolloutObject {
  return { metadata: { name: 'demo', generation }, status };
}

describe('assessStatus', () => {
  test.each([
    [rollout(2, { phase: 'Healthy', observedGeneration: 2 }), 'Healthy', STATUS_EXIT.healthy],
    [rollout(3, { phase: 'Healthy', observedGeneration: 2 }), 'waiting for the controller to observe generation 3', undefined],
    [rollout(2, { phase: 'Degraded', message: 'RolloutAborted: by user', observedGeneration: 2 }), 'Degraded - RolloutAborted: by user', STATUS_EXIT.degraded],
    [rollout(2, { phase: 'Paused', message: 'CanaryPauseStep', observedGeneration: 2 }), 'Paused - CanaryPauseStep', undefined],
    [rollout(2, { phase: 'Progressing', message: 'more replicas need to be updated', observedGeneration: 2 }), 'Progressing - more replicas need to be updated', undefined],
    [undefined, 'rollout "demo" was deleted', STATUS_EXIT.degraded],
  ])('%#: %s', (input, text, exitCode) => {
    expect(assessStatus(input, 'demo')).toEqual(exitCode === undefined ? { text } : { text, exitCode });
  });

  test('exit codes are the documented ones', () => {
    expect(STATUS_EXIT).toEqual({ healthy: 0, degraded: 1, timeout: 2 });
  });
});

describe('kanary status: arguments', () => {
  function capture(): { io: CliIo; err: string[] } {
    const err: string[] = [];
    return { io: { stdout: () => undefined, stderr: (t) => err.push(t), env: { KUBECONFIG: '/nonexistent/kubeconfig' }, isTty: false }, err };
  }

  test.each([
    [['status'], 'kanary: usage: kanary status NAME [--timeout D] [-n NS]\n'],
    [['status', 'demo', '--timeout', 'later'], 'kanary: status: --timeout "later" is not a duration: use whole seconds (30) or a Go-style duration such as 30s, 1m, 1h30m or 500ms.\n'],
    [['status', 'demo'], 'kanary: kubeconfig /nonexistent/kubeconfig does not exist\n'],
  ])('%j', async (argv, message) => {
    const { io, err } = capture();
    expect(await runCli(argv, io)).toBe(1);
    expect(err.join('')).toBe(message);
  });

  test('--timeout takes Go durations and whole seconds', () => {
    expect(parseStatusArgs(['demo', '--timeout', '2m30s']).timeoutMs).toBe(150_000);
    expect(parseStatusArgs(['demo', '--timeout', '45']).timeoutMs).toBe(45_000);
  });
});
