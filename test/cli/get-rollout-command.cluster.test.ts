/**
 * `kanary get rollout` against real objects: a Rollout paused at step 2 with a stable and a canary
 * ReplicaSet (real pods from kube-controller-manager, run by the simulated kubelet), an
 * AnalysisRun and the canary Mapping; status written through /status as the controller would.
 * The -w session runs under tmux (a real pseudo-terminal) while the status moves on.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { testKubeconfigPath, useTestNamespace, waitFor } from '../harness/cluster.js';
import { CliCluster, cli, rolloutBody, template, type Obj } from './rollout-tree.cluster-fixture.js';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ns = useTestNamespace('cli-get');
let hashes: { stable: string; canary: string };

function pausedStatus(generation: number): Obj {
  return {
    observedGeneration: generation, phase: 'Paused', message: 'CanaryPauseStep', currentPodHash: hashes.canary, stableRS: hashes.stable,
    currentStepIndex: 1, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: new Date().toISOString() }],
    replicas: 3, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3,
    canary: { weights: { canary: { weight: 20, podTemplateHash: hashes.canary }, stable: { weight: 80, podTemplateHash: hashes.stable } } },
  };
}

beforeAll(async () => {
  const cluster = new CliCluster(ns.kc, ns.name);
  const v1 = template('demo:1');
  const v2 = template('demo:2');
  const rollout = await cluster.createRollout(rolloutBody('demo', v2));
  const stable = await cluster.createReplicaSet(rollout, { template: v1, revision: 1, replicas: 2 });
  const canary = await cluster.createReplicaSet(rollout, { template: v2, revision: 2, replicas: 1 });
  hashes = { stable: stable.hash, canary: canary.hash };
  await cluster.createAnalysisRun(rollout, {
    name: `demo-${canary.hash}-2-2`, hash: canary.hash,
    status: { phase: 'Running', metricResults: [{ name: 'success-rate', phase: 'Running', count: 2, successful: 2, measurements: [{ phase: 'Successful', value: '0.991' }, { phase: 'Successful', value: '0.987' }] }] },
  });
  await cluster.setCanaryWeight('demo', 20);
  await cluster.writeStatus('demo', pausedStatus(rollout.metadata.generation));
  await waitFor(async () => {
    const sets = await cluster.apps.listNamespacedReplicaSet({ namespace: ns.name });
    return sets.items.every((rs) => (rs.status?.readyReplicas ?? 0) === rs.spec?.replicas);
  }, { timeoutMs: 60_000, description: 'ReplicaSet pods ready' });
}, 90_000);

describe('kanary get rollout (cluster)', () => {
  test('header and tree from real objects', async () => {
    const { code, stdout, stderr } = await cli(['get', 'rollout', 'demo', '-n', ns.name]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Status: +\|\| Paused\n/);
    expect(stdout).toMatch(/Step: +2\/4 \(pause: 1m\)\n/);
    expect(stdout).toMatch(/SetWeight: +20\n {2}ActualWeight: +20\n/);
    expect(stdout).toMatch(/Pause: +\[[#-]{20}\] (\d+m)?\d+s left of 1m\n/);
    expect(stdout).toMatch(/Images: +demo:1 \(stable\)\n +demo:2 \(canary\)\n/);
    expect(stdout).toMatch(new RegExp(`demo-${hashes.canary} +ReplicaSet +\\+ Healthy +\\d+s +canary`));
    expect(stdout.match(new RegExp(`demo-${hashes.stable}-[a-z0-9]+ +Pod +\\+ Running +\\d+s +ready:1/1`, 'g'))).toHaveLength(2);
    expect(stdout).toMatch(/success-rate +Metric +\+ Successful +0\.987 vs result\[0\] >= 0\.95/);
    expect(stdout.indexOf('revision:2')).toBeLessThan(stdout.indexOf('revision:1'));
  });

  test('-o json: the same facts as data', async () => {
    const { code, stdout } = await cli(['get', 'rollout', 'demo', '-n', ns.name, '-o', 'json']);
    expect(code).toBe(0);
    const view = JSON.parse(stdout) as Obj;
    expect(view).toMatchObject({ name: 'demo', namespace: ns.name, phase: 'Paused', setWeight: 20, actualWeight: 20, step: { current: 2, total: 4 } });
    expect(view.revisions.map((r: Obj) => r.revision)).toEqual([2, 1]);
  });

  test('unknown rollout: one line, exit 1', async () => {
    expect(await cli(['get', 'rollout', 'nope', '-n', ns.name])).toEqual({ code: 1, stdout: '', stderr: `kanary: rollout "nope" not found in namespace "${ns.name}"\n` });
  });

  test('-w under a pseudo-terminal: the screen follows the step and weight in place; Ctrl-C exits 0', async () => {
    const socket = `kanary-h9-${randomBytes(4).toString('hex')}`;
    const tmux = (...args: string[]) => run('tmux', ['-L', socket, '-f', '/dev/null', ...args]);
    const screen = async () => (await tmux('capture-pane', '-p', '-t', 'watch')).stdout;
    const command = `trap : INT; env KUBECONFIG=${testKubeconfigPath()} TERM=xterm-256color ${process.execPath} ${join(root, 'bin', 'kanary.js')} get rollout demo -n ${ns.name} -w --timeout 120s; echo "exit=$?"; sleep 60`;
    try {
      await tmux('new-session', '-d', '-s', 'watch', '-x', '140', '-y', '50', 'sh', '-c', command);
      const before = await waitFor(async () => {
        const text = await screen();
        return /Step: +2\/4 \(pause: 1m\)/.test(text) && /ActualWeight: +20/.test(text) && text;
      }, { timeoutMs: 30_000, description: 'the first frame' });
      expect(before).toMatch(/Status: +॥ Paused/);
      expect(before).toMatch(/Pause: +\[[█░]{20}\] (\d+m)?\d+s left of 1m/);

      const cluster = new CliCluster(ns.kc, ns.name);
      const status = { ...pausedStatus((await cluster.rollout('demo')).metadata.generation), phase: 'Progressing', message: 'more replicas need to be updated', currentStepIndex: 2, pauseConditions: null };
      await cluster.writeStatus('demo', status);
      await cluster.setCanaryWeight('demo', 50);
      const after = await waitFor(async () => {
        const text = await screen();
        return /Step: +3\/4 \(setWeight: 50\)/.test(text) && /ActualWeight: +50/.test(text) && text;
      }, { timeoutMs: 30_000, description: 'the redrawn frame' });
      expect(after).toMatch(/SetWeight: +50/);
      expect(after).toMatch(/Status: +◌ Progressing/);
      expect(after.match(/^Name:/gm)).toHaveLength(1); // redrawn in place, not appended
      expect(after).not.toMatch(/2\/4|Pause:/);
      // KANARY_CAPTURE_DIR=dir keeps the two screens (the README sample comes from such a run).
      if (process.env.KANARY_CAPTURE_DIR) writeFileSync(join(process.env.KANARY_CAPTURE_DIR, 'kanary-get-rollout-w.txt'), `${before.trimEnd()}\n----- after the status moved on -----\n${after.trimEnd()}\n`);

      await tmux('send-keys', '-t', 'watch', 'C-c');
      await waitFor(async () => /exit=0/.test(await screen()), { timeoutMs: 10_000, description: 'exit after Ctrl-C' });
    } finally {
      await tmux('kill-server').catch(() => undefined);
    }
  }, 90_000);
});
