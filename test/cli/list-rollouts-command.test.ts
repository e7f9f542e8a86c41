import type { CliIo } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/main.js';
import { parseListArgs } from '../../src/cli/list-rollouts-command.js';
import { buildRolloutRow, renderRolloutTable } from '../../src/cli/render-rollout-table.js';
import type { RolloutObject } from '../../src/cli/rollout-client.js';
import { PLAIN_STYLE } from '../../src/cli/terminal.js';

function capture(): { io: CliIo; err: string[] } {
  const err: string[] = [];
  return { io: { stdout: () => undefined, stderr: (t) => err.push(t), env: { KUBECONFIG: '/nonexistent/kubeconfig' }, isTty: false }, err };
}

function rollout(name: string, namespace: string, status: Record<string, unknown>): RolloutObject {
  return {
    apiVersion: 'kanary.dev/v1alpha1', kind: 'Rollout', metadata: { name, namespace },
    spec: {
      replicas: 5, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'x:1' }] } },
      strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 60 }, { pause: { duration: '1m' } }] } },
    },
    status,
  };
}

const paused = rollout('web', 'shop', { phase: 'Paused', currentStepIndex: 1, stableRS: 'a', currentPodHash: 'b', replicas: 6, readyReplicas: 6, updatedReplicas: 1, availableReplicas: 6 });
const healthy = rollout('api', 'shop', { phase: 'Healthy', currentStepIndex: 4, stableRS: 'a', currentPodHash: 'a', replicas: 5, readyReplicas: 5, updatedReplicas: 5, availableReplicas: 5 });
const aborted = rollout('cart', 'orders', { phase: 'Degraded', abort: true, currentStepIndex: 2, stableRS: 'a', currentPodHash: 'b', replicas: 6, readyReplicas: 5, updatedReplicas: 1, availableReplicas: 5 });

describe('list rollouts table', () => {
  test('one namespace: the issue\'s columns, sorted by name', () => {
    expect(renderRolloutTable([paused, healthy].map(buildRolloutRow), { allNamespaces: false, style: PLAIN_STYLE, namespace: 'shop' })).toBe([
      'NAME  STRATEGY  STATUS     STEP  SET-WEIGHT  READY  DESIRED  UP-TO-DATE  AVAILABLE',
      'api   Canary    + Healthy  4/4   100         5/5    5        5           5',
      'web   Canary    || Paused  2/4   20          6/6    5        1           6',
      '',
    ].join('\n'));
  });

  test('-A adds NAMESPACE first; aborted has SET-WEIGHT 0', () => {
    const text = renderRolloutTable([paused, healthy, aborted].map(buildRolloutRow), { allNamespaces: true, style: PLAIN_STYLE });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE +NAME +STRATEGY +STATUS/);
    expect(lines[1]).toMatch(/^orders +cart +Canary +x Degraded +3\/4 +0 +5\/6 +5 +1 +5$/);
  });

  test('nothing to list', () => {
    expect(renderRolloutTable([], { allNamespaces: false, style: PLAIN_STYLE, namespace: 'shop' })).toBe('No rollouts found in namespace "shop".\n');
  });

  test.each([
    [['list'], 'kanary: usage: kanary list rollouts [-A] [-w] [--timeout D] [-o json|yaml] [-n NS]\n'],
    [['list', 'pods'], 'kanary: usage: kanary list rollouts [-A] [-w] [--timeout D] [-o json|yaml] [-n NS]\n'],
    [['list', 'rollouts', '-o', 'wide-ish'], 'kanary: list: -o takes json or yaml, not "wide-ish"\n'],
  ])('%j', async (argv, message) => {
    const { io, err } = capture();
    expect(await runCli(argv, io)).toBe(1);
    expect(err.join('')).toBe(message);
  });

  test('flags', () => {
    expect(parseListArgs(['rollouts', '-A', '-w'])).toMatchObject({ allNamespaces: true, watch: true, output: 'text' });
  });
});
