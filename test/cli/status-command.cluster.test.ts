import { setTimeout as sleep } from 'node:timers/promises';
import { useTestNamespace } from '../harness/cluster.js';
import { CliCluster, cli, rolloutBody, template } from './rollout-tree.cluster-fixture.js';

const ns = useTestNamespace('cli-status');

async function rolloutWith(name: string, status: Record<string, unknown>): Promise<CliCluster> {
  const cluster = new CliCluster(ns.kc, ns.name);
  const created = await cluster.createRollout(rolloutBody(name, template('demo:1')));
  await cluster.writeStatus(name, { observedGeneration: created.metadata.generation, ...status });
  return cluster;
}

describe('kanary status (cluster)', () => {
  test('Healthy: exit 0', async () => {
    await rolloutWith('healthy', { phase: 'Healthy' });
    expect(await cli(['status', 'healthy', '-n', ns.name])).toEqual({ code: 0, stdout: 'Healthy\n', stderr: '' });
  });

  test('Degraded: exit 1', async () => {
    await rolloutWith('degraded', { phase: 'Degraded', message: 'RolloutAborted: metric "success-rate" failed' });
    expect(await cli(['status', 'degraded', '-n', ns.name])).toEqual({ code: 1, stdout: 'Degraded - RolloutAborted: metric "success-rate" failed\n', stderr: '' });
  });

  test('still progressing at --timeout: exit 2', async () => {
    await rolloutWith('slow', { phase: 'Progressing', message: 'more replicas need to be updated' });
    const result = await cli(['status', 'slow', '--timeout', '2s', '-n', ns.name]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('Progressing - more replicas need to be updated\n');
    expect(result.stderr).toBe('kanary: timed out waiting for rollout "slow" to become Healthy (last: Progressing - more replicas need to be updated)\n');
  });

  test('streams each phase change until Healthy', async () => {
    const cluster = await rolloutWith('moving', { phase: 'Progressing', message: 'more replicas need to be updated' });
    const running = cli(['status', 'moving', '--timeout', '60s', '-n', ns.name]);
    await sleep(1500);
    await cluster.writeStatus('moving', { phase: 'Paused', message: 'CanaryPauseStep' });
    await sleep(1000);
    await cluster.writeStatus('moving', { phase: 'Healthy', message: null });
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Progressing - more replicas need to be updated\nPaused - CanaryPauseStep\nHealthy\n');
  });

  test('a new generation not yet observed is not Healthy', async () => {
    const cluster = await rolloutWith('stale', { phase: 'Healthy' });
    await cli(['set', 'image', 'stale', 'app=demo:2', '-n', ns.name]);
    const result = await cli(['status', 'stale', '--timeout', '2s', '-n', ns.name]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('waiting for the controller to observe generation 2\n');
    void cluster;
  });

  test('unknown rollout: exit 1 with the not-found line', async () => {
    expect(await cli(['status', 'nope', '-n', ns.name])).toEqual({ code: 1, stdout: '', stderr: `kanary: rollout "nope" not found in namespace "${ns.name}"\n` });
  });
});
