import { useTestNamespace } from '../harness/cluster.js';
import { CliCluster, cli, rolloutBody, template } from './rollout-tree.cluster-fixture.js';

const ns = useTestNamespace('cli-set-image');

describe('kanary set image (cluster)', () => {
  test('one patch of the spec: one new generation with the new image', async () => {
    const cluster = new CliCluster(ns.kc, ns.name);
    const created = await cluster.createRollout(rolloutBody('demo', template('demo:1')));
    const result = await cli(['set', 'image', 'demo', 'app=demo:2', '-n', ns.name]);
    expect(result).toEqual({ code: 0, stdout: 'rollout "demo" image updated: app=demo:2\n', stderr: '' });
    const after = await cluster.rollout('demo');
    expect(after.spec.template.spec.containers[0].image).toBe('demo:2');
    expect(after.metadata.generation).toBe(created.metadata.generation + 1);
  });

  test('`*` sets every container; running it again changes nothing', async () => {
    const cluster = new CliCluster(ns.kc, ns.name);
    await cluster.createRollout(rolloutBody('multi', template('demo:1', [{ name: 'side', image: 'side:1' }])));
    expect((await cli(['set', 'image', 'multi', '*=demo:9', '-n', ns.name])).stdout).toBe('rollout "multi" image updated: app=demo:9, side=demo:9\n');
    const generation = (await cluster.rollout('multi')).metadata.generation;
    expect(await cli(['set', 'image', 'multi', '*=demo:9', '-n', ns.name])).toEqual({ code: 0, stdout: 'rollout "multi" unchanged: the images already are *=demo:9\n', stderr: '' });
    const after = await cluster.rollout('multi');
    expect(after.spec.template.spec.containers.map((c: { image: string }) => c.image)).toEqual(['demo:9', 'demo:9']);
    expect(after.metadata.generation).toBe(generation);
  });

  test('an unknown container or rollout is one line, exit 1, nothing changed', async () => {
    const cluster = new CliCluster(ns.kc, ns.name);
    await cluster.createRollout(rolloutBody('one', template('demo:1')));
    expect(await cli(['set', 'image', 'one', 'web=demo:2', '-n', ns.name])).toEqual({ code: 1, stdout: '', stderr: 'kanary: rollout "one" has no container "web" (containers: app)\n' });
    expect((await cluster.rollout('one')).spec.template.spec.containers[0].image).toBe('demo:1');
    expect(await cli(['set', 'image', 'nope', 'app=demo:2', '-n', ns.name])).toEqual({ code: 1, stdout: '', stderr: `kanary: rollout "nope" not found in namespace "${ns.name}"\n` });
  });
});
