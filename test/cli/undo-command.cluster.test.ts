import { computePodTemplateHash } from '../../src/core/pod-template-hash.js';
import { jsonEqual } from '../../src/kube/merge-patch.js';
import { useTestNamespace } from '../harness/cluster.js';
import { CliCluster, cli, rolloutBody, template } from './rollout-tree.cluster-fixture.js';

const ns = useTestNamespace('cli-undo');

describe('kanary undo (cluster)', () => {
  test('restores the previous revision\'s template exactly (same hash), from a defaulted ReplicaSet', async () => {
    const cluster = new CliCluster(ns.kc, ns.name);
    const v1 = template('demo:1');
    v1.spec.containers[0].readinessProbe = { httpGet: { path: '/', port: 8080 } };
    const v2 = structuredClone(v1);
    v2.spec.containers[0].image = 'demo:2';
    v2.spec.containers[0].env = [{ name: 'MODE', value: 'new' }];
    v2.metadata.annotations = { note: 'v2 only' };
    const rollout = await cluster.createRollout(rolloutBody('demo', v1));
    const rev1 = await cluster.createReplicaSet(rollout, { template: v1, revision: 1, replicas: 0 });
    await cli(['set', 'image', 'demo', 'app=demo:2', '-n', ns.name]);
    await cluster.custom.patchNamespacedCustomObject({ group: 'kanary.dev', version: 'v1alpha1', plural: 'rollouts', namespace: ns.name, name: 'demo', body: { spec: { template: v2 } } },
      (await import('../../src/kube/patch-options.js')).mergePatchOptions());
    await cluster.createReplicaSet(rollout, { template: v2, revision: 2, replicas: 0 });
    // The API server filled in defaults in the ReplicaSet's copy of the template.
    const stored = (await cluster.apps.readNamespacedReplicaSet({ namespace: ns.name, name: `demo-${rev1.hash}` })).spec?.template?.spec?.containers[0];
    expect(stored?.terminationMessagePath).toBe('/dev/termination-log');

    const result = await cli(['undo', 'demo', '-n', ns.name]);
    expect(result).toEqual({ code: 0, stdout: 'rollout "demo" rolled back to the template of revision 1\n', stderr: '' });
    const after = await cluster.rollout('demo');
    expect(jsonEqual(after.spec.template, v1)).toBe(true);
    expect(computePodTemplateHash(after.spec.template)).toBe(rev1.hash);
  });

  test('--to-revision: unknown revision and the current one are refused', async () => {
    expect(await cli(['undo', 'demo', '--to-revision', '9', '-n', ns.name])).toEqual({ code: 1, stdout: '', stderr: 'kanary: revision 9 not found (revisions: 2, 1)\n' });
    expect(await cli(['undo', 'demo', '--to-revision', '1', '-n', ns.name])).toEqual({ code: 1, stdout: '', stderr: 'kanary: revision 1 is the current template: nothing to undo\n' });
    expect((await cli(['undo', 'demo', '--to-revision', '2', '-n', ns.name])).stdout).toBe('rollout "demo" rolled back to the template of revision 2\n');
    const after = await new CliCluster(ns.kc, ns.name).rollout('demo');
    expect(after.spec.template.spec.containers[0].image).toBe('demo:2');
    expect(after.spec.template.metadata.annotations).toEqual({ note: 'v2 only' });
  });
});
