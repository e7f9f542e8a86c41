import { createTestNamespace, deleteTestNamespace, useTestNamespace } from '../harness/cluster.js';
import { CliCluster, cli, rolloutBody, template } from './rollout-tree.cluster-fixture.js';

const ns = useTestNamespace('cli-list');

describe('kanary list rollouts (cluster)', () => {
  test('one line per Rollout with status, step and weight; -A adds the namespace', async () => {
    const cluster = new CliCluster(ns.kc, ns.name);
    const web = await cluster.createRollout(rolloutBody('web', template('demo:1')));
    await cluster.writeStatus('web', { observedGeneration: web.metadata.generation, phase: 'Paused', currentStepIndex: 1, stableRS: 'a', currentPodHash: 'b', replicas: 3, readyReplicas: 3, updatedReplicas: 1, availableReplicas: 3 });
    await cluster.createRollout(rolloutBody('api', template('demo:1')));
    const other = await createTestNamespace('cli-list-other', ns.kc);
    try {
      await new CliCluster(ns.kc, other).createRollout(rolloutBody('cart', template('demo:1')));
      const one = await cli(['list', 'rollouts', '-n', ns.name]);
      expect(one.code).toBe(0);
      expect(one.stdout.split('\n')).toEqual([
        'NAME  STRATEGY  STATUS     STEP  SET-WEIGHT  READY  DESIRED  UP-TO-DATE  AVAILABLE',
        'api   Canary    ? Unknown  1/4   20          0/0    2        0           0',
        'web   Canary    || Paused  2/4   20          3/3    2        1           3',
        '',
      ]);
      const all = await cli(['list', 'rollouts', '-A']);
      expect(all.stdout).toMatch(/^NAMESPACE +NAME +STRATEGY/);
      expect(all.stdout).toMatch(new RegExp(`\\n${other} +cart +Canary`));
      expect(all.stdout).toMatch(new RegExp(`\\n${ns.name} +web +Canary +\\|\\| Paused`));
      const json = JSON.parse((await cli(['list', 'rollouts', '-n', ns.name, '-o', 'json'])).stdout) as { name: string }[];
      expect(json.map((r) => r.name).sort()).toEqual(['api', 'web']);
    } finally {
      await deleteTestNamespace(other, ns.kc);
    }
  });

  test('-w --timeout: the table, then exit 0', async () => {
    const result = await cli(['list', 'rollouts', '-n', ns.name, '-w', '--timeout', '1s']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^NAME +STRATEGY/);
  });
});
