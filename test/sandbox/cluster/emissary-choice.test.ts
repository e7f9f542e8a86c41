// `kanary cluster start --emissary 3|4` and what `kanary cluster status` shows of the choice.
import { clusterCommand, renderStatus } from '../../../src/cli/cluster-command.js';
import { UserError } from '../../../src/cli/command.js';
import type { ClusterStatus } from '../../../src/sandbox/cluster/cluster-status.js';
import type { ClusterState } from '../../../src/sandbox/cluster/cluster-state.js';

const io = { stdout: () => undefined, stderr: () => undefined, env: {}, isTty: false };

function status(emissary: ClusterState['emissary']): ClusterStatus {
  const state: ClusterState = {
    dir: '/tmp/c',
    kubeconfig: '/tmp/c/kubeconfig',
    server: 'https://127.0.0.1:6443',
    ports: { apiserver: 6443, etcdClient: 2379, etcdPeer: 2380 },
    startedAt: '2026-01-01T00:00:00Z',
    components: { 'emissary-conversion': { pid: 1, binary: 'x', log: '/tmp/c/logs/emissary-conversion.log' } },
    ...(emissary ? { emissary } : {}),
  };
  return { dir: '/tmp/c', started: true, state, components: [], apiserverReady: true, healthy: true };
}

test.each([
  [{ version: 3 as const, conversionUrl: 'https://127.0.0.1:9443/webhooks/crd-convert' }, 'emissary    3 (Emissary 3.10 CRDs, v2 storage; v3alpha1 through kanary-emissary-conversion at https://127.0.0.1:9443/webhooks/crd-convert)'],
  [{ version: 4 as const }, 'emissary    4 (Emissary 4.1 CRDs, v3alpha1 only)'],
  [undefined, 'emissary    ? (started before --emissary existed)'],
])('status shows the Emissary choice %j', (emissary, line) => {
  expect(renderStatus(status(emissary)).split('\n')).toContain(`  ${line}`);
});

test.each(['5', '3.10', ''])('--emissary %j is refused before anything starts', async (value) => {
  await expect(clusterCommand.run(['start', '--dir', '/tmp/never', '--emissary', value], io)).rejects.toThrow(UserError);
  await expect(clusterCommand.run(['start', '--dir', '/tmp/never', '--emissary', value], io)).rejects.toThrow('--emissary must be 3 or 4');
});
